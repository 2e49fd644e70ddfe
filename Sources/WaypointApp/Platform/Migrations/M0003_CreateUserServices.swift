import Fluent

struct M0003_CreateUserServices: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("user_services")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("service_id", .uuid, .required, .references("services", "id", onDelete: .cascade))
            .unique(on: "user_id", "service_id")
            .create()
    }
    func revert(on database: Database) async throws {
        try await database.schema("user_services").delete()
    }
}
