import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct ChildrenRoutesTests {
    func signedIn(_ app: Application, _ role: Role = .manager, services: [Service]? = nil) async throws -> TestClient {
        let s: [Service]
        if let services { s = services } else { s = [try await Fixtures.service(app)] }
        try await Fixtures.user(app, role, services: s)
        let client = TestClient(app)
        try await client.signIn("\(role.rawValue)@test.waypoint.test")
        return client
    }

    @Test(arguments: TestDatabase.all)
    func addAChildThenSeeTheirRecordLedByTheChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = try await signedIn(app, .practitioner)
            let id = try await Fixtures.addChild(
                client, given: "Zoë", family: "O'Brien", dob: (29, 2, 2012),
                [
                    ("nhs_number", "943 476 5919"), ("upn", "b801200005001"), ("pnc_id", "04/1234567F"),
                    ("alerts[]", "exploitation_risk"), ("preferred_name", "Zo")
                ])
            let page = try await client.get("/children/\(id.uuidString.lowercased())?saved=created")
            #expect(page.status == .ok)
            #expect(page.body.contains("Child added to the register"))
            #expect(page.body.contains("Zo O&#39;Brien"))
            // Born on a leap day: 12 on 2024-03-27 (the pinned today).
            #expect(page.body.contains("Age 12"))
            #expect(page.body.contains("What matters to Zo"))
            #expect(page.body.contains("Football on Saturdays"))
            #expect(page.body.contains("943 476 5919"))
            #expect(page.body.contains("B801200005001"))
            #expect(page.body.contains("2004/1234567F"))  // stored canonical
            #expect(page.body.contains("LS1 4AP"))
            #expect(page.body.contains("Risk of exploitation"))
            // The child comes before the details.
            let matters = page.body.range(of: "What matters to Zo")!.lowerBound
            let identifiers = page.body.range(of: "Identifiers")!.lowerBound
            #expect(matters < identifiers)
        }
    }

    @Test(arguments: TestDatabase.all)
    func validationErrorsKeepWhatWasTyped(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = try await signedIn(app)
            try await client.get("/children/new")
            let page = try await client.post(
                "/children",
                Fixtures.childForm(
                    given: "Kai", family: "", dob: (31, 2, 2010),
                    [
                        ("nhs_number", "9434765918"), ("upn", "A801200005001"), ("pnc_id", "04/1234567G"), ("postcode", "NOT A CODE"),
                        ("strengths", "Great at drawing <b>really</b>")
                    ]))
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("There is a problem"))
            for message in [
                "Enter the child&#39;s family name", "Date of birth must be a real date",
                "Enter a valid 10-digit NHS number", "Enter a UPN of 13 characters", "Enter a PNC ID in the format",
                "Enter a real postcode"
            ] {
                #expect(page.body.contains(message), "\(message)")
            }
            // Each summary entry links to its field.
            for field in ["family_name", "dob-day", "nhs_number", "upn", "pnc_id", "postcode"] {
                #expect(page.body.contains("href=\"#" + field + "\""), "\(field)")
            }
            // Typed values are kept, escaped.
            #expect(page.body.contains(#"value="Kai""#))
            #expect(page.body.contains(#"value="31""#))
            #expect(page.body.contains(#"value="9434765918""#))
            #expect(page.body.contains(#"value="NOT A CODE""#))
            #expect(page.body.contains("Great at drawing &lt;b&gt;really&lt;/b&gt;"))
            #expect(try await Child.count(app) == 0)

            let future = try await client.post("/children", Fixtures.childForm(dob: (1, 1, 2030)))
            #expect(future.body.contains("Date of birth must be in the past"))
            let tooOld = try await client.post("/children", Fixtures.childForm(dob: (1, 1, 1990)))
            #expect(tooOld.body.contains("aged 8 to 25"))
            #expect(try await Child.count(app) == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPossibleDuplicateIsShownBeforeSaving(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = try await signedIn(app)
            _ = try await Fixtures.addChild(client, given: "Callum", family: "Walker", dob: (3, 7, 2008), [("nhs_number", "4010232137")])
            try await client.get("/children/new")
            // Same name (different case and accents) and date of birth.
            let sameName = try await client.post("/children", Fixtures.childForm(given: "CALLUM", family: "walker", dob: (3, 7, 2008)))
            #expect(sameName.status == .ok)
            #expect(sameName.body.contains("This child may already be on the register"))
            #expect(sameName.body.contains("Callum Walker, born 3 July 2008"))
            #expect(sameName.body.contains(#"value="CALLUM""#))
            #expect(try await Child.count(app) == 1)
            // Same identifier, different name.
            let sameNHS = try await client.post(
                "/children", Fixtures.childForm(given: "Cal", family: "Walker-Smith", dob: (4, 7, 2008), [("nhs_number", "401 023 2137")]))
            #expect(sameNHS.body.contains("This child may already be on the register"))
            #expect(try await Child.count(app) == 1)
            // Confirmed as a different child: saved.
            let confirmed = try await client.post(
                "/children", Fixtures.childForm(given: "CALLUM", family: "walker", dob: (3, 7, 2008), [("confirm_not_duplicate", "yes")]))
            #expect(confirmed.status == .seeOther)
            #expect(try await Child.count(app) == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aStaleEditIsRefusedAndNothingIsOverwritten(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let first = try await signedIn(app, .manager, services: [s])
            try await Fixtures.user(app, .manager, email: "second.manager@test.waypoint.test", services: [s])
            let second = TestClient(app)
            try await second.signIn("second.manager@test.waypoint.test")
            let id = try await Fixtures.addChild(first)
            let path = "/children/\(id.uuidString.lowercased())"

            let form1 = try await first.get(path + "/edit")
            #expect(form1.body.contains(#"name="version" value="1""#))
            try await second.get(path + "/edit")
            let saved = try await second.post(path, Fixtures.childForm(given: "Jordan", [("district", "Eastfield"), ("version", "1")]))
            #expect(saved.status == .seeOther)

            let stale = try await first.post(path, Fixtures.childForm(given: "Jordan", [("district", "Riverside"), ("version", "1")]))
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("Someone else changed this record after you opened it"))
            #expect(stale.body.contains(#"value="Riverside""#))  // what they typed is not lost
            let record = try await first.get(path)
            #expect(record.body.contains("Eastfield"))
            #expect(!record.body.contains("Riverside"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func viewsAndEditsAreAuditedAndManagersSeeTheTrail(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let manager = try await signedIn(app, .manager, services: [s])
            let id = try await Fixtures.addChild(manager, given: "Reece")
            let path = "/children/\(id.uuidString.lowercased())"
            try await manager.get(path)
            try await manager.get(path + "/edit")
            #expect(
                try await manager.post(path, Fixtures.childForm(given: "Reece", [("district", "Southgate"), ("version", "1")])).status
                    == .seeOther)

            let rows = try await AuditRows.all(app).filter { $0.child_id == id }
            #expect(rows.map(\.action) == ["create_child", "view_child", "view_child_edit_form", "update_child"])
            let update = rows.last!
            #expect(update.user_email == "manager@test.waypoint.test")
            #expect(update.details?.contains(#""field":"district""#) == true)
            #expect(update.details?.contains(#""from":"Northbrook""#) == true)
            #expect(update.details?.contains(#""to":"Southgate""#) == true)
            #expect(update.details?.contains("given_name") == false)  // only what changed

            let trail = try await manager.get(path + "/audit")
            #expect(trail.status == .ok)
            #expect(trail.body.contains("District: Northbrook → Southgate"))
            #expect(trail.body.contains("Viewed the record"))

            try await Fixtures.user(app, .practitioner, services: [s])
            let worker = TestClient(app)
            try await worker.signIn("practitioner@test.waypoint.test")
            #expect(try await worker.get(path + "/audit").status == .forbidden)
            // No route edits or deletes audit entries.
            let routes = app.routes.all.map { "\($0.method.rawValue) \($0.path.map(\.description).joined(separator: "/"))" }
            #expect(!routes.contains { $0.contains("audit") && !$0.hasPrefix("GET") })
        }
    }

    @Test(arguments: TestDatabase.all)
    func searchIsPartialCaseAndAccentInsensitiveAndPaginated(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = try await signedIn(app)
            _ = try await Fixtures.addChild(client, given: "Zoë", family: "Brennan", dob: (1, 2, 2010), [("upn", "B801200005001")])
            _ = try await Fixtures.addChild(client, given: "Chloé", family: "Nowak", dob: (2, 3, 2011), [("pnc_id", "2004/1234567F")])
            _ = try await Fixtures.addChild(client, given: "Kyle", family: "Price", dob: (2, 3, 2011), [("nhs_number", "9434765919")])
            for i in 0..<27 {
                _ = try await Fixtures.addChild(client, given: "Child\(i)", family: "Zed", dob: (1, 1, 2012))
            }
            func names(_ q: String) async throws -> [String] {
                let page = try await client.get("/children?" + q)
                return TestClient.allMatches(#"<a href="/children/[0-9a-f-]{36}">([^<]+)</a>"#, in: page.body)
            }
            #expect(try await names("q=zoe") == ["Zoë Brennan"])
            #expect(try await names("q=CHLOE") == ["Chloé Nowak"])
            #expect(try await names("q=renn") == ["Zoë Brennan"])
            #expect(try await names("q=zoe%20bren") == ["Zoë Brennan"])
            #expect(try await names("q=943%20476%205919") == ["Kyle Price"])
            #expect(try await names("q=b801200005001") == ["Zoë Brennan"])
            #expect(try await names("q=04/1234567F") == ["Chloé Nowak"])
            #expect(try await names("dob-day=2&dob-month=3&dob-year=2011") == ["Chloé Nowak", "Kyle Price"])
            #expect(try await names("q=nobody").isEmpty)
            let none = try await client.get("/children?q=nobody")
            #expect(none.body.contains("No children match your search"))
            let badDate = try await client.get("/children?dob-day=31&dob-month=2&dob-year=2011")
            #expect(badDate.status == .unprocessableEntity)
            #expect(badDate.body.contains("Date of birth must be a real date"))

            // 30 children: 25 on page 1, 5 on page 2.
            let page1 = try await client.get("/children")
            #expect(page1.body.contains("30 children on the register"))
            #expect(TestClient.allMatches(#"<a href="/children/([0-9a-f-]{36})">"#, in: page1.body).count == 25)
            #expect(page1.body.contains(#"href="/children?page=2""#))
            let page2 = try await client.get("/children?page=2")
            #expect(TestClient.allMatches(#"<a href="/children/([0-9a-f-]{36})">"#, in: page2.body).count == 5)
            #expect(page2.body.contains("Showing 26 to 30 of 30"))
            // A search's total, whether counted (a full page) or taken from the last page's rows.
            #expect(try await client.get("/children?q=zed").body.contains("27 children found"))
            #expect(try await client.get("/children?q=zed&page=2").body.contains("Showing 26 to 27 of 27"))
            #expect(try await client.get("/children?q=zed&page=3").body.contains("27 children found"))
            #expect(try await client.get("/children?q=zoe").body.contains("1 child found"))
            #expect(try await client.get("/children?q=nobody&page=2").body.contains("0 children found"))
            // Without a search the register counts apart from its page: past the end, and by date of birth.
            #expect(try await client.get("/children?page=3").body.contains("30 children on the register"))
            let byBirth = try await client.get("/children?dob-day=1&dob-month=1&dob-year=2012&page=2")
            #expect(byBirth.body.contains("Showing 26 to 27 of 27"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aChildInAnotherServiceIsInvisible(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let west = try await Fixtures.service(app, code: "WF", name: "Westfield")
            let east = try await Fixtures.service(app, code: "EF", name: "Eastfield")
            let westManager = try await signedIn(app, .manager, services: [west])
            let id = try await Fixtures.addChild(westManager, given: "Tyler")
            try await Fixtures.user(app, .practitioner, services: [east])
            let eastWorker = TestClient(app)
            try await eastWorker.signIn("practitioner@test.waypoint.test")
            #expect(try await eastWorker.get("/children/\(id.uuidString.lowercased())").status == .notFound)
            #expect(try await eastWorker.get("/children/\(id.uuidString.lowercased())/edit").status == .notFound)
            #expect(!(try await eastWorker.get("/children?q=tyler").body.contains("Tyler")))
            let edit = try await eastWorker.post(
                "/children/\(id.uuidString.lowercased())", Fixtures.childForm(given: "Hacked", [("version", "1")]))
            #expect(edit.status == .notFound)
            #expect(try await westManager.get("/children/\(id.uuidString.lowercased())").body.contains("Tyler"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func userTextIsEscapedEverywhere(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = try await signedIn(app)
            let evil = #""><script>alert(1)</script>"#
            let id = try await Fixtures.addChild(client, given: evil, family: "Test&amp;", [("what_matters", evil)])
            let record = try await client.get("/children/\(id.uuidString.lowercased())")
            #expect(!record.body.contains("<script>alert"))
            #expect(record.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(record.body.contains("Test&amp;amp;"))  // shown literally as typed
            let edit = try await client.get("/children/\(id.uuidString.lowercased())/edit")
            #expect(!edit.body.contains("<script>alert"))
            #expect(edit.body.contains(#"value="&quot;&gt;&lt;script&gt;"#))
            let list = try await client.get("/children?q=script")
            #expect(!list.body.contains("<script>alert"))
        }
    }
}
