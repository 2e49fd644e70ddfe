import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct DemoTests {
    /// How many children the planner's statistics count (PostgreSQL: `pg_class.reltuples`, SQLite:
    /// `sqlite_stat1`); nil when none were taken.
    static func childrenCountedByThePlanner(_ app: Application) async throws -> Int? {
        struct N: Decodable { let n: Double? }
        let sql: SQLQueryString =
            app.db.sql.dialect.name == "postgresql"
            ? "SELECT reltuples AS n FROM pg_class WHERE relname = 'children' AND reltuples >= 0"
            : "SELECT CAST(stat AS INTEGER) AS n FROM sqlite_stat1 WHERE tbl = 'children' LIMIT 1"
        return try await app.db.sql.raw(sql).first(decoding: N.self)?.n.map { Int($0) }
    }

    @Test(arguments: TestDatabase.all)
    func theDemoLoadsADeterministicServiceWithEveryRole(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            let outcome = try await DemoData.load(
                on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            #expect(outcome == .loaded(200))
            #expect(try await Child.count(app) == 200)
            // The planner's statistics are taken after the load, not left to PostgreSQL's autovacuum.
            #expect(try await Self.childrenCountedByThePlanner(app) == 200)
            struct Row: Decodable {
                let given_name: String; let date_of_birth: String; let sex: String; let ethnicity_group: String; let care_status: String;
                let ehcp: String?
            }
            let rows = try await app.db.sql.raw(
                "SELECT given_name, date_of_birth, sex, ethnicity_group, care_status, ehcp FROM children ORDER BY external_id"
            ).all(decoding: Row.self)
            let ages = rows.map { LocalDate(iso: $0.date_of_birth)!.age(on: today) }
            #expect(ages.min()! >= 8 && ages.max()! <= 17)
            #expect(Set(ages).count >= 8)
            #expect(Set(rows.map(\.sex)).isSuperset(of: ["male", "female"]))
            #expect(Set(rows.map(\.ethnicity_group)).count >= 5)
            #expect(Set(rows.map(\.care_status)).count >= 2)
            #expect(rows.contains { $0.ehcp == "yes" })
            // Each role signs in with the demo password.
            for role in Role.allCases {
                #expect(try await TestClient(app).signIn(DemoData.email(for: role)).status == .seeOther, "\(role.rawValue)")
            }
            // Deterministic: the same children in the same order.
            var rng = SeededGenerator(seed: 20_231_001)
            let first = DemoData.makeChild(0, &rng, today: today)
            #expect(rows[0].given_name == first.givenName)
            // Every record went through the use cases: one audit entry per record, by a person of
            // the service (the practitioner on the case, the manager, or the victim worker).
            struct Count: Decodable { let n: Int }
            func count(_ sql: String) async throws -> Int {
                try await app.db.sql.raw(SQLQueryString(sql)).first(decoding: Count.self)?.n ?? -1
            }
            for (table, action) in [
                ("contacts", "create_contact"), ("victims", "create_victim"), ("assessments", "create_assessment"),
                ("panels", "create_panel"),
                ("kpi_records", "create_kpi"), ("breaches", "create_breach")
            ] {
                let records = try await count("SELECT COUNT(*) AS n FROM \(table)")
                #expect(records > 0, Comment(rawValue: table))
                #expect(
                    try await count(
                        "SELECT COUNT(*) AS n FROM audit_events WHERE action = '\(action)' AND user_id IS NOT NULL AND child_id IS NOT NULL"
                    ) == records,
                    Comment(rawValue: action))
            }
            #expect(
                try await count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'sign_off_assessment'")
                    == (try await count("SELECT COUNT(*) AS n FROM assessments WHERE status = 'signed_off'")))
            #expect(
                try await count(
                    "SELECT COUNT(*) AS n FROM audit_events a JOIN users u ON u.id = a.user_id WHERE a.action = 'create_victim' AND u.role <> 'victim_worker'"
                ) == 0)
            // Running it again resets passwords and adds nothing.
            #expect(
                try await DemoData.load(on: app.db, password: "another-password-1", hasher: { try app.password.hash($0) }, today: today)
                    == .alreadyLoaded)
            #expect(try await Child.count(app) == 200)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theDemoRefusesADatabaseWithRealRecords(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Fixtures.service(app, code: "WF")
            let outcome = try await DemoData.load(
                on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) },
                today: LocalDate(year: 2024, month: 3, day: 27)!)
            guard case .refused(let reason) = outcome else { Issue.record("expected a refusal"); return }
            #expect(reason.contains("already holds real records"))
            #expect(try await Child.count(app) == 0)
        }
    }
}

import SQLKit
