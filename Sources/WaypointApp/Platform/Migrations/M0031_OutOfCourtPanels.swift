import Fluent
import SQLKit

/// Joint out-of-court decision panels, the decision on each child's offence, and scrutiny panels
/// with a finding on each sampled decision (issue 19).
struct M0031_OutOfCourtPanels: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("disposal_panels")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("held_on", .string, .required)
            .field("place", .string)
            .field("member_police", .string)
            .field("member_youth_justice", .string)
            .field("member_social_care", .string)
            .field("member_health", .string)
            .field("member_education", .string)
            .field("member_other", .string)
            .field("external_id", .string)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "disposal_panels_service").on("disposal_panels").column("service_id").column("held_on").run()
        try await database.schema("panel_decisions")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("panel_id", .uuid, .required, .references("disposal_panels", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("offence_id", .uuid, .required, .references("offences", "id"))
            .field("decided_on", .string, .required)
            .field("screening", .string, .required)
            .field("outcome", .string, .required)
            .field("rationale", .string, .required)
            .field("conditions", .string)
            .field("intervention_id", .uuid, .references("interventions", "id"))
            .field("external_id", .string)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "offence_id")
            .create()
        try await database.sql.create(index: "panel_decisions_panel").on("panel_decisions").column("panel_id").run()
        try await database.sql.create(index: "panel_decisions_report").on("panel_decisions").column("decided_on").column("child_id").run()
        try await database.sql.create(index: "panel_decisions_child").on("panel_decisions").column("child_id").run()
        try await database.schema("scrutiny_panels")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("held_on", .string, .required)
            .field("sample_from", .string, .required)
            .field("sample_to", .string, .required)
            .field("sample_size", .int, .required)
            .field("external_id", .string)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("scrutiny_findings")
            .field("scrutiny_id", .uuid, .required, .references("scrutiny_panels", "id"))
            .field("decision_id", .uuid, .required, .references("panel_decisions", "id"))
            .field("finding", .string)
            .field("learning", .string)
            .field("recorded_by", .uuid)
            .field("recorded_at", .datetime)
            .compositeIdentifier(over: "scrutiny_id", "decision_id")
            .create()
    }

    func revert(on database: Database) async throws {
        for t in ["scrutiny_findings", "scrutiny_panels", "panel_decisions", "disposal_panels"] { try await database.schema(t).delete() }
    }
}
