import Foundation
import SQLKit
import ZIPFoundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// On the demo data: each report's web page, its CSV and `waypoint report` (the runner) give the
/// same figures; drill-down lists are as long as their figures; the board sees no child's name.
@Suite struct ReportAgreementTests {
    /// The demo data as on 27 March 2024, with a manager and a board member signed in.
    static func demo(_ app: Application) async throws -> (LocalDate, TestClient, TestClient) {
        let today = LocalDate(year: 2024, month: 3, day: 27)!
        _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
        let manager = TestClient(app)
        try await manager.signIn(DemoData.email(for: .manager))
        let board = TestClient(app)
        try await board.signIn(DemoData.email(for: .board))
        return (today, manager, board)
    }

    /// Splits the demo service: its Southgate district's children (with all their records) become
    /// the service SG, as a local government reorganisation would.
    static func splitSouthgate(_ app: Application) async throws {
        let demo = try #require(try await ServiceMoves.service(code: DemoData.serviceCode, on: app.db))
        let southgate = try await ServiceMoves.select(from: demo.id!, districts: ["Southgate"], ids: [], on: app.db)
        #expect(southgate.count > 10)
        try await app.db.transaction { db in
            let sg = Service(code: "SG", name: "Southgate YJS")
            try await sg.create(on: db)
            try await ServiceMoves.move(
                southgate, to: sg.id!, reason: "local government reorganisation", actor: Agent.commandLine("test", now: pinnedNow), on: db,
                now: pinnedNow)
        }
    }

    /// Each report reads only the children in its scope for the period. Reading every child with a
    /// record instead must give the same rows, children and notes, for periods of several lengths
    /// and ends (a scope too narrow would lose children here).
    @Test(arguments: TestDatabase.all)
    func scopedReportsEqualReportsOverEveryChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            // Two services (a run of some services filters every query by service): the
            // Southgate district's children move to a service of their own.
            try await Self.splitSouthgate(app)
            // Southgate reviews plans monthly and holds initial panels within 5 working days: a
            // way of reading that dropped a service's own timescales would differ.
            let sg = try #require(try await ServiceMoves.service(code: "SG", on: app.db))
            for (setting, value) in [("review_months", 1), ("initial_panel_working_days", 5), ("assessment_working_days", 5)] {
                try await app.db.sql.insert(into: "timescale_settings").columns("id", "service_id", "setting", "intervention_type", "value")
                    .values(SQLBind(UUID()), SQLBind(sg.id!), SQLBind(setting), SQLBind(""), SQLBind(value)).run()
            }
            let periods = [
                ("2023-04-01", "2024-03-27"), ("2023-10-01", "2023-12-31"), ("2024-01-01", "2024-03-27"), ("2022-04-01", "2023-03-31"),
                ("2023-07-15", "2023-07-15")
            ]
            .map { ReportPeriod(from: LocalDate(iso: $0.0)!, to: LocalDate(iso: $0.1)!)! }
            let filters: [(team: String?, services: [String]?)] = [
                (nil, nil), ("North and East team", nil), (nil, [DemoData.serviceCode]), (nil, ["SG", DemoData.serviceCode])
            ]
            var nonEmpty = 0
            for d in ReportCatalogue.all {
                #expect(!d.scope.isEmpty, "\(d.name) declares its scope")
                for period in periods {
                    for (team, services) in filters {
                        let scoped = try await ReportRunner.run(
                            d.name, period: period, serviceCodes: services, team: team, today: today, on: app.db)
                        let other = try await ReportRunner.run(
                            d.name, period: period, serviceCodes: services, team: team, today: today, via: .everyChild, on: app.db)
                        #expect(scoped.rows == other.rows, "\(d.name) \(period.from.iso)–\(period.to.iso) team \(team ?? "any")")
                        #expect(scoped.rows.map { $0.children ?? [] } == other.rows.map { $0.children ?? [] })
                        #expect(scoped.notes == other.notes)
                        if scoped.rows.contains(where: { $0.isCount && $0.value > 0 }) { nonEmpty += 1 }
                    }
                }
            }
            // The comparison means something only if the reports count children in these periods.
            #expect(nonEmpty >= ReportCatalogue.all.count * 8)
        }
    }

    /// The trend: each quarter's headline figures are the report's own for that quarter, on the
    /// page, in its CSV and in its workbook (the board's trend: BoardDisclosureTests).
    @Test(arguments: TestDatabase.all)
    func trendsAreTheReportQuarterByQuarter(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, manager, _) = try await Self.demo(app)
            let query = "from-day=1&from-month=1&from-year=2024&to-day=27&to-month=3&to-year=2024"
            let quarters = Quarters.ending(at: today, count: ReportsController.trendQuarters)
            #expect(quarters.count == 8 && quarters.last?.from.iso == "2024-01-01" && quarters.first?.from.iso == "2022-04-01")
            var charts = 0
            for d in ReportCatalogue.all {
                var expected: [String] = []
                for q in quarters {
                    let out = try await ReportRunner.run(d.name, period: q, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                    for m in d.measures {
                        if let r = out.rows.first(where: { $0.measure == m.name && $0.breakdown == "all" }) {
                            expected.append("\(q.from.iso),\(q.to.iso),\(m.name),\(r.formatted)")
                        }
                    }
                }
                let csv = try await manager.get("/reports/\(d.name)/trend?\(query)&format=csv")
                #expect(csv.status == .ok)
                #expect(Array(csv.body.split(separator: "\r\n").dropFirst().map(String.init)) == expected, "\(d.name) trend CSV")
                let page = try await manager.get("/reports/\(d.name)/trend?\(query)")
                #expect(page.status == .ok)
                for q in quarters { #expect(page.body.contains(Quarters.label(q)), "\(d.name) \(Quarters.label(q))") }
                if page.body.contains("chart--line") { charts += 1 }
                let book = try Self.unzip(try await manager.getData("/reports/\(d.name)/trend?\(query)&format=xlsx"))
                #expect(
                    Self.cells(try #require(book["xl/worksheets/sheet1.xml"])).count == quarters.count + 1,
                    "\(d.name) trend workbook: a row per quarter")
                // The board's trend (whole ended quarters, disclosure control) is tested in BoardDisclosureTests.
            }
            #expect(charts >= 10, "most reports have figures in two or more quarters to draw")
            #expect(try await manager.get("/reports/first-time-entrants?\(query)").body.contains("/reports/first-time-entrants/trend?"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func pageCSVAndCommandAgreeAndDrillDownsMatchTheirFigures(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, manager, board) = try await Self.demo(app)
            struct N: Decodable { let given_name: String; let family_name: String }
            let names = try await app.db.sql.select().columns("given_name", "family_name").from("children").all(decoding: N.self).map {
                "\($0.given_name) \($0.family_name)"
            }
            let period = ReportPeriod(from: LocalDate(year: 2023, month: 4, day: 1)!, to: today)!
            let query = "from-day=1&from-month=4&from-year=2023&to-day=27&to-month=3&to-year=2024"
            var recordCounts = 0
            var populationRates = 0
            for d in ReportCatalogue.all {
                let out = try await ReportRunner.run(d.name, period: period, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                #expect(out.rows.contains { $0.value > 0 }, "\(d.name) has figures on the demo data")
                // A team's figures are the team's row of the breakdown by team.
                if let teamRow = out.rows.first(where: { $0.breakdown == "team" && $0.group == "North and East team" }) {
                    let team = try await ReportRunner.run(
                        d.name, period: period, serviceCode: DemoData.serviceCode, team: "North and East team", today: today, on: app.db)
                    #expect(
                        team.rows.first { $0.measure == teamRow.measure && $0.breakdown == "all" }?.value == teamRow.value,
                        "\(d.name) team filter")
                    let teamPage = try await manager.get("/reports/\(d.name)?\(query)&team=North%20and%20East%20team")
                    #expect(teamPage.status == .ok)
                    #expect(teamPage.body.contains("— North and East team"))
                }
                #expect(try await manager.get("/reports/\(d.name)?\(query)&team=Nobody").status == .unprocessableEntity)
                // Rates per population are the service's: a team's figures show none, and say why.
                let rates = ["fte_rate_per_100k", "custody_rate_per_1000", "population_share", "ratio"]
                if out.rows.contains(where: { rates.contains($0.measure) }) {
                    let team = try await ReportRunner.run(
                        d.name, period: period, serviceCode: DemoData.serviceCode, team: "North and East team", today: today, on: app.db)
                    #expect(!team.rows.contains { rates.contains($0.measure) }, "\(d.name): no population rate for a team")
                    #expect(team.notes.contains { $0.contains("not for a team such as North and East team") }, "\(d.name) says why")
                    populationRates += 1
                }
                let csv = try await manager.get("/reports/\(d.name)?\(query)&format=csv")
                #expect(csv.body == String(decoding: out.csv, as: UTF8.self), "\(d.name): web CSV = command CSV")
                // The workbook: its Figures sheet holds the same rows, numbers as numbers.
                let book = try Self.unzip(try await manager.getData("/reports/\(d.name)?\(query)&format=xlsx"))
                let figures = Self.cells(try #require(book["xl/worksheets/sheet1.xml"]))
                #expect(figures.count == out.rows.count + 1, "\(d.name) workbook rows")
                for (i, r) in out.rows.enumerated() {
                    #expect(figures[i + 1] == [r.measure, r.breakdown, r.group, "n:" + Rounding.format(r.value)], "\(d.name) row \(i)")
                }
                #expect(book["xl/workbook.xml"]?.contains(#"<sheet name="Figures""#) == true)
                let page = try await manager.get("/reports/\(d.name)?\(query)")
                #expect(page.status == .ok)
                for r in out.rows where r.breakdown == "all" {
                    #expect(page.body.contains(">\(r.formatted)<"), "\(d.name) \(r.measure) \(r.formatted) on the page")
                }
                // Drill-downs: a count of children lists that many children; a count of records
                // lists each child once with their records, which add up to the figure.
                for r in out.rows where r.isCount && r.value > 0 && (r.breakdown == "all" || r.breakdown == "sex") {
                    let list = try await manager.get(
                        "/reports/\(d.name)/children?\(query)&measure=\(r.measure)&breakdown=\(r.breakdown)&group=\(r.group)&format=csv")
                    let lines = list.body.split(separator: "\r\n").dropFirst().map {
                        $0.split(separator: ",", omittingEmptySubsequences: false)
                    }
                    let what = "\(d.name) \(r.measure) \(r.breakdown)=\(r.group)"
                    if r.countsRecords {
                        #expect(
                            list.body.contains(
                                "child_id,given_name,family_name,date_of_birth,sex,ethnicity_group,district,service_code,records\r\n"),
                            "\(what) records column")
                        #expect(lines.count == r.children?.count, "\(what)")
                        #expect(lines.map { Int($0.last ?? "") ?? 0 }.reduce(0, +) == Int(r.value), "\(what): records add up to the figure")
                        recordCounts += 1
                    } else {
                        #expect(lines.count == Int(r.value), "\(what)")
                    }
                }
                // The board: figures only, never a name (for a whole quarter that has ended).
                let quarter = "from-day=1&from-month=10&from-year=2023&to-day=31&to-month=12&to-year=2023"
                let boardBook = try Self.unzip(try await board.getData("/reports/\(d.name)?\(quarter)&format=xlsx")).values.joined()
                for n in names { #expect(!boardBook.contains(n), "\(d.name) workbook: \(n)") }
                for res in [
                    try await board.get("/reports/\(d.name)?\(quarter)"), try await board.get("/reports/\(d.name)?\(quarter)&format=csv")
                ] {
                    #expect(res.status == .ok)
                    #expect(!res.body.contains("/children?"))
                    for n in names { #expect(!res.body.contains(n), "\(d.name): \(n)") }
                }
                #expect(
                    try await board.get("/reports/\(d.name)/children?\(query)&measure=\(d.measures[0].name)&breakdown=all&group=all").status
                        == .forbidden)
            }
            // Contacts, offences, interventions and the like: the demo data has children with several.
            #expect(recordCounts >= 3)
            #expect(populationRates == 3, "first time entrants, custody and disproportionality use population figures")
        }
    }

    static func unzip(_ data: Data) throws -> [String: String] {
        let archive = try Archive(data: data, accessMode: .read)
        var out: [String: String] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            out[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
        return out
    }

    /// The cells of a sheet, row by row: text as itself, numbers as "n:VALUE", dates as "d:SERIAL".
    static func cells(_ xml: String) -> [[String]] {
        xml.components(separatedBy: "<row ").dropFirst().map { row in
            TestClient.allMatches(#"<c r="[A-Z]+\d+"[^>]*>(.*?)</c>"#, in: row).map { c -> String in
                if let t = TestClient.firstMatch(#"<t[^>]*>(.*?)</t>"#, in: c) { return t }
                let v = TestClient.firstMatch(#"<v>(.*?)</v>"#, in: c) ?? ""
                return (row.contains("s=\"1\"") ? "d:" : "n:") + v
            }
        }
    }
}
