import Fluent

struct M0001_CreateServices: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("services")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("caseload_cap", .int, .required, .sql(.default(25)))
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
    }
    func revert(on database: Database) async throws {
        try await database.schema("services").delete()
    }
}
