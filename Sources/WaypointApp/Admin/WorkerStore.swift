import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct WorkerRow: Decodable {
    let id: UUID
    let name: String
    let role: String
    let team_id: UUID?
}

enum Workers {
    /// The user's team today, by name, with its members (the user among them); nil when they are in none.
    static func team(of userID: UUID, on db: Database) async throws -> (name: String, members: [(id: UUID, name: String)])? {
        // The team and its members in one statement: a row per member.
        struct Row: Decodable { let name: String; let member: UUID; let member_name: String }
        let rows = try await KeptStatements.statement("team-of-named", on: db.sql, binds: [userID]) { db in
            db.select().column(SQLColumn("name", table: "teams"))
                .column(SQLColumn("id", table: "members"), as: "member")
                .column(SQLColumn("name", table: "members"), as: "member_name")
                .from(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("reader")))
                .join("teams", on: SQLColumn("team_id", table: "reader"), .equal, SQLColumn("id", table: "teams"))
                .join(
                    SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("members")), method: SQLJoinMethod.inner,
                    on: SQLColumn("team_id", table: "members"), .equal, SQLColumn("id", table: "teams")
                )
                .where(SQLColumn("id", table: "reader"), .equal, SQLBind(userID))
        }.all(decoding: Row.self)
        guard let first = rows.first else { return nil }
        return (first.name, rows.map { ($0.member, $0.member_name) })
    }

    /// Puts a user in a team (or none) from `date` on, keeping who was in which team when: the
    /// one way to change a user's team.
    static func setTeam(_ userID: UUID, _ teamID: UUID?, from date: LocalDate, on db: Database, now: Date) async throws {
        struct Row: Decodable { let team_id: UUID? }
        let current = try await db.sql.select().column("team_id").from("users").where("id", .equal, SQLBind(userID)).first(
            decoding: Row.self)
        let history = try await db.sql.select().column("id").from("team_memberships").where("user_id", .equal, SQLBind(userID)).first()
        guard current?.team_id != teamID || history == nil else { return }
        try await db.sql.update("users").set("team_id", to: SQLBind(teamID)).where("id", .equal, SQLBind(userID)).run()
        if history == nil {
            // No history yet: until this change they were in the team they are in now (or none).
            try await db.sql.insert(into: "team_memberships").columns("id", "user_id", "team_id", "from_on", "at")
                .values(SQLBind(UUID()), SQLBind(userID), SQLBind(current?.team_id), SQLBind("1900-01-01"), SQLBind(now)).run()
            if current?.team_id == teamID { return }
        }
        // A change on the same day replaces that day's row.
        try await db.sql.delete(from: "team_memberships").where("user_id", .equal, SQLBind(userID)).where(
            "from_on", .equal, SQLBind(date.iso)
        ).run()
        try await db.sql.insert(into: "team_memberships").columns("id", "user_id", "team_id", "from_on", "at")
            .values(SQLBind(UUID()), SQLBind(userID), SQLBind(teamID), SQLBind(date.iso), SQLBind(now)).run()
    }

    /// Practitioners and managers who work in the service and can hold cases.
    /// The active practitioners and managers of each of several services, by name, in one query.
    static func inServices(_ services: [UUID], on db: Database) async throws -> [UUID: [WorkerRow]] {
        guard !services.isEmpty else { return [:] }
        struct Row: Decodable { let service_id: UUID; let id: UUID; let name: String; let role: String; let team_id: UUID? }
        let rows = try await db.sql.select()
            .column(SQLColumn("service_id", table: "user_services"))
            .column(SQLColumn("id", table: "users")).column(SQLColumn("name", table: "users"))
            .column(SQLColumn("role", table: "users")).column(SQLColumn("team_id", table: "users"))
            .from("users")
            .join("user_services", on: SQLColumn("user_id", table: "user_services"), .equal, SQLColumn("id", table: "users"))
            .where(SQLColumn("service_id", table: "user_services"), .in, SQLBind.group(services))
            .where(SQLColumn("active", table: "users"), .equal, SQLBind(true))
            .where(SQLColumn("role", table: "users"), .in, SQLBind.group([Role.practitioner, .manager].map(\.rawValue)))
            .orderBy(SQLColumn("name", table: "users"))
            .all(decoding: Row.self)
        var out: [UUID: [WorkerRow]] = [:]
        for r in rows { out[r.service_id, default: []].append(WorkerRow(id: r.id, name: r.name, role: r.role, team_id: r.team_id)) }
        return out
    }

    static func inService(_ serviceID: UUID, roles: [Role] = [.practitioner, .manager], on db: Database) async throws -> [WorkerRow] {
        try await db.sql.select()
            .column(SQLColumn("id", table: "users")).column(SQLColumn("name", table: "users"))
            .column(SQLColumn("role", table: "users")).column(SQLColumn("team_id", table: "users"))
            .from("users")
            .join("user_services", on: SQLColumn("user_id", table: "user_services"), .equal, SQLColumn("id", table: "users"))
            .where(SQLColumn("service_id", table: "user_services"), .equal, SQLBind(serviceID))
            .where(SQLColumn("active", table: "users"), .equal, SQLBind(true))
            .where(SQLColumn("role", table: "users"), .in, SQLBind.group(roles.map(\.rawValue)))
            .orderBy(SQLColumn("name", table: "users"))
            .all(decoding: WorkerRow.self)
    }

    static func names(_ ids: [UUID], on db: Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        struct Row: Decodable { let id: UUID; let name: String }
        let rows = try await db.sql.select().columns("id", "name").from("users").where("id", .in, SQLBind.group(unique))
            .all(decoding: Row.self)
        return Dictionary(rows.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
}
