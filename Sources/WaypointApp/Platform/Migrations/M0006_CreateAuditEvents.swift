import Fluent
import SQLKit

/// Append-only: no route updates or deletes these rows.
struct M0006_CreateAuditEvents: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("at", .datetime, .required)
            .field("user_id", .uuid)
            .field("user_email", .string)
            .field("service_id", .uuid)
            .field("child_id", .uuid)
            .field("action", .string, .required)
            .field("details", .string)
            .create()
        try await database.sql.create(index: "audit_events_child_at").on("audit_events")
            .column("child_id").column("at").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
