import Fluent
import SQLKit

/// Reports saved as submitted: the figures and the children behind each, frozen, with who saved
/// them and when. Never changed once saved.
struct M0025_SavedReports: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("saved_reports")
            .id()
            .field("report", .string, .required)
            .field("from_on", .string, .required)
            .field("to_on", .string, .required)
            .field("services", .string, .required)
            .field("team", .string)
            .field("label", .string, .required)
            .field("saved_by", .uuid)
            .field("saved_by_name", .string, .required)
            .field("saved_at", .datetime, .required)
            .field("figures", .string, .required)
            .create()
        try await database.sql.create(index: "saved_reports_saved_at").on("saved_reports").column("saved_at").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("saved_reports").delete()
    }
}
