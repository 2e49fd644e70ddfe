import Fluent
import SQLKit

/// Management board meetings and, per meeting, each partner agency's attendance and data
/// contribution (KPI 7).
struct M0019_CreateBoardMeetings: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("board_meetings")
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("held_on", .string, .required)
            .field("notes", .string)
            .field("version", .int, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "board_meetings_service_held").on("board_meetings").column("service_id").column("held_on")
            .run()
        try await database.schema("board_attendance")
            .field("meeting_id", .uuid, .required, .references("board_meetings", "id"))
            .field("agency", .string, .required)
            .field("attended", .string, .required)
            .field("senior", .string, .required)
            .field("contributed_data", .string, .required)
            .compositeIdentifier(over: "meeting_id", "agency")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema("board_attendance").delete()
        try await database.schema("board_meetings").delete()
    }
}
