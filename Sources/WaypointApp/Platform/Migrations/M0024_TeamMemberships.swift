import Fluent
import Foundation
import SQLKit

/// Who was in which team when: a worker who changes team keeps their past figures in the old
/// team's reports. Each user's team at the time of this migration is taken as theirs since 1900.
struct M0024_TeamMemberships: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("team_memberships")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("team_id", .uuid)
            .field("from_on", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "team_memberships_user").on("team_memberships").column("user_id").column("from_on").run()
        struct U: Decodable { let id: UUID; let team_id: UUID? }
        for u in try await sql.select().columns("id", "team_id").from("users").all(decoding: U.self) where u.team_id != nil {
            try await sql.insert(into: "team_memberships").columns("id", "user_id", "team_id", "from_on", "at")
                .values(SQLBind(UUID()), SQLBind(u.id), SQLBind(u.team_id), SQLBind("1900-01-01"), SQLBind(Date())).run()
        }
    }
    func revert(on database: Database) async throws {
        try await database.schema("team_memberships").delete()
    }
}
