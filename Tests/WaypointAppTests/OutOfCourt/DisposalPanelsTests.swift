import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Issue 19, seed 002: a joint panel decides two children's outcomes, which land in their legal
/// histories and start their work; a scrutiny panel samples decisions and records a finding; the
/// out-of-court-decisions report counts them.
@Suite struct DisposalPanelsTests {
    static func date(_ prefix: String, _ d: LocalDate) -> [(String, String)] {
        [("\(prefix)-day", String(d.day)), ("\(prefix)-month", String(d.month)), ("\(prefix)-year", String(d.year))]
    }

    @Test(arguments: TestDatabase.all)
    func aPanelDecidesTwoChildrenAndScrutinyRecordsAFinding(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let m = TestClient(app)
            try await m.signIn(DemoData.email(for: .manager))
            let list = try await m.get("/out-of-court-panels")
            #expect(list.status == .ok)
            #expect(list.body.contains("Record a panel"))

            // A panel needs the police and the youth justice members; what was typed stays.
            try await m.get("/out-of-court-panels/new")
            let bad = try await m.post(
                "/out-of-court-panels", Self.date("held_on", today) + [("place", "Town hall"), ("member_police", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Enter the police members of the panel"))
            #expect(bad.body.contains("Enter the youth justice service members of the panel"))
            #expect(bad.body.contains(#"value="Town hall""#))
            let made = try await m.post(
                "/out-of-court-panels",
                Self.date("held_on", today) + [
                    ("place", "Town hall"), ("member_police", "PS Fletcher"), ("member_youth_justice", "M Okafor"),
                    ("member_health", "J Grant")
                ])
            let panelPath = try #require(made.location?.components(separatedBy: "?").first)
            var page = try await m.get(panelPath)
            let options = TestClient.allMatches(#"<option value="([0-9a-f-]{36})""#, in: page.body)
            #expect(options.count >= 2, "the demo leaves offences waiting for a panel")
            struct O: Decodable { let child_id: UUID; let outcome: String }
            func offence(_ id: String) async throws -> O {
                try #require(
                    try await app.db.sql.select().columns("child_id", "outcome").from("offences").where(
                        "id", .equal, SQLBind(UUID(uuidString: id)!)
                    )
                    .first(decoding: O.self))
            }
            // A conditional caution needs its conditions.
            let noConditions = try await m.post(
                panelPath + "/decisions",
                [
                    ("offence_id", options[0]), ("screening", "First offence"), ("outcome", "youth_conditional_caution"),
                    ("rationale", "Harm")
                ])
            #expect(noConditions.status == .unprocessableEntity)
            #expect(noConditions.body.contains("Enter the conditions of the youth conditional caution"))
            #expect(noConditions.body.contains("First offence"))
            let first = try await m.post(
                panelPath + "/decisions",
                [
                    ("offence_id", options[0]), ("screening", "First offence"), ("outcome", "youth_conditional_caution"),
                    ("rationale", "Harm"),
                    ("conditions", "Six sessions")
                ])
            #expect(first.status == .seeOther)
            let second = try await m.post(
                panelPath + "/decisions",
                [
                    ("offence_id", options[1]), ("screening", "Pressured by older friends"), ("outcome", "outcome_22"),
                    ("rationale", "Support")
                ])
            #expect(second.status == .seeOther)
            // Deciding the same offence again is refused: it is no longer pending.
            let again = try await m.post(
                panelPath + "/decisions",
                [("offence_id", options[1]), ("screening", "x"), ("outcome", "outcome_22"), ("rationale", "x")])
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.contains("it may have been decided already"))

            // Both legal histories show it, and each child's work started the day of the panel.
            for (id, outcome, type) in [
                (options[0], "youth_conditional_caution", "youth_conditional_caution"), (options[1], "outcome_22", "outcome_22")
            ] {
                let o = try await offence(id)
                #expect(o.outcome == outcome)
                let child = try await m.get("/children/\(o.child_id.uuidString.lowercased())")
                #expect(child.body.contains(outcome == "outcome_22" ? "Outcome 22" : "Youth conditional caution, 27 March 2024"))
                struct I: Decodable { let type: String; let start_date: String }
                let work = try await app.db.sql.select().columns("type", "start_date").from("interventions")
                    .where("child_id", .equal, SQLBind(o.child_id)).all(decoding: I.self)
                #expect(work.contains { $0.type == type && $0.start_date == today.iso })
            }
            page = try await m.get(panelPath)
            #expect(page.body.contains("Six sessions"))
            let actions = try await AuditRows.actions(app)
            #expect(actions.filter { $0 == "panel_decision" }.count >= 2)
            #expect(actions.contains("view_panel_decision"))

            // Scrutiny: a sample of the decisions of the last three months, and a finding on one.
            try await m.get("/scrutiny-panels/new")
            let none = try await m.post(
                "/scrutiny-panels",
                Self.date("held_on", today) + Self.date("from", LocalDate(year: 2020, month: 1, day: 1)!)
                    + Self.date("to", LocalDate(year: 2020, month: 2, day: 1)!) + [("sample_size", "3")])
            #expect(none.body.contains("No panel decided anything between these dates"))
            let drawn = try await m.post(
                "/scrutiny-panels",
                Self.date("held_on", today) + Self.date("from", today.adding(days: -90)) + Self.date("to", today) + [("sample_size", "3")])
            let scrutinyPath = try #require(drawn.location)
            let sample = try await m.get(scrutinyPath)
            let reviews = TestClient.allMatches(#"href="(/scrutiny-panels/[0-9a-f-]+/decisions/[0-9a-f-]+)""#, in: sample.body)
            #expect(reviews.count == 3)
            _ = try await m.get(reviews[0])
            let missing = try await m.post(reviews[0], [("finding", "not_appropriate")])
            #expect(missing.body.contains("Enter the learning from this decision"))
            #expect(
                try await m.post(reviews[0], [("finding", "not_appropriate"), ("learning", "Screen for exploitation")]).status == .seeOther)
            #expect(try await m.get(scrutinyPath).body.contains("Not appropriate"))

            // The report counts both decisions of today's panel and the finding.
            let out = try await ReportRunner.run(
                OutOfCourtDecisions.name, period: ReportPeriod(from: today, to: today)!, serviceCode: nil, today: today, on: app.db)
            #expect(out.rows.first { $0.measure == "decisions" && $0.breakdown == "all" }?.value == 2)
            #expect(out.rows.first { $0.measure == "decisions" && $0.group == "outcome_22" }?.value == 1)
            #expect(out.rows.first { $0.measure == "scrutiny_findings" && $0.group == "not_appropriate" }?.value == 1)
            #expect(out.rows.contains { $0.measure == "median_working_days_offence_to_decision" })

            // Nobody but a manager reaches any of it.
            for role in [Role.practitioner, .analyst, .board, .volunteer, .victimWorker, .admin] {
                let c = TestClient(app)
                try await c.signIn(DemoData.email(for: role))
                for path in ["/out-of-court-panels", panelPath, scrutinyPath, reviews[0]] {
                    #expect(try await c.get(path).status == .forbidden, "\(role.rawValue) \(path)")
                }
            }
        }
    }
}
