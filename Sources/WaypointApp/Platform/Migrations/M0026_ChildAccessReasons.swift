import Fluent
import SQLKit

/// The reasons practitioners give to open a child who is neither theirs nor their team's
/// ("break-glass"): each opens the record for reading for a few hours and is shown to managers.
struct M0026_ChildAccessReasons: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("child_access_reasons")
            .id()
            .field("user_id", .uuid, .required)
            .field("child_id", .uuid, .required)
            .field("service_id", .uuid, .required)
            .field("reason", .string, .required)
            .field("at", .datetime, .required)
            .field("until_at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "child_access_reasons_user_child").on("child_access_reasons").column("user_id").column("child_id").run()
        try await sql.create(index: "child_access_reasons_service_at").on("child_access_reasons").column("service_id").column("at").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("child_access_reasons").delete()
    }
}
