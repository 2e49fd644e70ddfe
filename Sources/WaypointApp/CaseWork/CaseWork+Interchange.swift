import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// Bundles in and out: import for managers (and the operator), export for managers and analysts,
/// each within the agent's own services, and every child written out on that child's audit trail.
extension CaseWork {
    func importBundle(_ files: [String: Data], dryRun: Bool) async throws -> Importer.Outcome {
        try authorize(.importBundle)
        // Every row is resolved inside the agent's services: a child of another service is "no
        // such child", exactly as one that does not exist (no hint which ids exist elsewhere).
        let outcome = try await Importer.run(
            files, on: db, actor: agent, today: agent.today, now: agent.now, dryRun: dryRun,
            within: agent.serviceIDs.map { Set($0) })
        if case .imported(let report) = outcome {
            try await Audit.record(
                on: db, at: agent.now, userID: agent.userID, userEmail: agent.email, action: dryRun ? "import_dry_run" : "import_bundle",
                details: report.lines.joined(separator: "; "))
            if !dryRun { try await DatabaseSetup.refreshStatistics(db) }
        }
        return outcome
    }

    /// The bundle of one service (or, for the operator, of every service when `serviceCode` is nil).
    func exportBundle(serviceCode: String?, to destination: String) async throws -> [(String, Data)] {
        try authorize(.exportBundle)
        struct S: Decodable { let id: UUID; let code: String }
        let services = try await db.sql.select().columns("id", "code").from("services").all(decoding: S.self)
        let service = serviceCode.flatMap { code in services.first { $0.code == code } }
        if let serviceCode, service == nil { throw WaypointError.badRequest("There is no service with the code \(serviceCode).") }
        if let mine = agent.serviceIDs {
            guard let service, mine.contains(service.id) else { throw WaypointError.forbidden("Choose one of your services to export.") }
        }
        let files = try await Exporter.run(serviceCode: serviceCode, on: db)
        let what = serviceCode.map { "service \($0)" } ?? "all services"
        try await Audit.record(
            on: db, at: agent.now, userID: agent.userID, userEmail: agent.email, action: "export_bundle", serviceID: service?.id,
            details: "\(what) to \(destination)")
        try await Audit.recordViews(
            on: db, at: agent.now, userID: agent.userID, userEmail: agent.email, action: "export_bundle_child",
            children: try await Exporter.children(serviceCode: serviceCode, on: db), details: "\(what) to \(destination)")
        return files
    }
}
