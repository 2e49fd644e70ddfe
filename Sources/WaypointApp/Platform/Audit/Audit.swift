import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// The audit log: who read or changed which record, when, and what changed. Append-only:
/// this type only inserts, and no route updates or deletes audit rows.
enum Audit {
    static func record(
        on db: Database, at: Date, userID: UUID?, userEmail: String?, action: String,
        serviceID: UUID? = nil, childID: UUID? = nil, details: String? = nil
    ) async throws {
        try await insert([(serviceID, childID)], on: db, at: at, userID: userID, userEmail: userEmail, action: action, details: details)
    }

    /// An entry for this request's user. A look at a child reached through the gate in this
    /// request (`Request.child`) carries why the user could see them.
    static func record(
        _ req: Request, on db: Database? = nil, action: String, serviceID: UUID? = nil,
        childID: UUID? = nil, details: String? = nil
    ) async throws {
        let u = req.currentUser
        let why = childID.flatMap { req.why($0) }
        try await record(
            on: db ?? req.db, at: req.now, userID: u?.id, userEmail: u?.email, action: action,
            serviceID: serviceID, childID: childID, details: withWhy(details, why))
    }

    /// The marker that separates an entry's details from why the child could be seen.
    static let whyMarker = " · why: "

    static func withWhy(_ details: String?, _ why: String?) -> String? {
        guard let why else { return details }
        return (details ?? "") + whyMarker + why
    }

    /// An entry's details and its why, apart (for the audit trail).
    static func splitWhy(_ details: String?) -> (details: String?, why: String?) {
        guard let d = details, let r = d.range(of: whyMarker, options: .backwards) else { return (details, nil) }
        let rest = String(d[..<r.lowerBound])
        return (rest.isEmpty ? nil : rest, String(d[r.upperBound...]))
    }

    /// One entry per child shown (a list, a search result, a download), in one statement.
    static func recordViews(_ req: Request, action: String, children: [(serviceID: UUID?, childID: UUID)], details: String? = nil)
        async throws
    {
        let u = req.currentUser
        try await recordViews(
            on: req.db, at: req.now, userID: u?.id, userEmail: u?.email, action: action, children: children, details: details)
    }

    /// The same for a reader that is not a web request (a command's output).
    static func recordViews(
        on db: Database, at: Date, userID: UUID?, userEmail: String?, action: String,
        children: [(serviceID: UUID?, childID: UUID)], details: String? = nil
    ) async throws {
        for chunk in children.chunked(200) {
            try await insert(
                chunk.map { ($0.serviceID, Optional($0.childID)) }, on: db, at: at, userID: userID, userEmail: userEmail, action: action,
                details: details)
        }
    }

    /// The one place an audit row is written: one row per (service, child), in one statement.
    private static func insert(
        _ rows: [(UUID?, UUID?)], on db: Database, at: Date, userID: UUID?, userEmail: String?, action: String,
        details: String?
    ) async throws {
        guard !rows.isEmpty else { return }
        var insert = db.sql.insert(into: "audit_events").columns(
            "id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details")
        for (service, child) in rows {
            insert = insert.values(
                SQLBind(UUID()), SQLBind(at), SQLBind(userID), SQLBind(userEmail), SQLBind(service), SQLBind(child),
                SQLBind(action), SQLBind(details))
        }
        try await insert.run()
    }

    static func encode(_ changes: [FieldChange]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(changes)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
