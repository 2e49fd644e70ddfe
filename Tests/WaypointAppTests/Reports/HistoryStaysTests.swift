import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// domain.md, "History stays where it happened": an event counts for the service, team and case
/// manager responsible on its date, so transferring a child, reallocating a case or moving a
/// worker to another team never changes a past period's figures.
@Suite struct HistoryStaysTests {
    /// Everything a user or the command gets for a report over a period: the command's JSON, and
    /// the web page, CSV and workbook (the page without its form token).
    static func snapshot(
        _ app: Application, _ client: TestClient, _ name: String, _ period: ReportPeriod, services: [String]?, today: LocalDate
    ) async throws -> [String] {
        let out = try await ReportRunner.run(name, period: period, serviceCodes: services, today: today, on: app.db)
        let q =
            "from-day=\(period.from.day)&from-month=\(period.from.month)&from-year=\(period.from.year)&to-day=\(period.to.day)&to-month=\(period.to.month)&to-year=\(period.to.year)"
            + (services?.count == 1 ? "&service=\(services![0])" : "")
        let page = try await client.get("/reports/\(name)?\(q)").body
            .replacingOccurrences(of: #"name="csrf" value="[^"]*""#, with: "", options: .regularExpression)
        let csv = try await client.get("/reports/\(name)?\(q)&format=csv").body
        let book = try ReportAgreementTests.unzip(try await client.getData("/reports/\(name)?\(q)&format=xlsx"))
        return [out.json, page, csv, book["xl/worksheets/sheet1.xml"] ?? "", book.keys.sorted().joined(separator: ",")]
    }

    @Test(arguments: TestDatabase.all)
    func transfersReallocationsAndTeamMovesLeaveAPastPeriodUnchanged(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, manager, _) = try await ReportAgreementTests.demo(app)
            #expect(today == LocalDate.today(at: pinnedNow))
            let nb = Service(code: "NB", name: "Northbrook YJS")
            try await nb.create(on: app.db)
            // The demo service's figures for last year, before anything moves.
            let past = ReportPeriod(from: LocalDate(iso: "2023-04-01")!, to: LocalDate(iso: "2023-12-31")!)!
            var before: [String: [String]] = [:]
            for d in ReportCatalogue.all {
                before[d.name] = try await Self.snapshot(app, manager, d.name, past, services: [DemoData.serviceCode], today: today)
            }
            #expect(before.values.contains { $0[0].contains("\"value\": 1") || $0[0].contains("children") })

            // 1. A child with work open then and now is transferred to Northbrook, through the page.
            struct I: Decodable { let id: UUID; let child_id: UUID; let case_manager_id: UUID? }
            let open = try await app.db.sql.select().columns("id", "child_id", "case_manager_id").from("interventions")
                .where("start_date", .lessThanOrEqual, SQLBind("2023-12-01")).where("end_date", .is, SQLLiteral.null)
                .where("case_manager_id", .isNot, SQLLiteral.null).orderBy("start_date").all(decoding: I.self)
            #expect(open.count >= 2, "the demo data has long-running allocated work")
            let moved = try #require(open.first)
            try await manager.get(Paths.transferChild(moved.child_id))
            let transfer = try await manager.post(
                Paths.transferChild(moved.child_id),
                [("service_id", nb.id!.uuidString), ("reason", "Moved to Northbrook with their family")])
            #expect(transfer.status == .ok)
            struct S: Decodable { let service_id: UUID; let end_date: String?; let closure_reason: String? }
            #expect(
                try await app.db.sql.select().column("service_id").from("children").where("id", .equal, SQLBind(moved.child_id)).first(
                    decoding: S.self)?.service_id == nb.id)
            let old = try await app.db.sql.select().columns("service_id", "end_date", "closure_reason").from("interventions").where(
                "id", .equal, SQLBind(moved.id)
            ).first(decoding: S.self)
            #expect(old?.end_date == "2024-03-26" && old?.closure_reason == "transferred", "the old service's work ends the day before")
            let continued = try await app.db.sql.select().columns("service_id", "end_date", "closure_reason").from("interventions")
                .where("child_id", .equal, SQLBind(moved.child_id)).where("service_id", .equal, SQLBind(nb.id!)).all(decoding: S.self)
            #expect(continued.count >= 1 && continued.allSatisfy { $0.end_date == nil }, "and goes on in Northbrook")
            // Northbrook's manager sees the whole history on the record, earlier work included.
            try await Fixtures.user(app, .manager, email: "nb.manager@test.waypoint.test", services: [nb])
            let nbManager = TestClient(app)
            try await nbManager.signIn("nb.manager@test.waypoint.test")
            #expect(try await nbManager.get(Paths.child(moved.child_id)).status == .ok)
            #expect(try await nbManager.get(Paths.intervention(moved.id)).status == .ok)
            #expect(try await manager.get(Paths.intervention(moved.id)).status == .notFound, "the old service no longer holds the child")

            // 2. Another case is reallocated to a different worker, through the page.
            let other = try #require(open.first { $0.child_id != moved.child_id })
            struct U: Decodable { let id: UUID }
            let workers = try await app.db.sql.select().column("id").from("users").where("role", .equal, SQLBind("practitioner")).all(
                decoding: U.self
            ).map(\.id)
            let newWorker = try #require(workers.first { $0 != other.case_manager_id })
            try await manager.get(Paths.allocate(other.id))
            let realloc = try await manager.post(
                Paths.allocate(other.id), [("case_manager", newWorker.uuidString), ("co_worker", ""), ("confirm_over_cap", "yes")])
            #expect(realloc.status == .seeOther)

            // 3. A worker moves to the other team, through the admin page.
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            struct W: Decodable { let id: UUID; let name: String; let email: String; let team_id: UUID? }
            let amir = try #require(
                try await app.db.sql.select().columns("id", "name", "email", "team_id").from("users").where(
                    "name", .equal, SQLBind("Amir Hussain")
                ).first(decoding: W.self))
            struct T: Decodable { let id: UUID; let name: String }
            let south = try #require(
                try await app.db.sql.select().columns("id", "name").from("teams").where("name", .equal, SQLBind("South and West team"))
                    .first(decoding: T.self))
            #expect(amir.team_id != south.id)
            let demo = try #require(try await ServiceMoves.service(code: DemoData.serviceCode, on: app.db))
            try await admin.get("/admin/users/\(amir.id.uuidString.lowercased())")
            let edit = try await admin.post(
                "/admin/users/\(amir.id.uuidString.lowercased())",
                [
                    ("name", amir.name), ("email", amir.email), ("role", "practitioner"),
                    ("services[]", demo.id!.uuidString), ("team", south.id.uuidString)
                ])
            #expect(edit.status == .seeOther, "\(TestClient.allMatches(#"Error: </span>([^<]*)<"#, in: edit.body))")
            #expect(
                try await app.db.sql.select().column("team_id").from("users").where("id", .equal, SQLBind(amir.id)).first(
                    decoding: TeamOnly.self)?.team_id == south.id)

            // Every report for the past period: the same, on the page, in its CSV and workbook, and from the command.
            for d in ReportCatalogue.all {
                let after = try await Self.snapshot(app, manager, d.name, past, services: [DemoData.serviceCode], today: today)
                let parts = ["command", "page", "CSV", "workbook", "workbook files"]
                for (i, part) in parts.enumerated() { #expect(after[i] == before[d.name]?[i], "\(d.name): \(part) changed") }
            }
            // The team a past period credits Amir's children to is still the North and East team.
            let caseload = try await ReportRunner.run(
                "caseload", period: past, serviceCodes: [DemoData.serviceCode], today: today, on: app.db)
            #expect(caseload.rows.contains { $0.breakdown == "team" && $0.group == "North and East team" })
            // Today, the moves show: Amir's children count for the South and West team from now on.
            let now = ReportPeriod(from: today, to: today)!
            let current = try await ReportRunner.run(
                "caseload", period: now, serviceCodes: [DemoData.serviceCode], today: today, on: app.db)
            #expect(
                current.rows.first { $0.measure == "children" && $0.breakdown == "worker" && $0.group == "Amir Hussain" } == nil
                    || current.rows.contains { $0.breakdown == "team" && $0.group == "South and West team" })
        }
    }

    struct TeamOnly: Decodable { let team_id: UUID? }

    /// A worker whose team was set before team history was kept (or without it) and who then
    /// moves: the history says they were in their old team until the move, not in the new one
    /// all along.
    @Test(arguments: TestDatabase.all)
    func aWorkersFirstRecordedMoveKeepsTheirOldTeamBeforeIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let worker = try await Fixtures.user(app, .practitioner, services: [s])
            var teams: [UUID] = []
            for name in ["North", "South"] {
                let id = UUID()
                try await app.db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                    SQLBind(id), SQLBind(s.id!), SQLBind(name)
                ).run()
                teams.append(id)
            }
            try await app.db.sql.update("users").set("team_id", to: SQLBind(teams[0])).where("id", .equal, SQLBind(worker.id!)).run()
            try await Workers.setTeam(worker.id!, teams[1], from: LocalDate(iso: "2024-03-01")!, on: app.db, now: pinnedNow)
            struct M: Decodable, Equatable { let team_id: UUID?; let from_on: String }
            let history = try await app.db.sql.select().columns("team_id", "from_on").from("team_memberships").where(
                "user_id", .equal, SQLBind(worker.id!)
            )
            .orderBy("from_on").all(decoding: M.self)
            #expect(history == [M(team_id: teams[0], from_on: "1900-01-01"), M(team_id: teams[1], from_on: "2024-03-01")])
        }
    }
}
