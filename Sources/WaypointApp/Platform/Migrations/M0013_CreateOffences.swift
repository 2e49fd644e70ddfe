import Fluent
import SQLKit

struct M0013_CreateOffences: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("offences")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("offence_date", .string, .required)
            .field("category", .string, .required)
            .field("description", .string)
            .field("gravity", .int)
            .field("outcome", .string, .required, .references("outcome_types", "code"))
            .field("outcome_date", .string)
            .field("created_at", .datetime, .required)
            .field("external_id", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "offences_child").on("offences").column("child_id").run()
        try await sql.create(index: "offences_service_outcome_date").on("offences").column("service_id").column("outcome_date").run()

        try await database.schema("court_hearings")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("hearing_date", .string, .required)
            .field("court", .string, .required)
            .field("result", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "court_hearings_child").on("court_hearings").column("child_id").run()

        try await database.schema("case_consultations")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("held_on", .string, .required)
            .field("known_to", .string, .required)
            .field("discussion", .string, .required)
            .field("outcome", .string, .required)
            .field("recorded_by", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await sql.create(index: "case_consultations_child").on("case_consultations").column("child_id").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("case_consultations").delete()
        try await database.schema("court_hearings").delete()
        try await database.schema("offences").delete()
    }
}
