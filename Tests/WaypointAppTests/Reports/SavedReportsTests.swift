import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Figures as submitted: a saved report keeps its figures and children whatever happens to the
/// records later, and shows beside today's run what changed and which children moved.
@Suite struct SavedReportsTests {
    static let past = ReportPeriod(from: LocalDate(iso: "2023-04-01")!, to: LocalDate(iso: "2023-12-31")!)!
    static let form: [(String, String)] = [
        ("from-day", "1"), ("from-month", "4"), ("from-year", "2023"), ("to-day", "31"), ("to-month", "12"), ("to-year", "2023")
    ]

    /// Saves a report through its page; returns the saved report's path.
    static func save(_ client: TestClient, _ name: String, label: String, service: String = "") async throws -> String {
        let q = "from-day=1&from-month=4&from-year=2023&to-day=31&to-month=12&to-year=2023" + (service.isEmpty ? "" : "&service=\(service)")
        let page = try await client.get("/reports/\(name)?\(q)")
        #expect(page.body.contains("Save as submitted"), "\(name): a manager can save it")
        let res = try await client.post("/reports/\(name)/save", form + [("service", service), ("team", ""), ("label", label)])
        #expect(res.status == .seeOther, "\(name) saved")
        return try #require(res.headers.first(name: .location))
    }

    @Test(arguments: TestDatabase.all)
    func aSavedReportKeepsItsFiguresAndListsTheChangesSince(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, manager, board) = try await ReportAgreementTests.demo(app)
            var saved: [String: String] = [:]
            for d in ReportCatalogue.all { saved[d.name] = try await Self.save(manager, d.name, label: "Q3 return: \(d.title)") }
            for (name, path) in saved {
                let page = try await manager.get(path)
                #expect(page.status == .ok)
                #expect(page.body.contains("No figure has changed"), "\(name): nothing changed yet")
            }
            #expect(try await AuditRows.actions(app).contains("save_report"))
            let list = try await manager.get("/reports/saved")
            #expect(list.body.contains("Q3 return: First time entrants"))
            #expect(try await board.get("/reports/saved").status == .forbidden)
            #expect(try await board.post("/reports/first-time-entrants/save", Self.form + [("label", "x")]).status == .forbidden)
            // A missing name is refused, and nothing is saved.
            #expect(try await manager.post("/reports/first-time-entrants/save", Self.form + [("label", "")]).status == .badRequest)

            // New records arrive: a child with no entry before gets a youth caution in the period.
            struct C: Decodable { let id: UUID; let external_id: String? }
            let before = try await ReportRunner.run(
                FirstTimeEntrants.name, period: Self.past, serviceCode: DemoData.serviceCode, today: today, on: app.db)
            let entrants = Set(before.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }?.children ?? [])
            let children = try await app.db.sql.select().columns("id", "external_id").from("children").where(
                "date_of_birth", .lessThanOrEqual, SQLBind("2010-01-01")
            )
            .where("date_of_birth", .greaterThanOrEqual, SQLBind("2007-01-01")).all(decoding: C.self)
            let newcomer = try #require(
                children.first { c in
                    !entrants.contains(c.id.uuidString.lowercased())
                })
            struct O: Decodable { let n: Int }
            let hadEntry =
                try await app.db.sql.raw(
                    "SELECT COUNT(*) AS n FROM offences o JOIN outcome_types t ON t.code = o.outcome WHERE o.child_id = \(bind: newcomer.id) AND t.counts_as_entry = \(bind: true)"
                )
                .first(decoding: O.self)?.n ?? 0
            try await manager.get("/children/\(newcomer.id.uuidString.lowercased())/offences/new")
            let offence = try await manager.post(
                "/children/\(newcomer.id.uuidString.lowercased())/offences",
                [
                    ("offence-day", "1"), ("offence-month", "6"), ("offence-year", "2023"), ("category", "theft_and_handling"),
                    ("gravity", "2"),
                    ("outcome", "youth_caution"), ("outcome_date-day", "20"), ("outcome_date-month", "6"), ("outcome_date-year", "2023")
                ])
            #expect(offence.status == .seeOther)
            let after = try await ReportRunner.run(
                FirstTimeEntrants.name, period: Self.past, serviceCode: DemoData.serviceCode, today: today, on: app.db)
            let beforeCount = before.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }!.value
            let afterCount = after.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }!.value
            if hadEntry == 0 { #expect(afterCount == beforeCount + 1) }

            let fte = try await manager.get(saved[FirstTimeEntrants.name]!)
            // As submitted: the old figure, unchanged.
            #expect(fte.body.contains(">\(Int(beforeCount))<"))
            if afterCount != beforeCount {
                #expect(fte.body.contains("figures differ from what was submitted"))
                #expect(fte.body.contains(newcomer.external_id ?? newcomer.id.uuidString.lowercased()), "the child who came in is named")
                let csv = try await manager.get(saved[FirstTimeEntrants.name]! + "?format=csv")
                #expect(csv.body.contains("first_time_entrants,all,all,\(Int(beforeCount)),\(Int(afterCount)),"))
                #expect(try await AuditRows.actions(app).contains("view_saved_report_children"))
            }
            // The offence profile saved then did not count the new offence either.
            #expect(try await manager.get(saved["offence-profile"]!).body.contains("figures differ from what was submitted"))
        }
    }

    static func row(_ o: ReportRunner.Output, like r: ReportRow) -> ReportRow? {
        o.rows.first { $0.measure == r.measure && $0.breakdown == r.breakdown && $0.group == r.group }
    }

    /// A split re-attributes history on purpose: the new services' past figures add up to the old
    /// service's, while the old service's saved report still shows what it submitted.
    @Test(arguments: TestDatabase.all)
    func aSplitRedrawsHistoryWhileTheSavedReportKeepsWhatWasSubmitted(db: TestDatabase) async throws {
        try await withTestApp(db) { app in try await Self.split(app) }
    }

    static func split(_ app: Application) async throws {
        do {
            let (today, manager, _) = try await ReportAgreementTests.demo(app)
            var before: [String: ReportRunner.Output] = [:]
            var saved: [String: String] = [:]
            for d in ReportCatalogue.all {
                before[d.name] = try await ReportRunner.run(
                    d.name, period: Self.past, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                saved[d.name] = try await Self.save(manager, d.name, label: "Before the split: \(d.title)")
            }
            try await ReportAgreementTests.splitSouthgate(app)
            var moved = 0
            for d in ReportCatalogue.all {
                let old = before[d.name]!
                let rest = try await ReportRunner.run(
                    d.name, period: Self.past, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                let sg = try await ReportRunner.run(d.name, period: Self.past, serviceCode: "SG", today: today, on: app.db)
                // Every count of children or records: the two new footprints add up to the old one, child for child.
                for r in old.rows where r.children != nil && r.breakdown != "worker" && r.breakdown != "team" {
                    let together = Self.row(rest, like: r)?.recordsByChild ?? [:], other = Self.row(sg, like: r)?.recordsByChild ?? [:]
                    #expect(
                        together.merging(other, uniquingKeysWith: +) == r.recordsByChild, "\(d.name) \(r.measure) \(r.breakdown)=\(r.group)"
                    )
                    if (Self.row(sg, like: r)?.value ?? 0) > 0 { moved += 1 }
                }
                // The saved report: still what was submitted, and today's differences name the children who left.
                let page = try await manager.get(saved[d.name]!)
                #expect(page.status == .ok)
                for r in old.rows where r.breakdown == "all" {
                    #expect(page.body.contains(">\(r.formatted)<"), "\(d.name) \(r.measure) as submitted")
                }
            }
            #expect(moved > 10, "the split moved children out of many figures")
            let fte = try await manager.get(saved[FirstTimeEntrants.name]!)
            #expect(fte.body.contains("figures differ from what was submitted"))
            #expect(fte.body.contains("(DEMO, now SG)"), "the children who left are shown with the service holding them now")
        }
    }
}
