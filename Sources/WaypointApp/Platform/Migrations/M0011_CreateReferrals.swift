import Fluent
import SQLKit

struct M0011_CreateReferrals: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("referrals")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("received_on", .string, .required)
            .field("source", .string, .required)
            .field("referrer_name", .string)
            .field("referrer_organisation", .string)
            .field("reasons", .string, .required)
            .field("consent", .string, .required)
            .field("police_reference", .string)
            .field("decision", .string, .required)
            .field("decided_on", .string)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid)
            .field("decision_reasons", .string)
            .field("destination", .string)
            .field("destination_service", .string)
            .field("intervention_type", .string)
            .field("intervention_id", .uuid)
            .field("recorded_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("external_id", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "referrals_service_decision").on("referrals").column("service_id").column("decision").column(
            "received_on"
        ).run()
        try await sql.create(index: "referrals_child").on("referrals").column("child_id").run()
        try await sql.create(index: "referrals_decided_on").on("referrals").column("decided_on").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("referrals").delete()
    }
}
