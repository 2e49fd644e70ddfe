import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// product.md and issue #16: the board's figures cannot be undone. On the demo data, for every
/// report and every quarter of a financial year and the year itself, what the board downloads
/// (CSV and workbook) and sees (page and trend) gives back no withheld count: not from a total, a
/// rate, the parts of a figure or the other periods of the year.
@Suite struct BoardDisclosureTests {
    /// 15 April 2024: the financial year 2023–24 and all its quarters have ended.
    static let later = Date(timeIntervalSince1970: 1_713_175_200)

    static func query(_ p: ReportPeriod) -> String {
        "from-day=\(p.from.day)&from-month=\(p.from.month)&from-year=\(p.from.year)&to-day=\(p.to.day)&to-month=\(p.to.month)&to-year=\(p.to.year)"
    }

    /// A board CSV as measure → breakdown → group → printed value.
    static func figures(_ csv: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in csv.split(separator: "\r\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if cells.count == 4 { out["\(cells[0])|\(cells[1])|\(cells[2])"] = cells[3] }
        }
        return out
    }

    /// Whether a family of cells whose total is shown lets a withheld cell be worked out: the
    /// withheld cells' sum is the total less the shown ones; one withheld cell is that sum, and
    /// withheld cells summing to their number are all 1.
    static func pinned(total: String?, cells: [String]) -> Bool {
        guard let total, let t = Int(total) else { return false }
        let withheld = cells.filter { $0 == Disclosure.marker }.count
        guard withheld > 0 else { return false }
        let rest = t - cells.compactMap(Int.init).reduce(0, +)
        return withheld == 1 || rest == withheld
    }

    @Test(arguments: TestDatabase.all)
    func noWithheldFigureCanBeWorkedOutFromAnythingTheBoardSees(db: TestDatabase) async throws {
        try await withTestApp(db, clock: TestClock(Self.later)) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let board = TestClient(app)
            try await board.signIn(DemoData.email(for: .board))
            let family = Disclosure.family(of: ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-03-31")!)!)
            var withheldSmall = 0, secondary = 0
            for d in ReportCatalogue.all {
                var shown: [[String: String]] = []
                var truth: [[ReportRow]] = []
                for p in family.periods {
                    let csv = try await board.get("/reports/\(d.name)?\(Self.query(p))&format=csv")
                    #expect(csv.status == .ok, "\(d.name) \(p.from.iso)")
                    shown.append(Self.figures(csv.body))
                    truth.append(
                        try await ReportRunner.run(
                            d.name, period: p, serviceCode: DemoData.serviceCode, today: LocalDate(iso: "2024-04-15")!, on: app.db
                        ).rows)
                    // The workbook withholds exactly what the CSV does.
                    let book = try ReportAgreementTests.unzip(try await board.getData("/reports/\(d.name)?\(Self.query(p))&format=xlsx"))
                    let sheet = ReportAgreementTests.cells(try #require(book["xl/worksheets/sheet1.xml"])).dropFirst()
                    #expect(
                        sheet.filter { $0.last == Disclosure.marker }.count
                            == csv.body.split(separator: "\r\n").filter { $0.hasSuffix("," + Disclosure.marker) }.count,
                        "\(d.name) workbook")
                }
                for (i, p) in family.periods.enumerated() {
                    let label = "\(d.name) \(p.from.iso)–\(p.to.iso)"
                    let s = shown[i]
                    let counts = truth[i].filter(\.isCount)
                    for r in counts {
                        let key = "\(r.measure)|\(r.breakdown)|\(r.group)"
                        if (1...4).contains(Int(r.value)) {
                            #expect(s[key] == Disclosure.marker, "\(label) \(key) is \(Int(r.value)): withheld")
                            withheldSmall += 1
                        } else if s[key] == Disclosure.marker {
                            secondary += 1
                        } else {
                            #expect(s[key] == r.formatted, "\(label) \(key) shown as it is")
                        }
                    }
                    // Breakdowns of a shown total.
                    for total in counts where total.breakdown == "all" {
                        let cells = counts.filter { $0.measure == total.measure && $0.breakdown != "all" }
                        for (b, list) in Dictionary(grouping: cells, by: \.breakdown) {
                            let values = list.map { s["\($0.measure)|\($0.breakdown)|\($0.group)"] ?? "" }
                            #expect(
                                !Self.pinned(total: s["\(total.measure)|all|all"], cells: values),
                                "\(label) \(total.measure) by \(b): \(values)")
                        }
                    }
                    for sum in Disclosure.sums[d.name] ?? [] {
                        #expect(
                            !Self.pinned(total: s["\(sum.total)|all|all"], cells: sum.parts.map { s["\($0)|all|all"] ?? "0" }),
                            "\(label) parts of \(sum.total)")
                    }
                    // A rate shown is never worked out from a small count or a withheld one.
                    for r in truth[i] where !r.isCount && s["\(r.measure)|\(r.breakdown)|\(r.group)"] != Disclosure.marker {
                        #expect(
                            !r.basis.contains { (1...4).contains($0) }, "\(label) \(r.measure) \(r.breakdown) \(r.group) from a small count"
                        )
                        for source in r.sources {
                            let key = source.contains("|") ? source : "\(source)|\(r.breakdown)|\(r.group)"
                            #expect(s[key] != Disclosure.marker, "\(label) \(r.measure) from withheld \(key)")
                        }
                    }
                }
                // The year against its quarters, where the quarters add up to it.
                for r in truth[family.year] where r.isCount {
                    let key = "\(r.measure)|\(r.breakdown)|\(r.group)"
                    let quarters = (0..<4).map { q in
                        truth[q].first { "\($0.measure)|\($0.breakdown)|\($0.group)" == key }.map { Int($0.value) } ?? 0
                    }
                    guard quarters.reduce(0, +) == Int(r.value) else { continue }
                    #expect(
                        !Self.pinned(total: shown[family.year][key], cells: (0..<4).map { shown[$0][key] ?? "0" }),
                        "\(d.name) \(key) over the year's quarters")
                }
                // The trend shows each quarter as the quarter's own page does.
                let trend = try await board.get("/reports/\(d.name)/trend?\(Self.query(family.periods[3]))&format=csv")
                for line in trend.body.split(separator: "\r\n").dropFirst() {
                    let c = line.split(separator: ",").map(String.init)
                    guard c.count == 4, let q = family.periods.prefix(4).firstIndex(where: { $0.from.iso == c[0] }) else { continue }
                    #expect(shown[q]["\(c[2])|all|all"] == c[3], "\(d.name) trend \(c[0]) \(c[2])")
                }
                let page = try await board.get("/reports/\(d.name)?\(Self.query(family.periods[3]))")
                #expect(page.status == .ok)
                #expect(!page.body.contains("/children?"), "\(d.name): no lists for the board")
                #expect(
                    page.body.contains(Disclosure.marker) == shown[3].values.contains(Disclosure.marker),
                    "\(d.name) page withholds as the CSV does")
            }
            // The test means something only when there are small counts to protect and totals that needed more.
            #expect(withheldSmall > 100 && secondary > 20, "\(withheldSmall) small, \(secondary) withheld to protect them")
        }
    }

    @Test(arguments: TestDatabase.all)
    func theBoardChoosesWholeEndedPeriodsOfOneWholeService(db: TestDatabase) async throws {
        try await withTestApp(db, clock: TestClock(Self.later)) { app in
            _ = try await DemoData.load(
                on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) },
                today: LocalDate(year: 2024, month: 3, day: 27)!)
            let board = TestClient(app)
            try await board.signIn(DemoData.email(for: .board))
            let partial = try await board.get(
                "/reports/first-time-entrants?from-day=1&from-month=1&from-year=2024&to-day=27&to-month=3&to-year=2024")
            #expect(partial.status == .unprocessableEntity)
            #expect(partial.body.contains("Board figures are for a whole quarter or a whole financial year that has ended"))
            #expect(partial.body.contains(#"value="27""#), "the form keeps what was typed")
            #expect(try await board.get("/reports/kpis?preset=year_to_date").status == .unprocessableEntity)
            #expect(try await board.get("/reports/kpis?preset=last_quarter").status == .ok)
            #expect(!(try await board.get("/reports/kpis").body.contains("preset=year_to_date")))
            let team = try await board.get("/reports/caseload?preset=last_quarter&team=North%20and%20East%20team")
            #expect(team.status == .unprocessableEntity && team.body.contains("Board figures are for whole services, not teams"))
            #expect(
                try await board.get("/reports/kpis/trend?from-day=1&from-month=1&from-year=2024&to-day=27&to-month=3&to-year=2024").status
                    == .badRequest)
        }
    }
}
