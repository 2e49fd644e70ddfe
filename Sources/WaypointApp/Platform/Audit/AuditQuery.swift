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

    /// A child's trail, newest first: the entries about the child alone, and the looks at lists
    /// that named them (`M0040_AuditListedChildren`).
    static func forChild(_ id: UUID, page: Int, on db: Database) async throws -> (rows: [AuditRow], total: Int) {
        struct Count: Decodable { let n: Int }
        let total =
            try await db.sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM audit_events WHERE child_id = \(bind: id))
                    + (SELECT COUNT(*) FROM audit_event_children WHERE child_id = \(bind: id)) AS n
                """
            ).first(decoding: Count.self)?.n ?? 0
        let rows = try await db.sql.raw(
            """
            SELECT at, user_email, action, details, id FROM audit_events WHERE child_id = \(bind: id)
            UNION ALL
            SELECT e.at, e.user_email, e.action, e.details, e.id FROM audit_event_children c
                JOIN audit_events e ON e.id = c.event_id WHERE c.child_id = \(bind: id)
            ORDER BY at DESC, id LIMIT \(bind: pageSize) OFFSET \(bind: (page - 1) * pageSize)
            """
        ).all(decoding: AuditRow.self)
        return (rows, total)
    }
}
