import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// The audit log: who read or changed which record, when, and what changed. Append-only:
/// this type only inserts, and no route updates or deletes audit rows.
enum Audit {
    static func record(on db: Database, at: Date, userID: UUID?, userEmail: String?, action: String,
                       serviceID: UUID? = nil, childID: UUID? = nil, details: String? = nil) async throws {
        try await db.sql.insert(into: "audit_events")
            .columns("id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details")
            .values(SQLBind(UUID()), SQLBind(at), SQLBind(userID), SQLBind(userEmail), SQLBind(serviceID),
                    SQLBind(childID), SQLBind(action), SQLBind(details))
            .run()
    }

    static func record(_ req: Request, on db: Database? = nil, action: String, serviceID: UUID? = nil,
                       childID: UUID? = nil, details: String? = nil) async throws {
        let u = req.currentUser
        try await record(on: db ?? req.db, at: req.now, userID: u?.id, userEmail: u?.email, action: action,
                         serviceID: serviceID, childID: childID, details: details)
    }

    /// One entry per child shown (a list, a search result, a download), in one statement.
    static func recordViews(_ req: Request, action: String, children: [(serviceID: UUID?, childID: UUID)], details: String? = nil) async throws {
        guard !children.isEmpty else { return }
        let u = req.currentUser
        let at = req.now
        for chunk in children.chunked(200) {
            var insert = req.db.sql.insert(into: "audit_events").columns("id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details")
            for c in chunk {
                insert = insert.values(SQLBind(UUID()), SQLBind(at), SQLBind(u?.id), SQLBind(u?.email), SQLBind(c.serviceID), SQLBind(c.childID),
                                       SQLBind(action), SQLBind(details))
            }
            try await insert.run()
        }
    }

    static func encode(_ changes: [FieldChange]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(changes)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
