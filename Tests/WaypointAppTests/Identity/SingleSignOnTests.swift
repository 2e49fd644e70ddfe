import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Single sign-on against a provider served over real HTTP (`TestProvider`): Waypoint fetches
/// its discovery document and keys, exchanges the code with PKCE and verifies the ID token.
@Suite struct SingleSignOnTests {
    /// The provider and Waypoint share the test's clock.
    func withProvider(
        _ db: TestDatabase, map: String = "", pending: Bool = false,
        _ body: (Application, TestProvider) async throws -> Void
    ) async throws {
        let clock = TestClock(Date())
        let provider = try await TestProvider.start(now: { clock.now })
        do {
            try await withTestApp(
                db, clock: clock,
                settings: { s in
                    var c = provider.config
                    c.groupMap = (try? OIDCConfig.parseGroupMap(map)) ?? []
                    c.pendingAccounts = pending
                    s.oidc = c
                }
            ) { app in try await body(app, provider) }
        } catch {
            try? await provider.shutdown()
            throw error
        }
        try await provider.shutdown()
    }

    /// Through the provider as `person`: the page the callback lands on.
    @discardableResult
    func signIn(_ c: TestClient, _ p: TestProvider, as person: TestProvider.Person, twist: TestProvider.Twist = .init(), next: String = "")
        async throws -> TestClient.Page
    {
        let start = try await c.get(Paths.with("/sign-in/sso", [("next", next)]))
        #expect(start.status == .seeOther)
        let callback = try p.authorize(start.location ?? "", as: person, twist: twist)
        return try await c.get(callback)
    }

    func link(_ app: Application, _ user: User, _ p: TestProvider, subject: String) async throws {
        try await app.db.sql.update("users").set("oidc_issuer", to: SQLBind(p.issuer)).set("oidc_subject", to: SQLBind(subject))
            .where("id", .equal, SQLBind(user.id!)).run()
    }

    @Test(arguments: TestDatabase.all)
    func aLinkedPersonSignsInAndATokenThatIsWrongInAnyWayIsRefused(db: TestDatabase) async throws {
        try await withProvider(db) { app, p in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .analyst, services: [s])
            try await link(app, user, p, subject: "entra-oid-1")
            let me = TestProvider.Person(subject: "entra-oid-1", email: user.email, name: "Ana")
            // The sign-in page offers it.
            #expect(try await TestClient(app).get("/sign-in").body.contains("Sign in with your organisation account"))
            for (twist, what) in [
                (TestProvider.Twist(signWithAnotherKey: true), "signature"),
                (TestProvider.Twist(audience: "someone-else"), "issued for Waypoint"),
                (TestProvider.Twist(expiresIn: -60), "expired"), (TestProvider.Twist(nonce: "an-old-nonce"), "nonce"),
                (TestProvider.Twist(issuer: "http://127.0.0.1:1"), "another issuer")
            ] {
                let c = TestClient(app)
                let page = try await signIn(c, p, as: me, twist: twist)
                #expect(page.status == .badRequest, Comment(rawValue: what))
                #expect(page.body.contains("could not confirm who you are"), Comment(rawValue: what))
                #expect(try await c.get("/reports").location?.hasPrefix("/sign-in") == true, Comment(rawValue: what))
                #expect(
                    try await AuditRows.all(app).contains { $0.action == "sign_in_failed" && $0.details?.contains(what) == true },
                    Comment(rawValue: what))
            }
            let c = TestClient(app)
            let start = try await c.get("/sign-in/sso?next=%2Freports")
            let callback = try p.authorize(start.location ?? "", as: me)
            #expect(try await c.get(callback).location == "/reports")
            #expect(try await c.get("/reports").status == .ok)
            // The same callback again (a replayed state, code and nonce) signs nobody in.
            let again = TestClient(app)
            let replay = try await again.get(callback)
            #expect(replay.status == .badRequest)
            #expect(replay.body.contains("expired or has been used"))
            #expect(try await again.get("/reports").location?.hasPrefix("/sign-in") == true)
            #expect(try await AuditRows.all(app).contains { $0.action == "sign_in" && $0.details?.hasPrefix("single sign-on") == true })
            // Five refused tokens and one good one; the replay never reached the provider.
            #expect(p.tokenRequests.withLockedValue { $0 } == 6)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anUnknownPersonIsRefusedAndNeverMatchedByEmailAlone(db: TestDatabase) async throws {
        try await withProvider(db) { app, p in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .manager, services: [s])
            let c = TestClient(app)
            let page = try await signIn(c, p, as: .init(subject: "stranger", email: user.email, name: "Same Email"))
            #expect(page.status == .forbidden)
            #expect(page.body.contains("not linked to Waypoint"))
            #expect(
                try await c.get("/reports").location?.hasPrefix("/sign-in") == true,
                "the same email did not sign them in to the manager's account")
            #expect(
                try await AuditRows.all(app).contains { $0.action == "sign_in_failed" && $0.details?.contains("unknown person") == true })
        }
    }

    @Test(arguments: TestDatabase.all)
    func anUnknownPersonWaitsForAnAdminWhoCreatesOrLinksTheirAccount(db: TestDatabase) async throws {
        try await withProvider(db, pending: true) { app, p in
            let s = try await Fixtures.service(app)
            let existing = try await Fixtures.user(app, .practitioner, email: "kim.old@example.org", name: "Kim Old", services: [s])
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            let newcomer = TestProvider.Person(subject: "oid-new", email: "jo.new@example.org", name: "Jo New", groups: ["yjs"])
            let first = try await signIn(TestClient(app), p, as: newcomer)
            #expect(first.status == .forbidden)
            #expect(first.body.contains("asked to approve it"))
            try await signIn(TestClient(app), p, as: .init(subject: "oid-kim", email: "kim@org.example", name: "Kim Old"))
            let list = try await admin.get("/admin/sso-requests")
            #expect(list.body.contains("Jo New") && list.body.contains("oid-kim"))
            let requests = try await app.db.sql.select().columns("id", "subject").from("sso_requests").all(decoding: R.self)
            let jo = try #require(requests.first { $0.subject == "oid-new" }).id.uuidString.lowercased()
            let kim = try #require(requests.first { $0.subject == "oid-kim" }).id.uuidString.lowercased()
            #expect(
                try await admin.post("/admin/sso-requests/\(jo)/approve", [("role", "practitioner"), ("services[]", s.id!.uuidString)])
                    .location == "/admin/sso-requests?saved=approved")
            #expect(
                try await admin.post("/admin/sso-requests/\(kim)/link", [("user", existing.id!.uuidString)]).location
                    == "/admin/sso-requests?saved=linked")
            let j = TestClient(app)
            #expect(try await signIn(j, p, as: newcomer).location == "/")
            #expect(try await j.get("/").body.contains("Jo New"))
            let k = TestClient(app)
            #expect(try await signIn(k, p, as: .init(subject: "oid-kim", email: "kim@org.example", name: "Kim Old")).location == "/")
            #expect(try await k.get("/").body.contains("Kim Old (Practitioner)"))
            #expect(try await AuditRows.all(app).filter { $0.action == "sso_linked" }.count == 2)
            #expect(try await AuditRows.all(app).contains { $0.action == "sso_pending_account" })
        }
    }
    struct R: Decodable { let id: UUID; let subject: String }

    @Test(arguments: TestDatabase.all)
    func aDeactivatedPersonIsRefused(db: TestDatabase) async throws {
        try await withProvider(db) { app, p in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .analyst, services: [s])
            try await link(app, user, p, subject: "oid-gone")
            try await app.db.sql.update("users").set("active", to: SQLBind(false)).where("id", .equal, SQLBind(user.id!)).run()
            let page = try await signIn(TestClient(app), p, as: .init(subject: "oid-gone", email: user.email))
            #expect(page.status == .forbidden)
            #expect(page.body.contains("deactivated"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func groupsAtTheProviderDecideRoleAndServicesAtEverySignIn(db: TestDatabase) async throws {
        try await withProvider(db, map: "yjs-managers=manager:WF; yjs-workers=practitioner:WF,OT:North") { app, p in
            let wf = try await Fixtures.service(app)
            let ot = try await Fixtures.service(app, code: "OT", name: "Other YJS")
            try await app.db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                SQLBind(UUID()), SQLBind(wf.id!), SQLBind("North")
            ).run()
            let user = try await Fixtures.user(app, .board, email: "sam@example.org", services: [])
            try await link(app, user, p, subject: "oid-sam")
            let c = TestClient(app)
            #expect(
                try await signIn(c, p, as: .init(subject: "oid-sam", email: "sam@example.org", groups: ["everyone", "yjs-workers"]))
                    .location == "/")
            struct U: Decodable { let role: String; let team_id: UUID? }
            #expect(
                try await app.db.sql.select().columns("role", "team_id").from("users").where("id", .equal, SQLBind(user.id!)).first(
                    decoding: U.self)?.role == "practitioner")
            let services = Set(try await UserService.query(on: app.db).filter(\.$userID == user.id!).all().map(\.serviceID))
            #expect(services == [wf.id!, ot.id!])
            #expect(try await c.get("/my-work").status == .ok)
            // Promoted at the provider: a manager at the next sign-in.
            let d = TestClient(app)
            #expect(
                try await signIn(d, p, as: .init(subject: "oid-sam", email: "sam@example.org", groups: ["yjs-managers", "yjs-workers"]))
                    .location == "/")
            #expect(try await d.get("/service").status == .ok)
            // Removed from every mapped group: refused, and the sessions still open end at once.
            let e = TestClient(app)
            let refused = try await signIn(e, p, as: .init(subject: "oid-sam", email: "sam@example.org", groups: ["everyone"]))
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("not in any group"))
            #expect(try await d.get("/service").location?.hasPrefix("/sign-in") == true)
            #expect(
                try await AuditRows.all(app).contains {
                    $0.action == "sso_placed" && $0.details?.contains("practitioner → manager") == true
                })
        }
    }

    @Test(arguments: TestDatabase.all)
    func whenSingleSignOnIsRequiredOnlyAdminsUseTheirPassword(db: TestDatabase) async throws {
        try await withProvider(db) { app, _ in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .analyst, services: [s])
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            #expect(
                try await admin.get("/admin/sign-in-security").body.contains(
                    "Everyone except administrators must sign in with single sign-on"))
            #expect(try await admin.post("/admin/sign-in-security", [("require_sso[]", "yes")]).status == .seeOther)
            let refused = try await TestClient(app).signIn("analyst@test.waypoint.test")
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("use the button"))
            #expect(try await TestClient(app).signIn("admin@test.waypoint.test").status == .seeOther, "the break-glass admin")
        }
    }

    /// The callback is reached by anyone, with anything in its query.
    @Test(arguments: TestDatabase.all)
    func hostileCallbacksAreRefusedCalmly(db: TestDatabase) async throws {
        try await withProvider(db) { app, p in
            let c = TestClient(app)
            let start = try await c.get("/sign-in/sso?next=" + String(repeating: "%2F", count: 5000))
            #expect(start.status == .seeOther)
            let real = try p.authorize(start.location ?? "", as: .init(subject: "nobody"))
            let state = URLComponents(string: real)?.queryItems?.first { $0.name == "state" }?.value ?? ""
            for query in [
                "", "state=", "state=%00%01", "state=" + String(repeating: "a", count: 100_000), "code=x",
                "state=\(state)&code=" + String(repeating: "c", count: 10_000),
                "state=x&code=y&error=access_denied&error_description=%3Cscript%3E", "state[]=1&code[a]=2", "state=%FF%FE&code=%E2%80%AE"
            ] {
                let page = try await c.get("/sign-in/sso/callback?" + query)
                #expect(page.status.code < 500, Comment(rawValue: "\(page.status.code) for \(query.prefix(80))"))
                #expect(page.status.code >= 400, Comment(rawValue: query.prefix(80).description))
                #expect(!page.body.contains("<script>"))
            }
        }
    }

    @Test func theGroupMapIsReadStrictly() throws {
        let rules = try OIDCConfig.parseGroupMap(" a=manager:wf ; b-c=practitioner:WF, LN:North team ; admins=admin")
        #expect(rules.map(\.group) == ["a", "b-c", "admins"])
        #expect(rules[1].serviceCodes == ["WF", "LN"] && rules[1].team == "North team")
        for bad in ["a=boss:WF", "a=manager", "=manager:WF", "novalue"] {
            #expect(throws: OIDCConfigError.self, Comment(rawValue: bad)) { try OIDCConfig.parseGroupMap(bad) }
        }
        #expect(throws: OIDCConfigError.self) { try OIDCConfig.fromEnvironment(["WAYPOINT_OIDC_ISSUER": "https://x.example"]) }
        #expect(try OIDCConfig.fromEnvironment([:]) == nil)
    }
}
