import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// KPI 7: a manager records a board meeting with attendance by agency; the KPI report counts it.
@Suite struct BoardMeetingsTests {
    static func answers(_ rows: [(BoardAgency, String, String, String)]) -> [(String, String)] {
        rows.flatMap { a, attended, senior, data in
            [("attended-\(a.rawValue)", attended), ("senior-\(a.rawValue)", senior), ("data-\(a.rawValue)", data)]
        }
    }

    @Test(arguments: TestDatabase.all)
    func aManagerRecordsAMeetingAndTheKPIReportCountsIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            for role in [Role.manager, .board, .practitioner] { try await Fixtures.user(app, role, services: [s]) }
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            var page = try await manager.get("/board-meetings")
            #expect(page.body.contains("No board meetings are recorded yet."))
            // Nothing given: every question is asked again, nothing is written.
            page = try await manager.post(
                "/board-meetings", [("held_on-day", "14"), ("held_on-month", "3"), ("held_on-year", "2024"), ("notes", "Quarterly board")])
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("Select whether police attended"))
            #expect(page.body.contains("Select whether education contributed its data"))
            #expect(page.body.contains("Quarterly board"), "what was typed is kept")
            #expect(page.body.contains(#"value="14""#))
            // A partner that did not attend cannot have been there at a senior level.
            var fields = [("held_on-day", "14"), ("held_on-month", "3"), ("held_on-year", "2024"), ("notes", "Quarterly board")]
            fields += Self.answers([
                (.childrensSocialCare, "yes", "yes", "yes"), (.education, "yes", "no", "yes"), (.health, "no", "yes", "no"),
                (.police, "yes", "yes", "no"), (.probation, "no", "", "no")
            ])
            page = try await manager.post("/board-meetings", fields)
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("Health did not attend, so it cannot have been represented at a senior level"))
            #expect(try await manager.get("/board-meetings").body.contains("No board meetings are recorded yet."))
            fields = fields.map { $0.0 == "senior-health" ? ($0.0, "no") : $0 }
            page = try await manager.post("/board-meetings", fields)
            #expect(page.status == .seeOther)
            page = try await manager.get("/board-meetings?saved=created")
            #expect(page.body.contains("Board meeting recorded"))
            #expect(page.body.contains("14 March 2024"))
            #expect(page.body.contains("3 of 5"), "three agencies attended")
            // The KPI report for the quarter: one meeting; police attended it (100%), health did not (0%).
            let out = try await ReportRunner.run(
                "kpis", period: ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-03-31")!)!,
                serviceCode: "WF", on: app.db)
            func value(_ m: String, _ g: String = "all") -> Double? { out.rows.first { $0.measure == m && $0.group == g }?.value }
            #expect(value("kpi7_board_meetings") == 1)
            #expect(value("kpi7_attendance_share", "police") == 100)
            #expect(value("kpi7_attendance_share", "health") == 0)
            #expect(value("kpi7_senior_attendance_share", "education") == 0)
            #expect(value("kpi7_data_contributed_share", "childrens_social_care") == 100)
            // The next quarter has none, and says so.
            let later = try await ReportRunner.run(
                "kpis", period: ReportPeriod(from: LocalDate(iso: "2024-04-01")!, to: LocalDate(iso: "2024-06-30")!)!,
                serviceCode: "WF", on: app.db)
            #expect(!later.rows.contains { $0.measure.hasPrefix("kpi7") })
            #expect(later.notes.contains { $0.contains("no management board meetings are recorded") })
            // The board sees the meetings but records none; a practitioner sees neither.
            let board = TestClient(app)
            try await board.signIn("board@test.waypoint.test")
            #expect(try await board.get("/board-meetings").body.contains("14 March 2024"))
            #expect(try await board.get("/board-meetings/new").status == .forbidden)
            #expect(try await board.post("/board-meetings", fields).status == .forbidden)
            let practitioner = TestClient(app)
            try await practitioner.signIn("practitioner@test.waypoint.test")
            #expect(try await practitioner.get("/board-meetings").status == .forbidden)
        }
    }
}
