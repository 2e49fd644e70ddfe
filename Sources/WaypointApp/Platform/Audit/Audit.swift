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
        try await insert(
            [Entries(at: at, userID: userID, userEmail: userEmail, action: action, details: details, children: [(serviceID, childID)])],
            on: db)
    }

    /// An entry for this request's user. A look at a child reached through the gate in this
    /// request (`Request.child`) carries why the user could see them.
    static func record(
        _ req: Request, on db: Database? = nil, action: String, serviceID: UUID? = nil,
        childID: UUID? = nil, details: String? = nil
    ) async throws {
        let u = req.currentUser
        let why = childID.flatMap { req.why($0) }
        try await write(
            req,
            Entries(
                at: req.now, userID: u?.id, userEmail: u?.email, action: action, details: withWhy(details, why),
                children: [(serviceID, childID)]), on: db)
    }

    /// A request's entries: with the server's `AuditWriter`, together with other readers' at the
    /// same moment; inside a change's transaction (or on a database named for it), in that.
    private static func write(_ req: Request, _ entries: Entries, on db: Database?) async throws {
        if db == nil, !WriteTransaction.active, let writer = req.application.auditWriter {
            try await writer.write(entries)
        } else {
            try await insert([entries], on: db ?? req.db)
        }
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

    /// A look at several children (a list, a search result, a download): one entry naming each
    /// child shown, with the service they were shown in (`M0040_AuditListedChildren`); a look at
    /// one child is an entry of its own, as `record` writes.
    static func recordViews(_ req: Request, action: String, children: [(serviceID: UUID?, childID: UUID)], details: String? = nil)
        async throws
    {
        guard !children.isEmpty else { return }
        let u = req.currentUser
        try await write(
            req,
            Entries(
                at: req.now, userID: u?.id, userEmail: u?.email, action: action, details: details,
                children: children.map { ($0.serviceID, Optional($0.childID)) }), on: nil)
    }

    /// The same for a reader that is not a web request (a command's output).
    static func recordViews(
        on db: Database, at: Date, userID: UUID?, userEmail: String?, action: String,
        children: [(serviceID: UUID?, childID: UUID)], details: String? = nil
    ) async throws {
        try await insert(
            [
                Entries(
                    at: at, userID: userID, userEmail: userEmail, action: action, details: details,
                    children: children.map { ($0.serviceID, Optional($0.childID)) })
            ], on: db)
    }

    /// What one reader's look writes: who, when and what, at the (service, child) pairs looked at.
    /// One pair (or none named) is an entry with its child and service on it; two or more, one
    /// entry whose children are listed beside it, each child once.
    struct Entries: Sendable {
        var at: Date
        var userID: UUID?
        var userEmail: String?
        var action: String
        var details: String?
        var children: [(UUID?, UUID?)]

        /// The children a list names, each once (the first service it was shown in), or nil when
        /// the entry is a look at one child (or at none).
        var listed: [(service: UUID?, child: UUID)]? {
            guard children.count > 1 else { return nil }
            var seen = Set<UUID>()
            return children.compactMap { s, c in c.flatMap { seen.insert($0).inserted ? (s, $0) : nil } }
        }
    }

    /// An entry row: its group (an `Entries`), id, service and child.
    private typealias EventRow = (group: Int, id: UUID, service: UUID?, child: UUID?)

    /// The one place audit rows are written. A look at one child is a row of `audit_events`; a look
    /// at a list is one row there and a row per child in `audit_event_children`. Each statement
    /// holds at most `rowsPerStatement` entries (or `childrenPerStatement` listed children); what
    /// a group's entries share is bound once, in its first row in the statement, and named again by
    /// position. Entries past one statement are written in one transaction, whole or not at all.
    static func insert(_ groups: [Entries], on db: Database) async throws {
        var events: [EventRow] = []
        var listed: [(event: UUID, child: UUID, service: UUID?)] = []
        for (g, group) in groups.enumerated() {
            if let list = group.listed {
                let id = timeOrderedID()
                // The list's service when every child was shown in the same one.
                let services = Set(list.map { $0.service })
                events.append((g, id, services.count == 1 ? (services.first ?? nil) : nil, nil))
                for (service, child) in list { listed.append((id, child, service)) }
            } else {
                for (service, child) in group.children { events.append((g, timeOrderedID(), service, child)) }
            }
        }
        let eventStatements = events.chunked(rowsPerStatement)
        guard !eventStatements.isEmpty else { return }
        // The lists' children first, each statement on its own: an entry is never there without
        // its children, so the sealer, which takes an entry once it is there, seals it with them.
        // Not one transaction with the entries: on SQLite a transaction holds the write lock across
        // several of the driver's thread hand-offs (and costs four statements more), where each
        // statement here takes and leaves it within one. Should the entries then fail, the children
        // stay, naming an entry that is not there: nothing reads them (the trail joins the entries),
        // nothing was shown (the request fails), and the log is intact.
        for rows in listed.chunked(childrenPerStatement) {
            if db.sql.dialect.name == "postgresql" {
                try await insertListedAsArrays(rows, on: db)
                continue
            }
            var insert = db.sql.insert(into: "audit_event_children").columns("event_id", "child_id", "service_id")
            for r in rows { insert = insert.values(SQLBind(r.event), SQLBind(r.child), SQLBind(r.service)) }
            try await insert.run()
        }
        if eventStatements.count == 1 {
            return try await insertStatement(eventStatements[0], groups, on: db)
        }
        try await db.writeTransaction { tx in
            for rows in eventStatements { try await insertStatement(rows, groups, on: tx) }
        }
    }

    /// On PostgreSQL a statement of listed children binds three lists, one statement whatever their
    /// length (kept, planned once), where three values a child meant a statement of a new length
    /// for nearly every write (parsed and planned each time: My work lists 56 children a look) and
    /// 168 values to write out and send. A list holds no null, so a child shown outside any one
    /// service is listed under the nil id and stored as null.
    private static func insertListedAsArrays(_ rows: [(event: UUID, child: UUID, service: UUID?)], on db: Database)
        async throws
    {
        let none = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let events = rows.map(\.event), children = rows.map(\.child), services = rows.map { $0.service ?? none }
        try await db.sql.raw(
            """
            INSERT INTO audit_event_children (event_id, child_id, service_id) \
            SELECT e, c, NULLIF(s, \(bind: none)) FROM unnest(\(bind: events), \(bind: children), \(bind: services)) AS t(e, c, s)
            """
        ).run()
    }

    /// Rows per statement: 3,000 rows bind at most 24,000 values, under SQLite's limit of 32,766.
    static let rowsPerStatement = 3_000
    /// Listed children per statement: three values each.
    static let childrenPerStatement = 10_000

    private static func insertStatement(_ rows: [EventRow], _ groups: [Entries], on db: Database) async throws {
        let dialect = db.sql.dialect
        var insert = db.sql.insert(into: "audit_events").columns(
            "id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details")
        var binds = 0
        var firstBind: [Int: Int] = [:]  // a group's first row in this statement: its first bind's position
        // Each group's first row comes first. SQLite finds a position named again (`?12`) by
        // walking the statement's parameters from the start, in the order they appear: with the
        // groups' shared values at the front the walk is short, where behind 30 requests' rows it
        // went through thousands of them for each entry (`perf`: about 2.6% of the server's time
        // under My work, in `sqlite3ExprAssignVarNumber`).
        var seen = Set<Int>()
        let firsts = rows.filter { seen.insert($0.group).inserted }
        seen = []
        let ordered = firsts + rows.filter { !seen.insert($0.group).inserted }
        for row in ordered {
            let g = groups[row.group]
            if let base = firstBind[row.group] {
                insert = insert.values(
                    SQLBind(row.id), dialect.bindPlaceholder(at: base + 1), dialect.bindPlaceholder(at: base + 2),
                    dialect.bindPlaceholder(at: base + 3), SQLBind(row.service), SQLBind(row.child),
                    dialect.bindPlaceholder(at: base + 6), dialect.bindPlaceholder(at: base + 7))
                binds += 3
            } else {
                firstBind[row.group] = binds + 1
                insert = insert.values(
                    SQLBind(row.id), SQLBind(g.at), SQLBind(g.userID), SQLBind(g.userEmail), SQLBind(row.service),
                    SQLBind(row.child), SQLBind(g.action), SQLBind(g.details))
                binds += 8
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
