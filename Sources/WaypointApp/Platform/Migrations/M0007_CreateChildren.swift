import Fluent
import SQLKit

struct M0007_CreateChildren: AsyncMigration {
    func prepare(on database: Database) async throws {
        var schema = database.schema("children")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("sex", .string, .required)
            .field("ethnicity", .string, .required)
            .field("ethnicity_group", .string, .required)
            .field("care_status", .string, .required)
            .field("search_name", .string, .required)
        for optional in [
            "preferred_name", "send", "ehcp", "postcode", "district", "pnc_id", "upn",
            "nhs_number", "school", "ete_status", "accommodation", "what_matters",
            "strengths", "alerts", "external_id"
        ] {
            schema = schema.field(.definition(name: .key(.string(optional)), dataType: .string, constraints: []))
        }
        try await schema.create()
        let sql = database.sql
        try await sql.create(index: "children_service_search").on("children").column("service_id").column("search_name").run()
        try await sql.create(index: "children_dob").on("children").column("date_of_birth").run()
        try await sql.create(index: "children_nhs").on("children").column("nhs_number").run()
        try await sql.create(index: "children_upn").on("children").column("upn").run()
        try await sql.create(index: "children_pnc").on("children").column("pnc_id").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("children").delete()
    }
}
