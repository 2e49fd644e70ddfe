import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct ReportPagesTests {
    /// WF has one first time entrant in 2024 (C1, youth caution on 1 January 2024).
    func setUp(_ app: Application) async throws {
        try await InterchangeTests.worker(app)
        guard case .imported = try await InterchangeTests.importAll(app) else { throw TestFailure("import failed") }
        let wf = try await ServiceMoves.service(code: "WF", on: app.db)!
        for role in [Role.manager, .analyst, .board] { try await Fixtures.user(app, role, services: [wf]) }
    }
    let period = "from-day=1&from-month=1&from-year=2024&to-day=27&to-month=3&to-year=2024"

    @Test(arguments: TestDatabase.all)
    func aFigureOpensTheChildrenBehindItAndTheListDownloads(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await setUp(app)
            let m = TestClient(app)
            try await m.signIn("manager@test.waypoint.test")
            let page = try await m.get("/reports/first-time-entrants?\(period)")
            #expect(page.status == .ok)
            #expect(page.body.contains("1 January 2024 to 27 March 2024"))
            #expect(page.body.contains("42.6"))  // 1 × 100,000 ÷ 2,350
            #expect(page.body.contains("A child&#39;s entry to the justice system is their first-ever outcome"))
            let link = try #require(TestClient.firstMatch(#"<span class="stat__figure"><span><a href="([^"]+)">1</a>"#, in: page.body))
            let list = try await m.get(link.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(list.status == .ok)
            #expect(list.body.contains("1 child"))
            #expect(list.body.contains("Jo Smith"))
            let csv = try await m.get(link.replacingOccurrences(of: "&amp;", with: "&") + "&format=csv")
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.count == 2)  // header + the one child: the row count equals the figure
            #expect(lines[1].hasPrefix("C1,Jo,Smith,2010-05-14"))
            let figures = try await m.get("/reports/first-time-entrants?\(period)&format=csv")
            #expect(figures.body.contains("first_time_entrants,all,all,1\r\n"))
            #expect(try await AuditRows.actions(app).contains("view_report_children"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func boardMembersSeeFiguresOnlyWithSmallCountsWithheld(db: TestDatabase) async throws {
        // 15 April 2024: the quarter January to March 2024 has ended, so the board can see it.
        try await withTestApp(db, clock: TestClock(BoardDisclosureTests.later)) { app in
            try await setUp(app)
            let b = TestClient(app)
            try await b.signIn("board@test.waypoint.test")
            let period = "from-day=1&from-month=1&from-year=2024&to-day=31&to-month=3&to-year=2024"
            let page = try await b.get("/reports/first-time-entrants?\(period)")
            #expect(page.status == .ok)
            #expect(page.body.contains("[c]"))
            #expect(!page.body.contains("42.6"), "the rate would give the one entrant back")
            #expect(!page.body.contains("/reports/first-time-entrants/children"))
            #expect(!page.body.contains("Jo Smith"))
            #expect(try await b.get("/reports/first-time-entrants/children?\(period)&breakdown=all&group=all").status == .forbidden)
            let csv = try await b.get("/reports/first-time-entrants?\(period)&format=csv")
            #expect(csv.body.contains("first_time_entrants,all,all,[c]\r\n"))
            #expect(csv.body.contains("fte_rate_per_100k,all,all,[c]\r\n"))
            // Analysts drill down but cannot open a child's record.
            let a = TestClient(app)
            try await a.signIn("analyst@test.waypoint.test")
            let list = try await a.get("/reports/first-time-entrants/children?\(period)&breakdown=all&group=all")
            #expect(list.body.contains("Jo Smith"))
            #expect(!list.body.contains("href=\"/children/"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPeriodThatEndsBeforeItStartsIsRefused(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await setUp(app)
            let m = TestClient(app)
            try await m.signIn("manager@test.waypoint.test")
            let page = try await m.get(
                "/reports/first-time-entrants?from-day=1&from-month=4&from-year=2024&to-day=1&to-month=1&to-year=2024")
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("The end date must be the same as or after the start date"))
            #expect(page.body.contains(#"value="4""#))
            let bad = try await m.get(
                "/reports/first-time-entrants?from-day=31&from-month=2&from-year=2024&to-day=1&to-month=3&to-year=2024")
            #expect(bad.body.contains("Start date must be a real date"))
            let quick = try await m.get("/reports/first-time-entrants?preset=last_financial_year")
            #expect(quick.body.contains("1 April 2022 to 31 March 2023"))  // pinned today: 27 March 2024
            #expect(try await TestClient(app).get("/reports").status == .seeOther)
        }
    }

    @Test func breakdownTablesListAgesInOrder() {
        let rows =
            ["14", "9", "11"].map { ReportRow(measure: "cohort", breakdown: "age", group: $0, count: ["a"]) }
            + [
                ReportRow(measure: "cohort", breakdown: "sex", group: "male", count: ["a"]),
                ReportRow(measure: "cohort", breakdown: "sex", group: "female", count: ["b"])
            ]
        let tables = ReportViews.breakdownTables(rows)
        #expect(tables.first { $0.breakdown == "age" }?.groups == ["9", "11", "14"])
        #expect(tables.first { $0.breakdown == "sex" }?.groups == ["male", "female"], "other groups stay as the report gives them")
    }
}
