import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor

/// The hash chain over the audit log (see `M0022_AuditAppendOnly`). Events are written as they
/// happen, without waiting on each other; `seal` then appends the ones waiting in `audit_pending`
/// (`M0032_AuditPending`) to the chain in batches, in the order they were written (`at`, then id). The server seals every few seconds and
/// `waypoint audit verify` seals first, so the chain trails the log by seconds at most.
enum AuditChain {
    struct Event {
        let id: UUID
        let at: Date
        let user_id: UUID?
        let user_email: String?
        let service_id: UUID?
        let child_id: UUID?
        let action: String
        let details: String?
        /// The children a look at a list names (`M0040_AuditListedChildren`): empty for any other entry.
        var children: [Listed] = []

        init(
            id: UUID, at: Date, user_id: UUID?, user_email: String?, service_id: UUID?, child_id: UUID?, action: String,
            details: String?
        ) {
            (self.id, self.at, self.user_id, self.user_email) = (id, at, user_id, user_email)
            (self.service_id, self.child_id, self.action, self.details) = (service_id, child_id, action, details)
        }

        /// An event as read by `Rows` (nil only for a row without the log's required columns).
        init?(_ r: RowReader) {
            guard let id = r.uuid("id"), let at = r.time("at"), let action = r.string("action") else { return nil }
            self.init(
                id: id, at: at, user_id: r.uuid("user_id"), user_email: r.string("user_email"), service_id: r.uuid("service_id"),
                child_id: r.uuid("child_id"), action: action, details: r.string("details"))
        }

        /// Every field, unambiguously (lengths before texts), the instant to the microsecond; a
        /// list's children after them, in the order of their ids, each as child and service (an
        /// entry that lists none reads as it always has).
        var canonical: String {
            var fields = [
                id.uuidString.lowercased(), String(Int64((at.timeIntervalSince1970 * 1_000_000).rounded())),
                user_id?.uuidString.lowercased() ?? "-", user_email ?? "-", service_id?.uuidString.lowercased() ?? "-",
                child_id?.uuidString.lowercased() ?? "-", action, details ?? "-"
            ]
            for c in children.map({ ($0.child.uuidString.lowercased(), $0.service?.uuidString.lowercased() ?? "-") }).sorted(by: <) {
                fields.append(c.0)
                fields.append(c.1)
            }
            return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        }
    }

    /// A child named by a look at a list, and the service they were shown in.
    struct Listed: Equatable {
        let child: UUID
        let service: UUID?
    }

    /// The entries first, each one's children then found by the table's key.
    static func listedQuery(_ events: SQLQueryString, on db: any Database) -> SQLSelectBuilder {
        db.sql.select().column(SQLColumn("event_id", table: "c")).column(SQLColumn("child_id", table: "c"))
            .column(SQLColumn("service_id", table: "c"))
            .from(SQLQueryString("(\(events)) e CROSS JOIN audit_event_children c"))
            .where(SQLColumn("event_id", table: "c"), .equal, SQLColumn("event_id", table: "e"))
    }

    /// The listed children of the entries named by `events` (a statement selecting an `event_id`
    /// column), by entry.
    static func listed(_ events: SQLQueryString, on db: any Database) async throws -> [UUID: [Listed]] {
        let rows = try await Rows.collect(listedQuery(events, on: db)) { r -> (UUID, Listed)? in
            guard let e = r.uuid("event_id"), let c = r.uuid("child_id") else { return nil }
            return (e, Listed(child: c, service: r.uuid("service_id")))
        }
        var out: [UUID: [Listed]] = [:]
        for (e, l) in rows { out[e, default: []].append(l) }
        return out
    }

    static let genesis = String(repeating: "0", count: 64)

    static func link(_ previous: String, _ event: Event) -> String {
        Hex.lower(SHA256.hash(data: Data((previous + event.canonical).utf8)))
    }

    /// The PostgreSQL advisory lock that sealers hold in turn ("WPAUDIT" in ASCII).
    static let sealLock = 0x57_5041_5544_4954

    private struct Seal: Decodable { let position: Int; let event_id: UUID; let hash: String }
    private static let eventColumns = ["id", "at", "user_id", "user_email", "service_id", "child_id", "action", "details"]

    /// Appends every event not yet in the chain; returns how many were sealed.
    ///
    /// What waits is read once, in the order written, and its links are worked out outside any
    /// write transaction (the log is append-only: what was read cannot change). Each `batch` is
    /// then written in a short transaction that first checks the chain still ends where its links
    /// were worked out from; if another sealer (`waypoint audit verify`, a second server on the
    /// same PostgreSQL database) sealed meanwhile, it reads again. Before, each batch of 5,000
    /// read and sorted everything waiting again, under the write lock: under My work's load (some
    /// 56,000 entries every five seconds) eleven passes over them, and every request's own entries
    /// waited behind it (p99 over a second; now about 0.3 s).
    @discardableResult
    static func seal(on db: any Database, batch: Int = 2_000, limit: Int = 50_000) async throws -> Int {
        var sealed = 0
        var struckOff = false
        while true {
            let start = try await chainEnd(on: db)
            var pending = try await Rows.collect(pendingQuery(on: db, limit: limit)) { Event($0) }
            guard !pending.isEmpty else { return sealed }
            // The children of the lists waiting (written before their entry: `Audit.insert`).
            let children = try await listed("SELECT event_id FROM audit_pending", on: db)
            if !children.isEmpty {
                for i in pending.indices { pending[i].children = children[pending[i].id] ?? [] }
            }
            var end = start
            var raced = false
            for chunk in pending.chunked(max(1, batch)) {
                let from = end
                var rows: [[any SQLExpression]] = []
                rows.reserveCapacity(chunk.count)
                for e in chunk {
                    end.position += 1
                    end.hash = link(end.hash, e)
                    rows.append([SQLBind(end.position), SQLBind(e.id), SQLBind(end.hash)])
                }
                let seals = rows
                let written: Bool
                do {
                    written = try await db.writeTransaction { tx -> Bool in
                        // One sealer at a time: SQLite's write lock already orders them; on
                        // PostgreSQL two would both take the next position, and one would fail.
                        if tx.sql.dialect.name != "sqlite" {
                            try await tx.sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.sealLock)))").run()
                        }
                        guard try await chainEnd(on: tx) == from else { return false }
                        for part in seals.chunked(300) {
                            var insert = tx.sql.insert(into: "audit_seals").columns("position", "event_id", "hash")
                            for r in part { insert = insert.values(r) }
                            try await insert.run()
                        }
                        for part in chunk.map(\.id).chunked(500) {
                            try await tx.sql.delete(from: "audit_pending").where("event_id", .in, SQLBind.group(part)).run()
                        }
                        return true
                    }
                } catch  where !struckOff {
                    // An id still listed after its event was sealed (by a server older than the
                    // list, or a list filled by hand) makes its seal a duplicate: such ids are
                    // struck off rather than sealed twice, and the rest read again.
                    struckOff = true
                    try await db.writeTransaction { tx in
                        try await tx.sql.delete(from: "audit_pending").where(
                            SQLQueryString(
                                "EXISTS (SELECT 1 FROM audit_seals WHERE audit_seals.event_id = audit_pending.event_id)")
                        ).run()
                    }
                    raced = true
                    break
                }
                guard written else {
                    raced = true
                    break
                }
                sealed += chunk.count
            }
            if !raced && pending.count < limit { return sealed }
        }
    }

    /// The events waiting to be sealed, in the order written: the waiting list first, each of its
    /// events then found by id. `CROSS JOIN` is how SQLite is told to keep that order: left to choose,
    /// with statistics taken while the list was empty (as it mostly is) or the log small, it walked
    /// every event ever written and looked each up in the list (0.4–0.6 s at every sealing, every
    /// five seconds, on a log of 3 million entries, and growing with the log). PostgreSQL plans
    /// the join as it sees fit.
    static func pendingQuery(on db: any Database, limit: Int) -> SQLSelectBuilder {
        db.sql.select().columns(eventColumns.map { SQLColumn($0, table: "audit_events") })
            .from(SQLQueryString("\(ident: "audit_pending") CROSS JOIN \(ident: "audit_events")"))
            .where(SQLColumn("id", table: "audit_events"), .equal, SQLColumn("event_id", table: "audit_pending"))
            .orderBy(SQLColumn("at", table: "audit_events")).orderBy(SQLColumn("id", table: "audit_events"))
            .limit(limit)
    }

    /// The chain's last position and hash (0 and the genesis hash when nothing is sealed yet).
    struct ChainEnd: Equatable {
        var position: Int
        var hash: String
    }

    private static func chainEnd(on db: any Database) async throws -> ChainEnd {
        let last = try await db.sql.select().columns("position", "event_id", "hash").from("audit_seals")
            .orderBy("position", .descending).limit(1).first(decoding: Seal.self)
        return ChainEnd(position: last?.position ?? 0, hash: last?.hash ?? genesis)
    }

    enum Verdict: Equatable {
        case intact(sealed: Int)
        case broken(position: Int, reason: String)
    }

    /// Recomputes the chain from the first seal: every sealed event must still be there, unchanged,
    /// with no seal missing; and every event must be sealed.
    ///
    /// The chain is walked a page of `page` seals at a time, each with its event, so memory stays
    /// the same however long the log: reading the whole log at once took 24 GB for 15.7 million
    /// entries and the system stopped the process.
    static func verify(on db: any Database, page: Int = 20_000) async throws -> Verdict {
        var previous = genesis
        var position = 0
        while true {
            let rows = try await db.sql.select()
                .column(SQLColumn("position", table: "audit_seals")).column(SQLColumn("event_id", table: "audit_seals"))
                .column(SQLColumn("hash", table: "audit_seals"))
                .columns(eventColumns.map { SQLAlias(SQLColumn($0, table: "audit_events"), as: SQLIdentifier("e_" + $0)) })
                .from("audit_seals")
                .join(
                    "audit_events", method: SQLJoinMethod.left, on: SQLColumn("id", table: "audit_events"), .equal,
                    SQLColumn("event_id", table: "audit_seals")
                )
                .where(SQLColumn("position", table: "audit_seals"), .greaterThan, SQLBind(position))
                .orderBy(SQLColumn("position", table: "audit_seals")).limit(max(1, page)).all(decoding: SealedEvent.self)
            // The children of the lists on this page of the chain.
            let last = rows.last?.position ?? position
            let children = try await listed(
                "SELECT event_id FROM audit_seals WHERE position > \(bind: position) AND position <= \(bind: last)", on: db)
            for r in rows {
                let expected = position + 1
                guard r.position == expected else { return .broken(position: expected, reason: "seal \(expected) is missing") }
                guard var e = r.event else {
                    return .broken(position: r.position, reason: "the event sealed at position \(r.position) (\(r.event_id)) is missing")
                }
                e.children = children[e.id] ?? []
                guard link(previous, e) == r.hash else {
                    return .broken(
                        position: r.position, reason: "the event sealed at position \(r.position) (\(r.event_id)) has been changed")
                }
                previous = r.hash
                position = r.position
            }
            if rows.count < max(1, page) { break }
        }
        // Every seal names a different event that is there (the walk above, and the seals' unique
        // index), so any events beyond the seals' number are not in the chain.
        struct N: Decodable { let n: Int }
        let events =
            try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_events")
            .first(decoding: N.self)?.n ?? 0
        if events > position {
            struct Unsealed: Decodable { let id: UUID }
            let first = try await db.sql.select().column(SQLColumn("id", table: "audit_events")).from("audit_events")
                .where(
                    SQLQueryString(
                        "NOT EXISTS (SELECT 1 FROM audit_seals WHERE audit_seals.event_id = audit_events.id)")
                )
                .orderBy(SQLColumn("id", table: "audit_events")).limit(1).first(decoding: Unsealed.self)
            return .broken(
                position: position + 1,
                reason:
                    "\(events - position) events are not in the chain (first \(first?.id.uuidString ?? "unknown")); run waypoint audit verify again after the server has sealed them"
            )
        }
        return .intact(sealed: position)
    }

    /// A seal with its event's columns (all nil when the event is gone).
    private struct SealedEvent: Decodable {
        let position: Int
        let event_id: UUID
        let hash: String
        let e_id: UUID?
        let e_at: Date?
        let e_user_id: UUID?
        let e_user_email: String?
        let e_service_id: UUID?
        let e_child_id: UUID?
        let e_action: String?
        let e_details: String?

        var event: Event? {
            guard let e_id, let e_at, let e_action else { return nil }
            return Event(
                id: e_id, at: e_at, user_id: e_user_id, user_email: e_user_email, service_id: e_service_id, child_id: e_child_id,
                action: e_action, details: e_details)
        }
    }
}

/// Seals the audit log every few seconds while the server runs. Only the server: a command (a
/// demo load, an import, `audit verify`) leaves its entries for the server, or seals them itself;
/// a sealer beside it waited on its long write transactions and logged a failure every few seconds.
struct AuditSealer: LifecycleHandler {
    /// Whether the process was started to serve (`waypoint serve`, or no command: Vapor's default).
    static func serves(_ arguments: [String]) -> Bool {
        guard let command = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return true }
        return command == "serve"
    }

    func didBootAsync(_ app: Application) async throws {
        guard Self.serves(app.environment.arguments) else { return }
        let task = app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .seconds(5)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do {
                    try await AuditChain.seal(on: app.db)
                } catch {
                    app.logger.warning("audit sealing failed; it will try again", metadata: ["error": .string(String(describing: error))])
                }
            }
        }
        app.storage[AuditSealerTask.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[AuditSealerTask.self]?.cancel()
    }
}

struct AuditSealerTask: StorageKey { typealias Value = RepeatedTask }
