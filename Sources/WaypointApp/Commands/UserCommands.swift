import Fluent
import Foundation
import Vapor
import WaypointDomain

struct UserCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand(), "reset-password": UserResetPasswordCommand()] }
    var help: String { "Manage user accounts (create, reset-password)" }
}

/// `waypoint user create --email E --name N --role R --service CODE`: prints a one-time code the
/// person signs in with once, choosing their own password (nobody else ever knows it).
struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Email address the user signs in with") var email: String?
        @Option(name: "name", help: "Full name") var name: String?
        @Option(name: "role", help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String?
        @Option(name: "service", help: "Service code (repeat with commas for several: WF,LN)") var service: String?
        init() {}
    }
    var help: String { "Create a user and print their one-time sign-in code (they choose their own password)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        let codes = (signature.service ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter {
            !$0.isEmpty
        }
        let services = try await Service.query(on: app.db).all()
        var problems: [String] = []
        var ids: [String] = []
        for code in codes {
            if let s = services.first(where: { $0.code.uppercased() == code }) {
                ids.append(s.id!.uuidString)
            } else {
                problems.append(
                    "--service: there is no service with code \(code) (known: \(services.map(\.code).sorted().joined(separator: ", ")))")
            }
        }
        let form = FormValues(
            ["name": signature.name ?? "", "email": signature.email ?? "", "role": signature.role ?? ""], lists: ["services": ids])
        let result = UserForm.parse(form, allowedServices: Set(services.map { $0.id!.uuidString }), requirePassword: false)
        let flag = ["name": "--name", "email": "--email", "role": "--role", "services": "--service"]
        if case .failure(let e) = result {
            problems += e.errors.filter { !(codes.count > ids.count && $0.field == "services") }.map {
                "\(flag[$0.field] ?? $0.field): \($0.message)"
            }
        }
        if case .success(let input) = result, try await User.query(on: app.db).filter(\.$email == input.email).first() != nil {
            problems.append(
                "--email: a user with this email address already exists (to let them back in, use: waypoint user reset-password --email \(input.email))"
            )
        }
        guard problems.isEmpty, case .success(let input) = result else {
            for p in problems { context.console.error(p) }
            throw ExitError(message: "No user was created.")
        }
        let now = Date()
        let issued = try await app.db.writeTransaction { db in
            let user = try await Identity.createUser(input, on: db)
            let issued = try await Identity.issueCode(for: user.requireID(), by: "command line", on: db, now: now)
            try await Audit.record(
                on: db, at: now, userID: nil, userEmail: "command line", action: "create_user",
                details: "user \(user.id!.uuidString) role \(input.role.rawValue); one-time code issued")
            return issued
        }
        context.console.output("Created \(input.role.label.lowercased()) \(input.email).")
        printCode(context, issued)
    }
}

func printCode(_ context: CommandContext, _ issued: (code: String, expires: Date)) {
    context.console.output("One-time sign-in code: \(issued.code)")
    context.console.output(
        "It works once, until \(DateFormatting.londonDateTime(issued.expires)), at \(Paths.signInWithCode); they then choose their own password."
    )
}

/// `waypoint user reset-password --email E`: for the server's operator (a locked-out admin, say).
/// The old password stops working, sessions end, and a one-time code is printed.
struct UserResetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Email address of the account") var email: String?
        init() {}
    }
    var help: String { "Reset a user's password: prints a one-time sign-in code (they choose a new password)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        let email = normaliseEmail(signature.email ?? "")
        guard !email.isEmpty, email.count <= SignInController.maxEmailLength else {
            throw ExitError(message: "--email: give the email address of the account.")
        }
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first(), let id = user.id else {
            throw ExitError(message: "--email: there is no user with this email address.")
        }
        let now = Date()
        let issued = try await app.db.writeTransaction { db in
            try await Identity.resetPassword(id, email: email, by: "command line", on: db, now: now)
        }
        context.console.output(
            "Reset the password of \(email)\(user.active ? "" : " (the account is deactivated: reactivate it under Users first)").")
        printCode(context, issued)
    }
}

/// A command failure with a message for the person at the terminal (exit code 1).
struct ExitError: Error, CustomStringConvertible, LocalizedError {
    let message: String
    var description: String { message }
    var errorDescription: String? { message }
}
