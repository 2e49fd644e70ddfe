import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Issue 19: on the demo data, the children-in-care report gives each figure of seed 001 (and the
/// rest of its definition) on the page, in its CSV and from the command, each count drillable to
/// exactly its children.
@Suite struct ChildrenInCareReportTests {
    @Test(arguments: TestDatabase.all)
    func theDemoGivesEveryFigureWithItsChildren(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let period = ReportPeriod(from: LocalDate(year: 2023, month: 4, day: 1)!, to: today)!
            let out = try await ReportRunner.run(ChildrenInCare.name, period: period, serviceCode: nil, today: today, on: app.db)
            func row(_ m: String, _ b: String = "all", _ g: String = "all") -> ReportRow? {
                out.rows.first { $0.measure == m && $0.breakdown == b && $0.group == g }
            }
            // Seed 001's figures: looked-after children open to the service as count and share, own
            // and placed here by others; care leavers; and the comparisons.
            for m in [
                "caseload", "looked_after", "own_looked_after", "care_leavers", "first_time_entrants", "informal_outcomes",
                "offences_in_placement", "children_with_exploitation_concerns", "nrm_referrals"
            ] {
                #expect((row(m)?.value ?? 0) > 0, Comment(rawValue: m))
            }
            for g in ["own_in_area", "own_out_of_area", "other_authority"] {
                #expect((row("looked_after", "placement", g)?.value ?? 0) > 0, Comment(rawValue: g))
            }
            let caseload = try #require(row("caseload")).value, looked = try #require(row("looked_after")).value
            #expect(row("looked_after_share")?.value == Rounding.round(looked * 100 / caseload, places: 1))
            #expect(row("informal_outcome_share") != nil && row("informal_outcome_share", "care", "looked_after") != nil)
            // A placement split adds up to the whole.
            let split = ["own_in_area", "own_out_of_area", "other_authority"].compactMap { row("looked_after", "placement", $0)?.value }
            #expect(split.reduce(0, +) == looked)

            // The page, its CSV and a drill-down, as a manager sees them.
            let m = TestClient(app)
            try await m.signIn(DemoData.email(for: .manager))
            let q = "from-day=1&from-month=4&from-year=2023&to-day=27&to-month=3&to-year=2024"
            let page = try await m.get("/reports/children-in-care?\(q)")
            #expect(page.status == .ok)
            #expect(page.body.contains("Children in care and care leavers"))
            #expect(page.body.contains("the Children (Leaving Care) Act 2000 test"))
            let csv = try await m.get("/reports/children-in-care?\(q)&format=csv")
            #expect(
                csv.body.contains(
                    "looked_after,placement,other_authority,\(Int(row("looked_after", "placement", "other_authority")!.value))\r\n"))
            for (measure, breakdown, group) in [
                ("looked_after", "placement", "own_out_of_area"), ("care_leavers", "all", "all"), ("offences_in_placement", "all", "all")
            ] {
                let figure = try #require(row(measure, breakdown, group))
                let list = try await m.get(
                    "/reports/children-in-care/children?\(q)&measure=\(measure)&breakdown=\(breakdown)&group=\(group)&format=csv")
                #expect(list.status == .ok, Comment(rawValue: measure))
                #expect(list.body.split(separator: "\r\n").count - 1 == figure.children?.count, Comment(rawValue: measure))
            }
            #expect(ReportRunner.available.contains("children-in-care"))
        }
    }
}
