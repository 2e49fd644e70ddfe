import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct ReportRunnerTests {
    @Test(arguments: TestDatabase.all)
    func theReportCommandShapeMatchesTheInterchangeContract(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await InterchangeTests.worker(app)
            guard case .imported = try await InterchangeTests.importAll(app) else { Issue.record("import failed"); return }
            let period = ReportPeriod(from: LocalDate(year: 2024, month: 1, day: 1)!, to: LocalDate(year: 2024, month: 12, day: 31)!)!
            let out = try await ReportRunner.run("first-time-entrants", period: period, serviceCode: "WF", on: app.db)
            #expect(out.services == ["WF"])
            #expect(out.json.hasPrefix(#"{"report": "first-time-entrants", "from": "2024-01-01", "to": "2024-12-31", "services": ["WF"],"#))
            #expect(
                out.json.contains(
                    #"{"measure": "first_time_entrants", "breakdown": "all", "group": "all", "value": 1, "children": ["C1"]}"#))
            #expect(
                out.json.contains(
                    #"{"measure": "first_time_entrants", "breakdown": "sex", "group": "male", "value": 1, "children": ["C1"]}"#))
            // WF population 2024: 1,200 + 1,150 = 2,350 → 1 × 100,000 ÷ 2,350 = 42.55… → 42.6, no children list.
            #expect(out.json.contains(#"{"measure": "fte_rate_per_100k", "breakdown": "all", "group": "all", "value": 42.6}"#))
            let json = try JSONSerialization.jsonObject(with: Data(out.json.utf8)) as? [String: Any]
            #expect((json?["rows"] as? [[String: Any]])?.isEmpty == false)
            let csv = String(decoding: out.csv, as: UTF8.self)
            #expect(csv.hasPrefix("\u{FEFF}measure,breakdown,group,value\r\nfirst_time_entrants,all,all,1\r\n"))
            #expect(csv.contains("fte_rate_per_100k,all,all,42.6\r\n"))
            await #expect(throws: ReportRunner.Failure.self) {
                try await ReportRunner.run("nonsense", period: period, serviceCode: nil, on: app.db)
            }
            await #expect(throws: ReportRunner.Failure.self) {
                try await ReportRunner.run("first-time-entrants", period: period, serviceCode: "NOPE", on: app.db)
            }
        }
    }
}
