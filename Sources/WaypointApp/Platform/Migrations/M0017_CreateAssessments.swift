import Fluent
import SQLKit

struct M0017_CreateAssessments: AsyncMigration {
    func prepare(on database: Database) async throws {
        var schema = database.schema("assessments")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("intervention_id", .uuid, .required, .references("interventions", "id"))
            .field("type", .string, .required)
            .field("stage", .string, .required)
            .field("status", .string, .required)
            .field("version", .int, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("submitted_on", .string)
            .field("submitted_by", .uuid)
            .field("signed_off_on", .string)
            .field("signed_off_by", .uuid)
            .field("due_on", .string)
        for text in [
            "personal_family_social", "offending_behaviour", "foundations_for_change", "explanations_conclusions", "pathways_planning",
            "child_views", "parent_views", "likelihood_of_reoffending", "risk_of_serious_harm", "safety_and_wellbeing", "manager_comments"
        ] {
            schema = schema.field(.definition(name: .key(.string(text)), dataType: .string, constraints: []))
        }
        try await schema.create()
        try await database.sql.create(index: "assessments_intervention").on("assessments").column("intervention_id").run()
        try await database.sql.create(index: "assessments_child").on("assessments").column("child_id").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("assessments").delete()
    }
}
