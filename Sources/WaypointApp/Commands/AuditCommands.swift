import Foundation
import Vapor

struct AuditCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "The audit log (verify)" }
}

/// `waypoint audit verify`: seals what the server has not yet sealed, then recomputes the hash
/// chain over the whole audit log. Exit 0 and a count when intact; exit 1 and where it breaks.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Check that no audit entry has been changed or removed" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        try await AuditChain.seal(on: app.db)
        switch try await AuditChain.verify(on: app.db) {
        case .intact(let n):
            context.console.output("The audit log is intact: \(String(n)) entries, each chained to the one before.")
        case .broken(let position, let reason):
            throw ExitError(message: "The audit log has been tampered with at position \(position): \(reason).")
        }
    }
}
