import Fluent

/// Per-service timescales (domain.md): assessment working days (per intervention type, or
/// for all when `intervention_type` is empty), initial panel working days, review months.
struct M0014_CreateTimescaleSettings: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("timescale_settings")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("setting", .string, .required)
            .field("intervention_type", .string, .required)
            .field("value", .int, .required)
            .unique(on: "service_id", "setting", "intervention_type")
            .create()
    }
    func revert(on database: Database) async throws {
        try await database.schema("timescale_settings").delete()
    }
}
