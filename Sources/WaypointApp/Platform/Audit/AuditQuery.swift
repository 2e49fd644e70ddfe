import Fluent
import Foundation
import SQLKit

struct AuditRow: Decodable {
    let at: Date
    let user_email: String?
    let action: String
    let details: String?
}

enum AuditQuery {
    static let pageSize = 50

    static func forChild(_ id: UUID, page: Int, on db: Database) async throws -> (rows: [AuditRow], total: Int) {
        struct Count: Decodable { let n: Int }
        let total =
            try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("audit_events").where("child_id", .equal, SQLBind(id)).first(decoding: Count.self)?.n ?? 0
        let rows = try await db.sql.select().columns("at", "user_email", "action", "details").from("audit_events")
            .where("child_id", .equal, SQLBind(id))
            .orderBy("at", .descending).orderBy("id")
            .limit(pageSize).offset((page - 1) * pageSize)
            .all(decoding: AuditRow.self)
        return (rows, total)
    }
}
