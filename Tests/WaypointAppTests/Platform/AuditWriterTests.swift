import Foundation
import SQLKit
import Testing
import Vapor

@testable import WaypointApp

/// The reads' audit entries of requests at once are written together (`AuditWriter`), each
/// reader's entries whole and with their own who, when and what.
@Suite struct AuditWriterTests {
    static func entries(_ n: Int, reader: Int, children: Int) -> Audit.Entries {
        Audit.Entries(
            at: Date(timeIntervalSince1970: 1_800_000_000 + Double(reader)), userID: UUID(),
            userEmail: "reader\(reader)@test.waypoint.test", action: "view_test_\(reader % 3)", details: "reader \(reader)",
            children: (0..<children).map { _ in (UUID(), UUID()) })
    }

    struct Row: Decodable {
        let user_email: String?
        let action: String
        let details: String?
        let child_id: UUID?
        let service_id: UUID?
    }

    static func rows(_ app: Application) async throws -> [Row] {
        try await app.db.sql.raw(
            SQLQueryString(
                "SELECT user_email, action, details, child_id, service_id FROM (\(unsafeRaw: AuditRows.perChild)) a WHERE action LIKE 'view_test_%'"
            )
        )
        .all(decoding: Row.self)
    }

    /// Every row as its reader gave it: the reader's email, action and details beside each of its
    /// children, and nothing else.
    static func expectWritten(_ app: Application, _ readers: [Int: Audit.Entries]) async throws {
        let written = try await rows(app)
        #expect(written.count == readers.values.map(\.children.count).reduce(0, +))
        var byChild: [UUID: Row] = [:]
        for r in written { if let c = r.child_id { byChild[c] = r } }
        for (n, e) in readers {
            for (service, child) in e.children {
                let r = byChild[child!]
                #expect(r?.user_email == "reader\(n)@test.waypoint.test")
                #expect(r?.action == e.action)
                #expect(r?.details == "reader \(n)")
                #expect(r?.service_id == service)
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func readersAtOnceAreEachWrittenWhole(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let writer = try #require(app.auditWriter)
            let readers = Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, Self.entries($0, reader: $0, children: 1 + $0 * 7 % 90)) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for e in readers.values { group.addTask { try await writer.write(e) } }
                try await group.waitForAll()
            }
            try await Self.expectWritten(app, readers)
        }
    }

    /// A list's child shown outside any one service is listed without a service, beside children
    /// listed with theirs (on PostgreSQL the list is sent as arrays, which hold no null).
    @Test(arguments: TestDatabase.all)
    func aListedChildWithoutAServiceKeepsNone(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            var e = Self.entries(0, reader: 0, children: 3)
            e.children[1].0 = nil
            try await Audit.insert([e], on: app.db)
            try await Self.expectWritten(app, [0: e])
            #expect(try await Self.rows(app).filter { $0.service_id == nil }.map(\.child_id) == [e.children[1].1])
        }
    }

    /// More rows than one statement holds: the statements share one transaction, and a reader's
    /// shared values are bound again in each statement its rows reach.
    @Test(arguments: TestDatabase.all)
    func entriesPastOneStatementKeepTheirOwnValues(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let readers = Dictionary(uniqueKeysWithValues: (0..<3).map { ($0, Self.entries($0, reader: $0, children: 1_400)) })
            #expect(readers.values.map(\.children.count).reduce(0, +) > Audit.rowsPerStatement)
            try await Audit.insert((0..<3).map { readers[$0]! }, on: app.db)
            try await Self.expectWritten(app, readers)
        }
    }

    /// A write that fails fails every reader it held (none is shown unaudited), and the writer
    /// goes on: the next reader's write is tried afresh rather than left waiting.
    @Test(arguments: TestDatabase.all)
    func aFailedWriteFailsEveryReaderInItAndTheWriterGoesOn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let writer = AuditWriter(db: { app.db })
            try await app.db.sql.raw("ALTER TABLE audit_events RENAME TO audit_events_away").run()
            let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<10 {
                    group.addTask {
                        do {
                            try await writer.write(Self.entries(n, reader: n, children: 3))
                            return false
                        } catch { return true }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(failures == 10)
            try await app.db.sql.raw("ALTER TABLE audit_events_away RENAME TO audit_events").run()
            let after = Self.entries(99, reader: 99, children: 2)
            try await writer.write(after)
            try await Self.expectWritten(app, [99: after])
        }
    }

    /// Writes start at least `spacing` apart (each commit empties SQLite's other connections' page
    /// caches): readers who arrive while the spacing runs wait for it, and are written together.
    @Test(arguments: TestDatabase.all)
    func writesStartAtLeastTheSpacingApartWithEveryoneWhoArrivedMeanwhile(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // Long enough that the ten arrive within it however busy the machine (a run of every suite at
            // once on PostgreSQL took more than 300 ms to start them).
            let spacing = Duration.seconds(2)
            let writer = AuditWriter(db: { app.db }, spacing: spacing)
            let clock = ContinuousClock()
            let started = clock.now
            try await writer.write(Self.entries(0, reader: 0, children: 2))
            let readers = Dictionary(uniqueKeysWithValues: (1...10).map { ($0, Self.entries($0, reader: $0, children: 3)) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for e in readers.values { group.addTask { try await writer.write(e) } }
                try await group.waitForAll()
            }
            let waited = clock.now - started
            #expect(waited >= spacing, "the second write ended \(waited) after the first began")
            // Without the spacing the first of the ten is written alone at once and the nine
            // others after it: three writes.
            #expect(await writer.writes == 2)
            let written = try await Self.rows(app)
            #expect(written.count == 2 + 10 * 3)
        }
    }

    /// The spacing comes from `WAYPOINT_AUDIT_SPACING_MS` when it is a number of milliseconds from 0 to
    /// 1000; anything else keeps the default.
    @Test func theSpacingIsSetFromTheEnvironmentWithinItsBounds() {
        let base = ["WAYPOINT_DATA_DIR": "/tmp/waypoint-settings-test"]
        #expect(Settings.fromEnvironment(base).auditSpacingMilliseconds == AuditWriter.defaultSpacingMilliseconds)
        #expect(Settings.fromEnvironment(base.merging(["WAYPOINT_AUDIT_SPACING_MS": "0"]) { $1 }).auditSpacingMilliseconds == 0)
        #expect(Settings.fromEnvironment(base.merging(["WAYPOINT_AUDIT_SPACING_MS": "250"]) { $1 }).auditSpacingMilliseconds == 250)
        for bad in ["-1", "1001", "99999999999999999999", "ten", ""] {
            #expect(
                Settings.fromEnvironment(base.merging(["WAYPOINT_AUDIT_SPACING_MS": bad]) { $1 }).auditSpacingMilliseconds
                    == AuditWriter.defaultSpacingMilliseconds, "\(bad)")
        }
    }
}
