import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct AssessmentRoutesTests {
    @Test(arguments: TestDatabase.all)
    func draftSubmitReturnResubmitSignOffAndTheDueItemIsDone(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let journey = JourneyRoutesTests()
            let w = try await journey.world(app)
            let child = try await Fixtures.addChild(w.manager, given: "Assessed", family: "Child")
            let referral = try await journey.recordReferral(w.manager, child: child)
            let screened = try await journey.screen(
                w.manager, referral, [("decision", "accepted"), ("intervention_type", "prevention"), ("decision_reasons", "ok")])
            let i = try #require(journey.idFrom(screened.location, after: "/interventions/")).uuidString.lowercased()
            try await w.manager.get("/interventions/\(i)/allocate")
            #expect(
                try await w.manager.post("/interventions/\(i)/allocate", [("case_manager", w.practitionerUser.id!.uuidString)]).status
                    == .seeOther)
            #expect(try await w.practitioner.get("/my-work").body.contains("Assessment and plan: due 12 April 2024"))
            let childPage = "/children/\(child.uuidString.lowercased())"
            #expect(try await w.practitioner.get(childPage).body.contains("Assessment and plan: due 12 April 2024"))

            let form = try await w.practitioner.get("/interventions/\(i)/assessments/new")
            #expect(form.body.contains(#"<option value="prevention_diversion" selected>"#))
            let created = try await w.practitioner.post(
                "/interventions/\(i)/assessments",
                [
                    ("type", "prevention_diversion"), ("stage", "start"),
                    ("personal_family_social", "Lives with nan")
                ])
            let a = try #require(journey.idFrom(created.location, after: "/assessments/")).uuidString.lowercased()
            var page = try await w.practitioner.get("/assessments/\(a)")
            #expect(page.body.contains("Lives with nan"))
            let version = try #require(TestClient.firstMatch(#"name="version" value="(\d+)""#, in: page.body))
            // Submitting an incomplete assessment is refused, keeping what was typed.
            let early = try await w.practitioner.post(
                "/assessments/\(a)",
                [
                    ("version", version), ("action", "submit"), ("type", "prevention_diversion"),
                    ("stage", "start"), ("personal_family_social", "Lives with nan"), ("child_views", "I like boxing")
                ])
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.contains("Complete ‘Explanations and conclusions’ before submitting"))
            #expect(early.body.contains("I like boxing"))
            clock.advance(minutes: 60 * 24 * 15)  // 11 April 2024: both sessions have timed out
            try await w.practitioner.signIn("practitioner@test.waypoint.test")
            try await w.manager.signIn("manager@test.waypoint.test")
            try await w.practitioner.get("/assessments/\(a)")
            let full: [(String, String)] = [
                ("type", "prevention_diversion"), ("stage", "start"), ("personal_family_social", "Lives with nan"),
                ("explanations_conclusions", "Peer influence"), ("pathways_planning", "Boxing club, school support"),
                ("child_views", "I like boxing"), ("likelihood_of_reoffending", "low"), ("safety_and_wellbeing", "medium")
            ]
            #expect(
                try await w.practitioner.post("/assessments/\(a)", [("version", version), ("action", "submit")] + full).status == .seeOther)
            // A practitioner cannot sign off; the manager returns it with comments.
            #expect(try await w.practitioner.post("/assessments/\(a)/sign-off", [("decision", "sign_off")]).status == .forbidden)
            try await w.manager.get("/assessments/\(a)")
            let noComment = try await w.manager.post("/assessments/\(a)/sign-off", [("decision", "return")])
            #expect(noComment.body.contains("Say what needs to change"))
            #expect(
                try await w.manager.post("/assessments/\(a)/sign-off", [("decision", "return"), ("comments", "Add the parent's views")])
                    .status == .seeOther)
            page = try await w.practitioner.get("/assessments/\(a)")
            #expect(page.body.contains("Returned by the manager: </strong>Add the parent&#39;s views"))
            let v2 = try #require(TestClient.firstMatch(#"name="version" value="(\d+)""#, in: page.body))
            #expect(
                try await w.practitioner.post(
                    "/assessments/\(a)", [("version", v2), ("action", "submit"), ("parent_views", "Nan is relieved")] + full
                ).status == .seeOther)
            try await w.manager.get("/assessments/\(a)")
            #expect(try await w.manager.post("/assessments/\(a)/sign-off", [("decision", "sign_off")]).status == .seeOther)
            let done = try await w.manager.get("/assessments/\(a)")
            #expect(done.body.contains("Signed off"))
            #expect(done.body.contains("11 April 2024 by Priya Shah"))  // completed when first submitted…
            #expect(done.body.contains(">On time<"))  // …before the 12 April deadline
            // The deadline is met: it leaves My work.
            #expect(!(try await w.practitioner.get("/my-work")).body.contains("Assessment and plan: due"))
            // …and from the child's page, which learns it from the child's practice records.
            let after = try await w.practitioner.get(childPage).body
            #expect(after.contains("Current work and what is due") && !after.contains("Assessment and plan: due"))
            let actions = try await AuditRows.actions(app)
            for x in ["create_assessment", "submit_assessment", "return_assessment", "sign_off_assessment"] {
                #expect(actions.contains(x), "\(x)")
            }
        }
    }
}
