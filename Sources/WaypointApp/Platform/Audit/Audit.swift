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
        let dialect = db.sql.dialect
        var insert = db.sql.insert(into: "audit_events").columns(
            "id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details")
        for (n, (service, child)) in rows.enumerated() {
            if n == 0 {
                insert = insert.values(
                    SQLBind(timeOrderedID()), SQLBind(at), SQLBind(userID), SQLBind(userEmail), SQLBind(service), SQLBind(child),
                    SQLBind(action), SQLBind(details))
            } else {
                // What every row shares is bound once, in the first row (positions 2, 3, 4, 7 and
                // 8), and named again by position: a list of 57 children sent 456 values, now 176.
                insert = insert.values(
                    SQLBind(timeOrderedID()), dialect.bindPlaceholder(at: 2), dialect.bindPlaceholder(at: 3),
                    dialect.bindPlaceholder(at: 4), SQLBind(service), SQLBind(child), dialect.bindPlaceholder(at: 7),
                    dialect.bindPlaceholder(at: 8))
            }
        }
        try await insert.run()
    }

    /// An entry's id: a version 7 UUID (the time in milliseconds, then random bits), so new
    /// entries land at the end of the id's index, of the waiting list and of the chain's index
    /// rather than on a random page of each. With random ids a page listing 58 children wrote some
    /// 300 scattered pages to SQLite's log, and a checkpoint followed every few requests.
    static func timeOrderedID(now: Date = Date()) -> UUID {
        // Two draws of the system's generator (one per byte cost a system call each: 912 for a
        // page listing 57 children).
        var generator = SystemRandomNumberGenerator()
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: random.0 >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: random.1 >> (8 * UInt64(i)))
        }
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    static func encode(_ changes: [FieldChange]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(changes)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
