import Fluent
import SQLKit

/// Imports match records on service + the source system's id.
struct M0016_IndexExternalIDs: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database.sql
        try await sql.create(index: "children_service_external").on("children").column("service_id").column("external_id").run()
        try await sql.create(index: "referrals_service_external").on("referrals").column("service_id").column("external_id").run()
        try await sql.create(index: "offences_service_external").on("offences").column("service_id").column("external_id").run()
        try await sql.create(index: "interventions_service_external").on("interventions").column("service_id").column("external_id").run()
    }
    func revert(on database: Database) async throws {
        let sql = database.sql
        for name in [
            "children_service_external", "referrals_service_external", "offences_service_external", "interventions_service_external"
        ] {
            try await sql.drop(index: name).run()
        }
    }
}
