import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// The pinned today is Wednesday 27 March 2024: Good Friday (29 March), the weekend and Easter
/// Monday (1 April) fall inside the next ten working days.
@Suite struct JourneyRoutesTests {
    init() {}
    struct World {
        let app: Application
        let service: Service
        let manager: TestClient
        let practitioner: TestClient
        let practitionerUser: User
    }

    func world(_ app: Application) async throws -> World {
        let s = try await Fixtures.service(app)
        try await Fixtures.user(app, .manager, name: "Martin Okafor", services: [s])
        let p = try await Fixtures.user(app, .practitioner, name: "Priya Shah", services: [s])
        let manager = TestClient(app)
        try await manager.signIn("manager@test.waypoint.test")
        let practitioner = TestClient(app)
        try await practitioner.signIn("practitioner@test.waypoint.test")
        return World(app: app, service: s, manager: manager, practitioner: practitioner, practitionerUser: p)
    }

    func idFrom(_ location: String?, after prefix: String) -> UUID? {
        guard let l = location, l.hasPrefix(prefix) else { return nil }
        return UUID(uuidString: String(l.dropFirst(prefix.count).prefix(36)))
    }

    func recordReferral(_ client: TestClient, child: UUID, source: String = "police", received: (Int, Int, Int) = (25, 3, 2024))
        async throws -> UUID
    {
        let c = child.uuidString.lowercased()
        try await client.get("/children/\(c)/referrals/new")
        let res = try await client.post(
            "/children/\(c)/referrals",
            [
                ("source", source), ("referrer_name", "PC Jones"), ("referrer_organisation", "Neighbourhood policing"),
                ("received-day", String(received.0)), ("received-month", String(received.1)), ("received-year", String(received.2)),
                ("reasons", "Found with older boys near the station; worries about exploitation"), ("consent", "given"),
                ("police_reference", "CR-2024-0412")
            ])
        guard let id = idFrom(res.location, after: "/referrals/") else {
            throw TestFailure("referral not recorded: \(res.status) \(res.body.prefix(1500))")
        }
        return id
    }

    func screen(_ client: TestClient, _ referral: UUID, _ fields: [(String, String)]) async throws -> TestClient.Page {
        let r = referral.uuidString.lowercased()
        try await client.get("/referrals/\(r)")
        return try await client.post(
            "/referrals/\(r)/screening", fields + [("decided-day", "27"), ("decided-month", "3"), ("decided-year", "2024")])
    }

    @Test(arguments: TestDatabase.all)
    func referralScreenedInAllocatedAndSeenOnMyWorkWithTheDueDate(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let child = try await Fixtures.addChild(w.manager, given: "Kai", family: "Mensah", dob: (2, 2, 2010))
            let referral = try await recordReferral(w.manager, child: child)
            let queue = try await w.manager.get("/referrals")
            #expect(queue.body.contains("Kai Mensah"))
            #expect(queue.body.contains("2 working days"))  // 25 → 27 March

            let screened = try await screen(
                w.manager, referral,
                [
                    ("decision", "accepted"), ("intervention_type", "prevention"),
                    ("decision_reasons", "Early signs of exploitation; family want help")
                ])
            #expect(screened.status == .seeOther)
            let intervention = try #require(idFrom(screened.location, after: "/interventions/"))
            let i = intervention.uuidString.lowercased()

            let form = try await w.manager.get("/interventions/\(i)/allocate")
            #expect(form.body.contains("Priya Shah — 0 children"))
            #expect(form.body.contains("due 10 working days after allocation"))
            let allocated = try await w.manager.post(
                "/interventions/\(i)/allocate", [("case_manager", w.practitionerUser.id!.uuidString), ("co_worker", "")])
            #expect(allocated.location == "/interventions/\(i)?saved=allocated")

            let myWork = try await w.practitioner.get("/my-work")
            #expect(myWork.status == .ok)
            #expect(myWork.body.contains("Kai Mensah"))
            #expect(myWork.body.contains(">New<"))
            #expect(myWork.body.contains("Assessment and plan: due 12 April 2024 (10 working days left)"))
            #expect(!(try await w.manager.get("/referrals")).body.contains("Kai Mensah"))

            // Opening the child's record marks the work as seen.
            let record = try await w.practitioner.get("/children/\(child.uuidString.lowercased())")
            #expect(record.body.contains("Current work and what is due"))
            #expect(record.body.contains("worker: Priya Shah"))
            #expect(!(try await w.practitioner.get("/my-work")).body.contains(">New<"))

            let referralPage = try await w.manager.get("/referrals/\(referral.uuidString.lowercased())")
            #expect(referralPage.body.contains("Accepted"))
            #expect(referralPage.body.contains("by Martin Okafor"))
            #expect(referralPage.body.contains("Early signs of exploitation"))
            let audits = try await AuditRows.actions(app)
            #expect(audits.contains("screen_referral") && audits.contains("allocate_intervention"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func screeningOutRecordsTheDestinationAndTheChildIsInNoCaseload(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let child = try await Fixtures.addChild(w.manager, given: "Ruby", family: "Clarke", dob: (9, 9, 2011))
            let referral = try await recordReferral(w.manager, child: child, source: "school")
            let bad = try await screen(w.manager, referral, [("decision", "screened_out"), ("decision_reasons", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Select the service the child is referred on to"))
            #expect(bad.body.contains("Enter the reasons for the decision"))
            let res = try await screen(
                w.manager, referral,
                [
                    ("decision", "screened_out"), ("destination", "early_help"),
                    ("destination_service", "Northbrook family hub"), ("decision_reasons", "Family support need, no offending")
                ])
            #expect(res.location == "/referrals/\(referral.uuidString.lowercased())?saved=screened")
            let page = try await w.manager.get(res.location!)
            #expect(page.body.contains("Screened out to another service"))
            #expect(page.body.contains("Early help or family hub: Northbrook family hub"))
            #expect(page.body.contains("Family support need, no offending"))
            struct N: Decodable { let n: Int }
            let interventions = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM interventions").first(decoding: N.self)?.n
            #expect(interventions == 0)
            #expect(!(try await w.practitioner.get("/my-work")).body.contains("Ruby"))
            let service = try await w.manager.get("/service")
            #expect(!service.body.contains("Ruby"))
            #expect(service.body.contains("Every open intervention is allocated"))
            // A decided referral cannot be screened again.
            #expect(
                try await screen(w.manager, referral, [("decision", "no_further_action"), ("decision_reasons", "x")]).status == .conflict)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPractitionerCannotScreenOrAllocate(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let child = try await Fixtures.addChild(w.practitioner, given: "Leo", family: "Ward")
            let referral = try await recordReferral(w.practitioner, child: child)  // practitioners may record referrals
            let page = try await w.practitioner.get("/referrals/\(referral.uuidString.lowercased())")
            #expect(page.body.contains("A manager will screen this referral"))
            #expect(!page.body.contains("Record decision"))
            let attempt = try await w.practitioner.post(
                "/referrals/\(referral.uuidString.lowercased())/screening",
                [
                    ("decision", "accepted"), ("intervention_type", "prevention"), ("decision_reasons", "x"),
                    ("decided-day", "27"), ("decided-month", "3"), ("decided-year", "2024")
                ])
            #expect(attempt.status == .forbidden)
            #expect(try await w.practitioner.get("/referrals").status == .forbidden)
            #expect(try await w.practitioner.get("/service").status == .forbidden)
            let screened = try await screen(
                w.manager, referral, [("decision", "accepted"), ("intervention_type", "turnaround"), ("decision_reasons", "ok")])
            let i = try #require(idFrom(screened.location, after: "/interventions/")).uuidString.lowercased()
            #expect(try await w.practitioner.get("/interventions/\(i)/allocate").status == .forbidden)
            #expect(
                try await w.practitioner.post("/interventions/\(i)/allocate", [("case_manager", w.practitionerUser.id!.uuidString)]).status
                    == .forbidden)
            #expect(try await w.practitioner.post("/interventions/\(i)/close", [("closure_reason", "completed")]).status == .forbidden)
            #expect(try await w.practitioner.get("/children/\(child.uuidString.lowercased())/interventions/new").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPractitionerSeesOnlyTheirOwnAndTheirTeamsChildren(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let colleague = try await Fixtures.user(
                app, .practitioner, email: "colleague@test.waypoint.test", name: "Colin Team", services: [w.service])
            let other = try await Fixtures.user(
                app, .practitioner, email: "other@test.waypoint.test", name: "Olive Other", services: [w.service])
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            let servicePath = "/admin/services/\(w.service.id!.uuidString.lowercased())"
            try await admin.get(servicePath)
            #expect(try await admin.post(servicePath + "/teams", [("team_name", "North team")]).status == .seeOther)
            #expect(try await admin.post(servicePath + "/teams", [("team_name", "South team")]).status == .seeOther)
            struct T: Decodable { let id: UUID; let name: String }
            let teams = try await app.db.sql.raw("SELECT id, name FROM teams").all(decoding: T.self)
            let north = teams.first { $0.name == "North team" }!.id, south = teams.first { $0.name == "South team" }!.id
            for (user, team) in [(w.practitionerUser, north), (colleague, north), (other, south)] {
                let path = "/admin/users/\(user.id!.uuidString.lowercased())"
                try await admin.get(path)
                let r = try await admin.post(
                    path,
                    [("name", user.name), ("role", "practitioner"), ("services[]", w.service.id!.uuidString), ("team", team.uuidString)])
                #expect(r.status == .seeOther)
            }
            for (given, worker) in [("Mine", w.practitionerUser), ("Teams", colleague), ("Others", other)] {
                let child = try await Fixtures.addChild(w.manager, given: given, family: "Child")
                let referral = try await recordReferral(w.manager, child: child)
                let screened = try await screen(
                    w.manager, referral, [("decision", "accepted"), ("intervention_type", "prevention"), ("decision_reasons", "ok")])
                let i = try #require(idFrom(screened.location, after: "/interventions/")).uuidString.lowercased()
                try await w.manager.get("/interventions/\(i)/allocate")
                #expect(
                    try await w.manager.post("/interventions/\(i)/allocate", [("case_manager", worker.id!.uuidString)]).status == .seeOther)
            }
            let page = try await w.practitioner.get("/my-work")
            #expect(page.body.contains("Mine Child"))
            #expect(page.body.contains("North team: colleagues&#39; children"))
            #expect(page.body.contains("Teams Child"))
            #expect(page.body.contains("Colin Team"))
            #expect(!page.body.contains("Others Child"))
            // The manager's service view sees every caseload.
            let service = try await w.manager.get("/service")
            for name in ["Priya Shah", "Colin Team", "Olive Other"] { #expect(service.body.contains(name)) }
        }
    }

    @Test(arguments: TestDatabase.all)
    func allocatingPastTheCapWarnsAndNeedsConfirmation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            let servicePath = "/admin/services/\(w.service.id!.uuidString.lowercased())"
            try await admin.get(servicePath)
            let bad = try await admin.post(
                servicePath,
                [("caseload_cap", "0"), ("assessment_working_days", "10"), ("initial_panel_working_days", "20"), ("review_months", "3")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Caseload cap must be a whole number from 1 to 200"))
            #expect(
                try await admin.post(
                    servicePath,
                    [("caseload_cap", "1"), ("assessment_working_days", "5"), ("initial_panel_working_days", "20"), ("review_months", "3")]
                ).status == .seeOther)

            var interventions: [String] = []
            for given in ["First", "Second"] {
                let child = try await Fixtures.addChild(w.manager, given: given, family: "Child")
                let referral = try await recordReferral(w.manager, child: child)
                let screened = try await screen(
                    w.manager, referral, [("decision", "accepted"), ("intervention_type", "diversion"), ("decision_reasons", "ok")])
                interventions.append(try #require(idFrom(screened.location, after: "/interventions/")).uuidString.lowercased())
            }
            try await w.manager.get("/interventions/\(interventions[0])/allocate")
            #expect(
                try await w.manager.post(
                    "/interventions/\(interventions[0])/allocate", [("case_manager", w.practitionerUser.id!.uuidString)]
                ).status == .seeOther)
            let second = try await w.manager.get("/interventions/\(interventions[1])/allocate")
            #expect(second.body.contains("Priya Shah — 1 child (at or past the cap)"))
            let warned = try await w.manager.post(
                "/interventions/\(interventions[1])/allocate", [("case_manager", w.practitionerUser.id!.uuidString)])
            #expect(warned.status == .unprocessableEntity)
            #expect(warned.body.contains("This takes the worker past the caseload cap"))
            #expect(warned.body.contains("Priya Shah already has 1 children, and the service&#39;s cap is 1"))
            let confirmed = try await w.manager.post(
                "/interventions/\(interventions[1])/allocate",
                [("case_manager", w.practitionerUser.id!.uuidString), ("confirm_over_cap", "yes")])
            #expect(confirmed.status == .seeOther)
            let page = try await w.manager.get("/interventions/\(interventions[1])")
            #expect(page.body.contains("Yes, confirmed"))
            // The service's own timescale (5 working days) sets the due date: 27 March + 5, skipping Easter = 5 April.
            #expect(page.body.contains("Assessment and plan: due 5 April 2024"))
            let service = try await w.manager.get("/service")
            #expect(service.body.contains("Over cap"))
            // Reallocation keeps the history.
            try await Fixtures.user(app, .manager, email: "m2@test.waypoint.test", name: "Second Manager", services: [w.service])
            let m2 = try await User.query(on: app.db).filter(\.$email == "m2@test.waypoint.test").first()!
            try await w.manager.get("/interventions/\(interventions[1])/allocate")
            #expect(
                try await w.manager.post(
                    "/interventions/\(interventions[1])/allocate", [("case_manager", m2.id!.uuidString), ("confirm_over_cap", "yes")]
                ).status == .seeOther)
            let history = try await w.manager.get("/interventions/\(interventions[1])")
            #expect(history.body.contains("Second Manager"))
            #expect(
                TestClient.allMatches(#"<tr class="table__row"><th scope="row" class="table__header">([^<]+)</th>"#, in: history.body).count
                    == 2)
        }
    }

    /// An administrator corrects an outcome code's attributes (kept consistent) and retires it:
    /// first time entrants follow its disposal group, and a retired code is not offered.
    @Test(arguments: TestDatabase.all)
    func outcomeCodesAreCorrectedConsistentlyAndRetired(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            try await admin.get("/admin/outcomes")
            // A new entry code must say its disposal group, and may not contradict itself.
            let contradictory = try await admin.post(
                "/admin/outcomes",
                [
                    ("code", "youth_diversion_order"), ("label", "Youth diversion order"), ("tier", "pre_court"),
                    ("counts_as_entry", "no"), ("conviction", "no"), ("custodial", "yes"), ("disposal_group", "youth_caution")
                ])
            #expect(contradictory.status == .unprocessableEntity)
            #expect(contradictory.body.contains("A custodial outcome is a conviction"))
            #expect(contradictory.body.contains("An outcome that does not count as an entry has no disposal group"))
            #expect(contradictory.body.contains("value=\"Youth diversion order\""), "the form keeps what was typed")
            #expect(
                try await admin.post(
                    "/admin/outcomes",
                    [
                        ("code", "youth_diversion_order"), ("label", "Youth diversion order"), ("tier", "pre_court"),
                        ("counts_as_entry", "yes"), ("conviction", "no"), ("custodial", "no"),
                        ("disposal_group", "youth_conditional_caution")
                    ]
                ).status == .seeOther)
            let child = try await Fixtures.addChild(w.practitioner, given: "Tyler", family: "Lovell")
            let c = child.uuidString.lowercased()
            try await w.practitioner.get("/children/\(c)/offences/new")
            #expect(
                try await w.practitioner.post(
                    "/children/\(c)/offences",
                    [
                        ("offence-day", "10"), ("offence-month", "2"), ("offence-year", "2024"),
                        ("category", "robbery"), ("gravity", "2"), ("outcome", "youth_diversion_order"),
                        ("outcome_date-day", "20"), ("outcome_date-month", "2"), ("outcome_date-year", "2024")
                    ]
                ).status == .seeOther)
            let q1 = ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-03-31")!)!
            func group(_ g: String) async throws -> Double? {
                try await ReportRunner.run(FirstTimeEntrants.name, period: q1, serviceCode: w.service.code, on: app.db).rows
                    .first { $0.measure == "first_time_entrants" && $0.breakdown == "disposal" && $0.group == g }?.value
            }
            #expect(try await group("youth_conditional_caution") == 1, "the code's own group, not youth caution")
            #expect(try await group("youth_caution") == nil)
            // Corrected: the same record is now counted in the group the administrator chose.
            let page = try await admin.get("/admin/outcomes/youth_diversion_order")
            #expect(page.status == .ok)
            let bad = try await admin.post(
                "/admin/outcomes/youth_diversion_order",
                [
                    ("label", "Youth diversion order"), ("tier", "pre_court"), ("counts_as_entry", "yes"),
                    ("conviction", "no"), ("custodial", "no"), ("disposal_group", "court"), ("retired", "no")
                ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Only a conviction is in the court group"))
            let saved = try await admin.post(
                "/admin/outcomes/youth_diversion_order",
                [
                    ("label", "Youth diversion order"), ("tier", "pre_court"), ("counts_as_entry", "yes"),
                    ("conviction", "no"), ("custodial", "no"), ("disposal_group", "youth_caution"), ("retired", "yes")
                ])
            #expect(saved.status == .seeOther)
            #expect(try await group("youth_caution") == 1)
            #expect(try await AuditRows.actions(app).contains("edit_outcome_type"))
            // Retired: not offered for a new offence, and refused if posted; the past record keeps it.
            #expect(!(try await w.practitioner.get("/children/\(c)/offences/new").body.contains("Youth diversion order")))
            #expect(
                try await w.practitioner.post(
                    "/children/\(c)/offences",
                    [
                        ("offence-day", "11"), ("offence-month", "2"), ("offence-year", "2024"),
                        ("category", "robbery"), ("gravity", "2"), ("outcome", "youth_diversion_order"),
                        ("outcome_date-day", "20"), ("outcome_date-month", "2"), ("outcome_date-year", "2024")
                    ]
                ).status == .unprocessableEntity)
            #expect(try await w.practitioner.get("/children/\(c)").body.contains("Youth diversion order"))
            #expect(try await admin.get("/admin/outcomes/no_such_code").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func offencesUseOutcomeReferenceDataAndTheLegalHistoryIsInDateOrder(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            try await admin.get("/admin/outcomes")
            let added = try await admin.post(
                "/admin/outcomes",
                [
                    ("code", "youth_diversion_order"), ("label", "Youth diversion order"), ("tier", "pre_court"),
                    ("counts_as_entry", "no"), ("conviction", "no"), ("custodial", "no"), ("disposal_group", "none")
                ])
            #expect(added.status == .seeOther)
            #expect(try await AuditRows.actions(app).contains("add_outcome_type"))

            let child = try await Fixtures.addChild(w.practitioner, given: "Tyler", family: "Lovell")
            let c = child.uuidString.lowercased()
            let form = try await w.practitioner.get("/children/\(c)/offences/new")
            #expect(form.body.contains("Youth diversion order"))
            let bad = try await w.practitioner.post(
                "/children/\(c)/offences",
                [
                    ("offence-day", "10"), ("offence-month", "2"), ("offence-year", "2024"),
                    ("category", ""), ("outcome", "youth_caution")
                ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Select the offence category"))
            #expect(bad.body.contains("Enter the date of the outcome"))
            for (day, month, category, outcome, od) in [
                ("10", "2", "robbery", "youth_diversion_order", ("20", "2")),
                ("5", "1", "criminal_damage", "community_resolution", ("15", "1"))
            ] {
                let r = try await w.practitioner.post(
                    "/children/\(c)/offences",
                    [
                        ("offence-day", day), ("offence-month", month), ("offence-year", "2024"),
                        ("category", category), ("gravity", "2"), ("outcome", outcome),
                        ("outcome_date-day", od.0), ("outcome_date-month", od.1), ("outcome_date-year", "2024")
                    ])
                #expect(r.status == .seeOther)
            }
            try await w.practitioner.get("/children/\(c)/hearings/new")
            #expect(
                try await w.practitioner.post(
                    "/children/\(c)/hearings",
                    [
                        ("hearing-day", "1"), ("hearing-month", "2"), ("hearing-year", "2024"),
                        ("court", "Northbrook Youth Court"), ("result", "Adjourned for reports")
                    ]
                ).status == .seeOther)
            let record = try await w.practitioner.get("/children/\(c)")
            let damage = try #require(record.body.range(of: "Offence: Criminal damage"))
            let hearing = try #require(record.body.range(of: "Court hearing: Northbrook Youth Court"))
            let robbery = try #require(record.body.range(of: "Offence: Robbery"))
            #expect(damage.lowerBound < hearing.lowerBound && hearing.lowerBound < robbery.lowerBound)
            #expect(record.body.contains("Youth diversion order, 20 February 2024"))
            // The child comes first, the legal history after the current work.
            #expect(
                record.body.range(of: "What matters to Tyler")!.lowerBound
                    < record.body.range(of: "Current work and what is due")!.lowerBound)
            #expect(record.body.range(of: "Current work and what is due")!.lowerBound < record.body.range(of: "Legal history")!.lowerBound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anAddedBankHolidayMovesTheDueDate(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            try await admin.get("/admin/bank-holidays")
            let weekend = try await admin.post(
                "/admin/bank-holidays", [("holiday-day", "6"), ("holiday-month", "4"), ("holiday-year", "2024"), ("title", "x")])
            #expect(weekend.body.contains("is a weekend"))
            let dup = try await admin.post(
                "/admin/bank-holidays", [("holiday-day", "1"), ("holiday-month", "4"), ("holiday-year", "2024"), ("title", "x")])
            #expect(dup.body.contains("is already a bank holiday"))
            #expect(
                try await admin.post(
                    "/admin/bank-holidays", [("holiday-day", "10"), ("holiday-month", "4"), ("holiday-year", "2024"), ("title", "Test day")]
                ).status == .seeOther)
            let child = try await Fixtures.addChild(w.manager, given: "Noah", family: "Price")
            let referral = try await recordReferral(w.manager, child: child)
            let screened = try await screen(
                w.manager, referral, [("decision", "accepted"), ("intervention_type", "prevention"), ("decision_reasons", "ok")])
            let i = try #require(idFrom(screened.location, after: "/interventions/")).uuidString.lowercased()
            try await w.manager.get("/interventions/\(i)/allocate")
            #expect(
                try await w.manager.post("/interventions/\(i)/allocate", [("case_manager", w.practitionerUser.id!.uuidString)]).status
                    == .seeOther)
            #expect(try await w.practitioner.get("/my-work").body.contains("Assessment and plan: due 15 April 2024"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func closingAnInterventionTakesItOffTheWorklists(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let child = try await Fixtures.addChild(w.manager, given: "Mia", family: "Hughes")
            let c = child.uuidString.lowercased()
            try await w.manager.get("/children/\(c)/interventions/new")
            let bad = try await w.manager.post(
                "/children/\(c)/interventions",
                [("type", "referral_order"), ("start-day", "20"), ("start-month", "3"), ("start-year", "2024")])
            #expect(bad.body.contains("Enter the length of the referral order in months (3 to 12)"))
            let res = try await w.manager.post(
                "/children/\(c)/interventions",
                [
                    ("type", "referral_order"), ("start-day", "20"), ("start-month", "3"),
                    ("start-year", "2024"), ("length_months", "6")
                ])
            let i = try #require(idFrom(res.location, after: "/interventions/")).uuidString.lowercased()
            try await w.manager.get("/interventions/\(i)/allocate")
            #expect(
                try await w.manager.post("/interventions/\(i)/allocate", [("case_manager", w.practitionerUser.id!.uuidString)]).status
                    == .seeOther)
            let page = try await w.manager.get("/interventions/\(i)")
            // 20 working days after 20 March, skipping Easter
            #expect(page.body.contains("Initial referral order panel: due 19 April 2024"))
            #expect(try await w.practitioner.get("/my-work").body.contains("Mia Hughes"))
            let early = try await w.manager.post(
                "/interventions/\(i)/close",
                [("end-day", "1"), ("end-month", "3"), ("end-year", "2024"), ("closure_reason", "completed"), ("outcome", "Done")])
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.contains("End date must be on or after the start date"))
            let closed = try await w.manager.post(
                "/interventions/\(i)/close",
                [
                    ("end-day", "26"), ("end-month", "3"), ("end-year", "2024"),
                    ("closure_reason", "transferred"), ("outcome", "Moved to another area")
                ] + PracticeRoutesTests.kpiEnd
                    + [("not_known_reason", "New area to confirm")])
            #expect(closed.status == .seeOther)
            #expect(!(try await w.practitioner.get("/my-work")).body.contains("Mia Hughes"))
            #expect(try await w.manager.get("/interventions/\(i)").body.contains("Transferred to another service"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func theReferralQueuePaginatesOldestFirst(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let w = try await world(app)
            let child = try await Fixtures.addChild(w.manager, given: "Many", family: "Referrals")
            for day in 1...30 {
                _ = try await recordReferral(w.manager, child: child, received: (day, 1, 2024))
            }
            let page1 = try await w.manager.get("/referrals")
            #expect(page1.body.contains("30 waiting"))
            let dates = TestClient.allMatches(#"<td class="table__cell">(\d+ \w+ \d{4})</td>"#, in: page1.body)
            #expect(dates.count == 25)
            #expect(dates.first == "1 January 2024")
            #expect(dates.last == "25 January 2024")
            let page2 = try await w.manager.get("/referrals?page=2")
            #expect(TestClient.allMatches(#"<td class="table__cell">(\d+ \w+ \d{4})</td>"#, in: page2.body).count == 5)
        }
    }
}
