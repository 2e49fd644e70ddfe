import Fluent
import Foundation
import Vapor
import WaypointDomain

struct UserCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand()] }
    var help: String { "Manage user accounts (create)" }
}

/// `waypoint user create --email E --name N --role R --service CODE`; the password comes from
/// `WAYPOINT_PASSWORD` or the first line of standard input.
struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Email address the user signs in with") var email: String?
        @Option(name: "name", help: "Full name") var name: String?
        @Option(name: "role", help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String?
        @Option(name: "service", help: "Service code (repeat with commas for several: WF,LN)") var service: String?
        init() {}
    }
    var help: String { "Create a user. Password from WAYPOINT_PASSWORD or standard input." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        var password = ProcessInfo.processInfo.environment["WAYPOINT_PASSWORD"] ?? ""
        if password.isEmpty {
            if isatty(STDIN_FILENO) != 0 { context.console.output("Password (at least \(String(UserForm.minimumPasswordLength)) characters): ", newLine: false) }
            password = readLine(strippingNewline: true) ?? ""
        }
        let codes = (signature.service ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        let services = try await Service.query(on: app.db).all()
        var problems: [String] = []
        var ids: [String] = []
        for code in codes {
            if let s = services.first(where: { $0.code.uppercased() == code }) { ids.append(s.id!.uuidString) }
            else { problems.append("--service: there is no service with code \(code) (known: \(services.map(\.code).sorted().joined(separator: ", ")))") }
        }
        let form = FormValues(["name": signature.name ?? "", "email": signature.email ?? "", "role": signature.role ?? "", "password": password],
                              lists: ["services": ids])
        let result = UserForm.parse(form, allowedServices: Set(services.map { $0.id!.uuidString }), requirePassword: true)
        let flag = ["name": "--name", "email": "--email", "role": "--role", "services": "--service", "password": "password"]
        if case .failure(let e) = result {
            problems += e.errors.filter { !(codes.count > ids.count && $0.field == "services") }.map { "\(flag[$0.field] ?? $0.field): \($0.message)" }
        }
        if case .success(let input) = result, try await User.query(on: app.db).filter(\.$email == input.email).first() != nil {
            problems.append("--email: a user with this email address already exists")
        }
        guard problems.isEmpty, case .success(let input) = result else {
            for p in problems { context.console.error(p) }
            throw ExitError(message: "No user was created.")
        }
        let hash = try app.password.hash(input.password!)
        try await app.db.writeTransaction { db in
            let user = User(email: input.email, name: input.name, passwordHash: hash, role: input.role)
            try await user.create(on: db)
            for s in input.serviceIDs { try await UserService(userID: user.id!, serviceID: UUID(uuidString: s)!).create(on: db) }
            try await Audit.record(on: db, at: Date(), userID: nil, userEmail: "command line", action: "create_user",
                                   details: "user \(user.id!.uuidString) role \(input.role.rawValue)")
        }
        context.console.output("Created \(input.role.label.lowercased()) \(input.email).")
    }
}

/// A command failure with a message for the person at the terminal (exit code 1).
struct ExitError: Error, CustomStringConvertible, LocalizedError {
    let message: String
    var description: String { message }
    var errorDescription: String? { message }
}
