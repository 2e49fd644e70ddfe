import Fluent
import SQLKit

/// Teams within a service; a practitioner reads their team's children.
struct M0009_CreateTeams: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("teams")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("name", .string, .required)
            .unique(on: "service_id", "name")
            .create()
        try await database.schema("users").field("team_id", .uuid).update()
    }
    func revert(on database: Database) async throws {
        try await database.schema("users").deleteField("team_id").update()
        try await database.schema("teams").delete()
    }
}
