import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct SignInRoutesTests {
    @Test(arguments: TestDatabase.all)
    func signedOutPagesRedirectToSignInAndJSONGets401(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = TestClient(app)
            for path in ["/", "/children", "/children/new", "/admin/users"] {
                let page = try await client.get(path)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location?.hasPrefix("/sign-in?next=") == true, "\(path)")
            }
            let json = try await client.get("/children", headers: ["Accept": "application/json"])
            #expect(json.status == .unauthorized)
            #expect(json.headers.contentType?.description.contains("problem+json") == true)
            #expect(json.body.contains("Sign in to use Waypoint."))
        }
    }

    @Test(arguments: TestDatabase.all)
    func signInWithTheRightPasswordThenSignOut(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, name: "Martin Okafor", services: [s])
            let client = TestClient(app)
            let res = try await client.signIn("MANAGER@test.waypoint.test ")
            #expect(res.status == .seeOther)
            let cookie = res.headers[.setCookie].first { $0.hasPrefix("wp_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let home = try await client.get("/")
            #expect(home.status == .ok)
            #expect(home.body.contains("Hello, Martin Okafor"))
            let out = try await client.post("/sign-out", [])
            #expect(out.location == "/sign-in?signed_out=1")
            #expect(try await client.get("/").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func wrongPasswordShowsTheErrorSummaryAndKeepsTheEmail(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .practitioner, services: [s])
            let client = TestClient(app)
            let page = try await client.signIn("practitioner@test.waypoint.test", password: "wrong-password")
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("There is a problem"))
            #expect(page.body.contains("The email address or password is not right"))
            #expect(page.body.contains(#"value="practitioner@test.waypoint.test""#))
            #expect(page.body.contains("<title>Error: Sign in"))
            #expect(client.cookies["wp_session"] == nil)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPostWithoutTheCSRFTokenIsRefusedAndChangesNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let client = TestClient(app)
            try await client.get("/sign-in")
            let noToken = try await client.post(
                "/sign-in", [("email", "manager@test.waypoint.test"), ("password", Fixtures.password)], csrf: "")
            #expect(noToken.status == .forbidden)
            #expect(client.cookies["wp_session"] == nil)
            try await client.signIn("manager@test.waypoint.test")
            let forged = try await client.post("/children", Fixtures.childForm(), csrf: "forged-token")
            #expect(forged.status == .forbidden)
            #expect(forged.body.contains("This form has expired or did not come from Waypoint"))
            let missing = try await client.post("/children", Fixtures.childForm(), csrf: "")
            #expect(missing.status == .forbidden)
            #expect(try await Child.count(app) == 0)
            // The same form with the page's token works.
            _ = try await Fixtures.addChild(client)
            #expect(try await Child.count(app) == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func fiveFailuresLockTheAccountForTheWindowAndTheLockIsAudited(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .practitioner, services: [s])
            let client = TestClient(app)
            for _ in 0..<5 {
                let p = try await client.signIn("practitioner@test.waypoint.test", password: "nope-nope-nope")
                #expect(p.status == .unprocessableEntity)
            }
            // Now even the right password is refused, with a clear message.
            let locked = try await client.signIn("practitioner@test.waypoint.test")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.contains("Too many failed sign-in attempts for this account"))
            #expect(client.cookies["wp_session"] == nil)
            let audits = try await AuditRows.actions(app)
            #expect(audits.filter { $0 == "sign_in_locked" }.count == 1)
            // Another account is not affected.
            try await Fixtures.user(app, .manager, services: [s])
            #expect(try await TestClient(app).signIn("manager@test.waypoint.test").status == .seeOther)
            // After the window, the right password works again.
            clock.advance(minutes: 16)
            #expect(try await client.signIn("practitioner@test.waypoint.test").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSessionExpiresAfterInactivity(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let client = TestClient(app)
            try await client.signIn("manager@test.waypoint.test")
            clock.advance(minutes: 29)
            #expect(try await client.get("/").status == .ok)  // activity renews the session
            clock.advance(minutes: 29)
            #expect(try await client.get("/").status == .ok)
            clock.advance(minutes: 31)
            let expired = try await client.get("/children")
            #expect(expired.status == .seeOther)
            #expect(expired.location?.contains("timeout=1") == true)
            let signIn = try await client.get(expired.location!)
            #expect(signIn.body.contains("You were signed out after a period of inactivity"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aDeactivatedUserIsSignedOutAndCannotSignIn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let worker = try await Fixtures.user(app, .practitioner, services: [s])
            try await Fixtures.user(app, .admin, services: [])
            let workerClient = TestClient(app)
            try await workerClient.signIn("practitioner@test.waypoint.test")
            #expect(try await workerClient.get("/children").status == .ok)

            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            let confirm = try await admin.get("/admin/users/\(worker.id!.uuidString.lowercased())/deactivate")
            #expect(confirm.body.contains("Are you sure you want to deactivate"))
            let done = try await admin.post("/admin/users/\(worker.id!.uuidString.lowercased())/deactivate", [])
            #expect(done.status == .seeOther)

            #expect(try await workerClient.get("/children").status == .seeOther)
            let again = try await workerClient.signIn("practitioner@test.waypoint.test")
            #expect(again.status == .forbidden)
            #expect(again.body.contains("This account has been deactivated"))
            #expect(try await AuditRows.actions(app).contains("deactivate_user"))
        }
    }

    @Test func onlyLocalPathsAreFollowedAfterSignIn() {
        #expect(Paths.safeNext("/children?q=a") == "/children?q=a")
        #expect(Paths.safeNext("//evil.example") == "/")
        #expect(Paths.safeNext("https://evil.example") == "/")
        #expect(Paths.safeNext("/\\evil.example") == "/")
        #expect(Paths.safeNext(nil) == "/")
        // Browsers drop tabs and newlines from a Location, so these would become "//evil.example".
        #expect(Paths.safeNext("/\t/evil.example") == "/")
        #expect(Paths.safeNext("/\n/evil.example") == "/")
        #expect(Paths.safeNext("/\r\n/evil.example") == "/")
        #expect(Paths.safeNext("/ /evil.example") == "/")
        #expect(Paths.safeNext("/children/é") == "/")
    }

    @Test(arguments: TestDatabase.all)
    func aRedirectAfterSignInWithATabInItStaysOnWaypoint(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let client = TestClient(app)
            try await client.get("/sign-in?next=/%09/evil.example")
            let res = try await client.post(
                "/sign-in", [("email", "manager@test.waypoint.test"), ("password", Fixtures.password), ("next", "/\t/evil.example")])
            #expect(res.status == .seeOther)
            #expect(res.location == "/")
        }
    }
}

enum Child {
    static func count(_ app: Application) async throws -> Int {
        struct N: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM children").first(decoding: N.self)?.n ?? -1
    }
}

enum AuditRows {
    struct Row: Decodable {
        let action: String
        let details: String?
        let child_id: UUID?
        let user_email: String?
    }
    static func all(_ app: Application) async throws -> [Row] {
        try await app.db.sql.raw(SQLQueryString("\(unsafeRaw: perChild) ORDER BY at")).all(decoding: Row.self)
    }

    /// The audit log with a row for each child a look at a list named (`M0040_AuditListedChildren`),
    /// as if each were an entry of its own: id, at, user_id, user_email, service_id, child_id,
    /// action, details.
    static let perChild = """
        SELECT id, at, user_id, user_email, service_id, child_id, action, details FROM audit_events
            WHERE NOT EXISTS (SELECT 1 FROM audit_event_children c WHERE c.event_id = audit_events.id)
        UNION ALL
        SELECT e.id, e.at, e.user_id, e.user_email, c.service_id, c.child_id, e.action, e.details
            FROM audit_event_children c JOIN audit_events e ON e.id = c.event_id
        """
    static func actions(_ app: Application) async throws -> [String] { try await all(app).map(\.action) }
}

import SQLKit
