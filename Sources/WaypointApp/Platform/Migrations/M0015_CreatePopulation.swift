import Fluent
import SQLKit

/// Local population of children aged 10–17 (ONS mid-year estimates), per service and year.
struct M0015_CreatePopulation: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("population")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("year", .int, .required)
            .field("age", .int, .required)
            .field("sex", .string, .required)
            .field("ethnicity_group", .string, .required)
            .field("count", .int, .required)
            .unique(on: "service_id", "year", "age", "sex", "ethnicity_group")
            .create()
    }
    func revert(on database: Database) async throws {
        try await database.schema("population").delete()
    }
}
