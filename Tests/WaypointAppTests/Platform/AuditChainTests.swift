import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// The audit log is append-only in the database and tamper-evident (#16, item 3).
@Suite struct AuditChainTests {
    static func someEvents(_ app: Application) async throws -> UUID {
        let s = try await Fixtures.service(app)
        try await Fixtures.user(app, .manager, services: [s])
        let manager = TestClient(app)
        try await manager.signIn("manager@test.waypoint.test")
        let child = try await Fixtures.addChild(manager)
        for _ in 0..<3 { try await manager.get("/children/\(child.uuidString.lowercased())") }
        return child
    }

    @Test(arguments: TestDatabase.all)
    func theDatabaseRefusesToChangeOrRemoveAnAuditEntry(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Self.someEvents(app)
            #expect(try await AuditChain.seal(on: app.db) > 0)
            for sql in [
                "UPDATE audit_events SET action = 'nothing happened'", "DELETE FROM audit_events",
                "UPDATE audit_seals SET hash = 'x'", "DELETE FROM audit_seals"
            ] {
                await #expect(throws: (any Error).self, "\(sql)") { try await app.db.sql.raw(SQLQueryString(sql)).run() }
            }
            if db == .postgres {
                await #expect(throws: (any Error).self) { try await app.db.sql.raw("TRUNCATE audit_events").run() }
            }
            #expect(try await AuditChain.verify(on: app.db) == .intact(sealed: try await CrashFindingsTests.rows(app, "audit_events")))
        }
    }

    @Test(arguments: TestDatabase.all)
    func verifyFindsAnEntryRemovedOrChangedWithTheTriggersDisabled(db: TestDatabase) async throws {
        for tamper in ["delete", "update"] {
            try await withTestApp(db) { app in
                let child = try await Self.someEvents(app)
                try await AuditChain.seal(on: app.db)
                guard case .intact = try await AuditChain.verify(on: app.db) else { Issue.record("not intact before tampering"); return }
                #expect(try await AuditChain.verify(on: app.db, page: 3) == AuditChain.verify(on: app.db))
                // Someone with the database's own rights turns the triggers off.
                if db == .sqlite {
                    for t in ["audit_events_no_update", "audit_events_no_delete"] {
                        try await app.db.sql.raw(SQLQueryString("DROP TRIGGER \(unsafeRaw: t)")).run()
                    }
                } else {
                    try await app.db.sql.raw("ALTER TABLE audit_events DISABLE TRIGGER USER").run()
                }
                let target =
                    SQLQueryString("(SELECT id FROM audit_events WHERE child_id = ") + SQLQueryString("\(bind: child)")
                    + SQLQueryString(" ORDER BY at LIMIT 1)")
                if tamper == "delete" {
                    try await app.db.sql.raw(SQLQueryString("DELETE FROM audit_events WHERE id IN ") + target).run()
                } else {
                    try await app.db.sql.raw(
                        SQLQueryString("UPDATE audit_events SET user_email = 'someone-else@example.test' WHERE id IN ") + target
                    ).run()
                }
                guard case .broken(_, let reason) = try await AuditChain.verify(on: app.db) else {
                    Issue.record("\(tamper) was not found"); return
                }
                #expect(reason.contains(tamper == "delete" ? "is missing" : "has been changed"), "\(reason)")
                // Walked a few seals at a time (as a log of millions is), it finds the same place.
                #expect(try await AuditChain.verify(on: app.db, page: 3) == AuditChain.verify(on: app.db))
            }
        }
    }

    /// A look at a list is one entry naming its children: each child's trail shows it, the chain
    /// seals the entry with its children, the children cannot be changed or removed, and a child
    /// added to, changed in or removed from a sealed list (with the triggers off) is found.
    @Test(arguments: TestDatabase.all)
    func aLookAtAListIsOneEntryNamingItsChildrenSealedWithThem(db: TestDatabase) async throws {
        for tamper in ["none", "add", "change", "remove"] {
            try await withTestApp(db) { app in
                let s = try await Fixtures.service(app).requireID()
                let (a, b, c) = (UUID(), UUID(), UUID())
                // `b` twice: a list names each child once.
                try await Audit.recordViews(
                    on: app.db, at: Date(), userID: nil, userEmail: "reader@example.test", action: "view_list",
                    children: [(s, a), (s, b), (nil, c), (s, b)], details: "a list")
                try await Audit.recordViews(
                    on: app.db, at: Date(), userID: nil, userEmail: "reader@example.test", action: "view_one",
                    children: [(s, c)])
                #expect(try await CrashFindingsTests.rows(app, "audit_events") == 2)
                #expect(try await CrashFindingsTests.rows(app, "audit_event_children") == 3)
                for child in [a, b] {
                    let trail = try await AuditQuery.forChild(child, page: 1, on: app.db)
                    #expect(trail.total == 1 && trail.rows.map(\.action) == ["view_list"] && trail.rows.first?.details == "a list")
                }
                let trail = try await AuditQuery.forChild(c, page: 1, on: app.db)
                #expect(trail.total == 2 && Set(trail.rows.map(\.action)) == ["view_list", "view_one"])
                #expect(try await AuditChain.seal(on: app.db) == 2)
                #expect(try await AuditChain.verify(on: app.db) == .intact(sealed: 2))
                for sql in ["UPDATE audit_event_children SET service_id = NULL", "DELETE FROM audit_event_children"] {
                    await #expect(throws: (any Error).self, "\(sql)") { try await app.db.sql.raw(SQLQueryString(sql)).run() }
                }
                guard tamper != "none" else { return }
                if db == .sqlite {
                    for t in ["audit_event_children_no_update", "audit_event_children_no_delete"] {
                        try await app.db.sql.raw(SQLQueryString("DROP TRIGGER \(unsafeRaw: t)")).run()
                    }
                } else {
                    try await app.db.sql.raw("ALTER TABLE audit_event_children DISABLE TRIGGER USER").run()
                }
                switch tamper {
                case "add":
                    try await app.db.sql.raw(
                        SQLQueryString("INSERT INTO audit_event_children (event_id, child_id) SELECT id, \(bind: UUID())")
                            + SQLQueryString(" FROM audit_events WHERE action = 'view_list'")
                    ).run()
                case "change":
                    try await app.db.sql.raw(
                        SQLQueryString("UPDATE audit_event_children SET child_id = \(bind: UUID()) WHERE child_id = \(bind: a)")
                    ).run()
                default:
                    try await app.db.sql.raw(SQLQueryString("DELETE FROM audit_event_children WHERE child_id = \(bind: a)")).run()
                }
                guard case .broken(_, let reason) = try await AuditChain.verify(on: app.db) else {
                    Issue.record("\(tamper) was not found"); return
                }
                #expect(reason.contains("has been changed"), "\(tamper): \(reason)")
            }
        }
    }

    /// Sealing reads the events waiting for it, not the whole log (it used to join every entry ever
    /// written against the chain, every few seconds, holding the write lock); an entry dated before
    /// the last one sealed (a long request's) still joins the chain.
    @Test(arguments: TestDatabase.all)
    func sealingTakesTheEventsWaitingAndOnlyThose(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Self.someEvents(app)
            let written = try await CrashFindingsTests.rows(app, "audit_events")
            #expect(try await CrashFindingsTests.rows(app, "audit_pending") == written)
            // Before sealing, verifying names them all as outside the chain.
            let unsealed = try await AuditChain.verify(on: app.db, page: 4)
            guard case .broken(1, let reason) = unsealed else { Issue.record("unsealed events not found: \(unsealed)"); return }
            #expect(reason.hasPrefix("\(written) events are not in the chain"), "\(reason)")
            #expect(try await AuditChain.seal(on: app.db) == written)
            #expect(try await CrashFindingsTests.rows(app, "audit_pending") == 0)
            #expect(try await AuditChain.seal(on: app.db) == 0)
            // An id listed again after its event was sealed is struck off, not sealed twice.
            try await app.db.sql.raw("INSERT INTO audit_pending (event_id) SELECT event_id FROM audit_seals WHERE position = 1").run()
            #expect(try await AuditChain.seal(on: app.db) == 0)
            #expect(try await CrashFindingsTests.rows(app, "audit_pending") == 0)
            try await Audit.record(
                on: app.db, at: Date(timeIntervalSince1970: 1_000_000_000), userID: nil, userEmail: nil, action: "late_entry")
            #expect(try await CrashFindingsTests.rows(app, "audit_pending") == 1)
            #expect(try await AuditChain.seal(on: app.db) == 1)
            #expect(try await AuditChain.verify(on: app.db) == .intact(sealed: written + 1))
        }
    }

    /// On SQLite the waiting list is read first and each event found by id, whatever the table
    /// statistics say. Statistics taken while the list is empty (as it mostly is: it is sealed
    /// every five seconds) left SQLite to guess its size, and it walked the whole log instead,
    /// looking each entry up in the list: 0.4-0.6 s at every sealing on a log of 3 million entries.
    @Test func sealingReadsTheWaitingListFirstWhateverSQLitesStatisticsSay() async throws {
        try await withTestApp(.sqlite) { app in
            _ = try await Self.someEvents(app)
            try await AuditChain.seal(on: app.db)
            try await app.db.sql.raw("ANALYZE").run()
            struct Step: Decodable { let detail: String }
            let sql = app.db.sql.serialize(AuditChain.pendingQuery(on: app.db, limit: 50_000).query).sql
            let plan = try await app.db.sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: sql)")).all(decoding: Step.self)
                .map(\.detail)
            #expect(plan.contains { $0.hasPrefix("SCAN audit_pending") }, "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH audit_events USING INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN audit_events") }, "\(plan)")
            // A list's children are found by the key of their table, entry by entry (a column of
            // another affinity than the log's ids read the whole table for each).
            let listed = app.db.sql.serialize(AuditChain.listedQuery("SELECT event_id FROM audit_pending", on: app.db).query).sql
            let listedPlan = try await app.db.sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: listed)")).all(
                decoding: Step.self
            ).map(\.detail)
            #expect(listedPlan.contains { $0.hasPrefix("SEARCH c USING PRIMARY KEY") }, "\(listedPlan)")
            #expect(!listedPlan.contains { $0.hasPrefix("SCAN c") }, "\(listedPlan)")
        }
    }

    /// What waits is read a `limit` at a time and written a `batch` at a time: every event is
    /// sealed once, in the order written, however the two divide it.
    @Test(arguments: TestDatabase.all)
    func sealingReadsAgainPastItsLimitAndWritesInBatches(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Self.someEvents(app)
            for i in 0..<23 {
                try await Audit.record(
                    on: app.db, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), userID: nil, userEmail: nil,
                    action: "entry_\(i)")
            }
            let written = try await CrashFindingsTests.rows(app, "audit_events")
            #expect(try await AuditChain.seal(on: app.db, batch: 3, limit: 5) == written)
            #expect(try await CrashFindingsTests.rows(app, "audit_pending") == 0)
            #expect(try await AuditChain.verify(on: app.db) == .intact(sealed: written))
        }
    }

    /// Two sealers at once (a server and `waypoint audit verify`, or two servers on one
    /// PostgreSQL database) both succeed, and the chain holds every event once.
    @Test(arguments: TestDatabase.all)
    func sealersRunningAtOnceDoNotCollide(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await Self.someEvents(app)
            for round in 0..<5 {
                for i in 0..<40 {
                    try await Audit.record(on: app.db, at: Date(), userID: nil, userEmail: nil, action: "round_\(round)_\(i)")
                }
                let db = app.db
                async let a = AuditChain.seal(on: db, batch: 7)
                async let b = AuditChain.seal(on: db, batch: 7)
                _ = try await (a, b)
            }
            let verdict = try await AuditChain.verify(on: app.db)
            #expect(verdict == .intact(sealed: try await CrashFindingsTests.rows(app, "audit_events")), "\(verdict)")
        }
    }

    /// Entries' ids follow time (version 7 UUIDs), so each new entry goes at the end of the
    /// indexes that hold them instead of a random page.
    @Test func entryIdsAreVersion7AndFollowTime() {
        let early = Audit.timeOrderedID(now: Date(timeIntervalSince1970: 1_800_000_000))
        let late = Audit.timeOrderedID(now: Date(timeIntervalSince1970: 1_800_000_000.002))
        #expect(early.uuidString < late.uuidString)
        #expect(early.uuidString.dropFirst(14).first == "7", "version 7")
        #expect("89AB".contains(early.uuidString.dropFirst(19).first!), "RFC 4122 variant")
        // 1,800,000,000,000 ms is 0x1A3185C5000.
        #expect(early.uuidString.hasPrefix("01A3185C-5000"))
        #expect(Set((0..<1000).map { _ in Audit.timeOrderedID() }).count == 1000)
    }

    /// Every child a register search shows, and every edit form opened, is on that child's record.
    @Test(arguments: TestDatabase.all)
    func searchResultsAndEditFormsAreAuditedPerChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let a = try await Fixtures.addChild(manager, given: "Ayo", family: "Search")
            let b = try await Fixtures.addChild(manager, given: "Bea", family: "Search", dob: (1, 2, 2010))
            _ = try await Fixtures.addChild(manager, given: "Cal", family: "Other", dob: (3, 4, 2011))
            #expect(try await manager.get("/children?q=Search").status == .ok)
            try await manager.get("/children/\(a.uuidString.lowercased())/edit")
            struct R: Decodable { let child_id: UUID?; let action: String; let service_id: UUID? }
            let rows = try await app.db.sql.raw(
                SQLQueryString("SELECT child_id, action, service_id FROM (\(unsafeRaw: AuditRows.perChild)) a")
            ).all(decoding: R.self)
            let searched = rows.filter { $0.action == "view_search_result" }
            #expect(Set(searched.compactMap(\.child_id)) == [a, b], "each child shown named once, and only those")
            #expect(searched.count == 2)
            // One entry for the look.
            #expect(try await CrashFindingsTests.rows(app, "audit_event_children") == 2)
            #expect(searched.allSatisfy { $0.service_id == s.id })
            #expect(rows.contains { $0.action == "view_child_edit_form" && $0.child_id == a })
        }
    }
}
