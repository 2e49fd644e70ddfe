import Fluent
import SQLKit

/// Sessions live in the database so several app instances can share them.
/// Only a SHA-256 hash of the cookie token is stored.
struct M0004_CreateSessions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "sessions_user_id").on("sessions").column("user_id").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("sessions").delete()
    }
}
