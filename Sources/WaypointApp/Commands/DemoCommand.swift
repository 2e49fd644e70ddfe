import Fluent
import Foundation
import Vapor
import WaypointDomain

/// `waypoint demo`: loads the deterministic demo service into an empty database and prints
/// the sign-ins. Refuses when the database holds anything other than demo data.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(
            name: "children",
            help:
                "How many children the demo service holds (\(DemoData.childCount) unless given; at most \(DemoData.maximumChildren)); case workers grow with them"
        )
        var children: String?
        init() {}
    }
    var help: String {
        "Load a realistic demo service (200 children unless --children says otherwise, a user for every role) into an empty database"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var children = DemoData.childCount
        if let given = signature.children {
            guard let n = Int(given), (1...DemoData.maximumChildren).contains(n) else {
                throw ExitError(message: "--children must be a whole number from 1 to \(DemoData.maximumChildren).")
            }
            children = n
        }
        try await migrate(app)
        var password = ProcessInfo.processInfo.environment["WAYPOINT_DEMO_PASSWORD"] ?? ""
        var generated = false
        if password.isEmpty {
            password = DemoData.generatePassword()
            generated = true
        } else if password.count < UserForm.minimumPasswordLength {
            throw ExitError(message: "WAYPOINT_DEMO_PASSWORD must be at least \(UserForm.minimumPasswordLength) characters.")
        }
        let outcome = try await DemoData.load(
            on: app.db, password: password, hasher: { try app.password.hash($0) }, today: LocalDate.today(at: Date()),
            children: children)
        switch outcome {
        case .refused(let reason):
            throw ExitError(message: "Refusing to load demo data: \(reason)")
        case .alreadyLoaded:
            context.console.output("The demo data is already loaded; demo passwords have been reset.")
        case .loaded(let children):
            context.console.output(
                "Loaded the demo service \(DemoData.serviceName) (\(DemoData.serviceCode)) with \(String(children)) children.")
        }
        context.console.output("")
        context.console.output("Demo sign-ins (password \(generated ? "generated for this run" : "from WAYPOINT_DEMO_PASSWORD")):")
        for role in Role.allCases {
            context.console.output("  \(DemoData.email(for: role))")
        }
        context.console.output("  password: \(password)")
        context.console.output("Two-factor sign-in is not required in the demo; an admin turns it on under Users › Sign-in security.")
    }
}
