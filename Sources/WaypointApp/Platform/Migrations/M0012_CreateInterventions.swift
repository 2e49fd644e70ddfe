import Fluent
import SQLKit

struct M0012_CreateInterventions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("interventions")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("referral_id", .uuid)
            .field("type", .string, .required)
            .field("start_date", .string, .required)
            .field("planned_end_date", .string)
            .field("end_date", .string)
            .field("closure_reason", .string)
            .field("outcome", .string)
            .field("requirements", .string)
            .field("custody_end_date", .string)
            .field("case_manager_id", .uuid)
            .field("co_worker_id", .uuid)
            .field("allocated_on", .string)
            .field("first_seen_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("external_id", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "interventions_service_end").on("interventions").column("service_id").column("end_date").run()
        try await sql.create(index: "interventions_case_manager").on("interventions").column("case_manager_id").column("end_date").run()
        try await sql.create(index: "interventions_child").on("interventions").column("child_id").run()
        try await sql.create(index: "interventions_start").on("interventions").column("start_date").run()

        try await database.schema("allocations")
            .id()
            .field("intervention_id", .uuid, .required, .references("interventions", "id"))
            .field("case_manager_id", .uuid, .required)
            .field("co_worker_id", .uuid)
            .field("allocated_on", .string, .required)
            .field("allocated_by", .uuid)
            .field("at", .datetime, .required)
            .field("over_cap_confirmed", .bool, .required)
            .create()
        try await sql.create(index: "allocations_intervention").on("allocations").column("intervention_id").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("allocations").delete()
        try await database.schema("interventions").delete()
    }
}
