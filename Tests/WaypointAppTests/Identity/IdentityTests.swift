import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Reading what the pages give a person: the one-time code, the authenticator's key and the
/// recovery codes.
enum IdentityFlow {
    static func capture(_ pattern: String, _ body: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        return re.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap { m in
            Range(m.range(at: 1), in: body).map { String(body[$0]) }
        }
    }
    static func oneTimeCode(_ body: String) -> String? { capture(#"id="one-time-code">([A-Z0-9-]+)<"#, body).first }
    static func secret(_ body: String) -> [UInt8]? { capture(#"data-secret="([A-Z2-7]+)""#, body).first.flatMap(Base32.decode) }
    static func recoveryCodes(_ body: String) -> [String] { capture(#"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>"#, body) }
    static func code(_ secret: [UInt8], _ clock: TestClock, stepOffset: Int64 = 0) -> String {
        TOTP.code(secret: secret, step: TOTP.step(at: clock.now) + stepOffset)
    }
}

@Suite struct IdentityTests {
    func admin(_ app: Application) async throws -> TestClient {
        try await Fixtures.user(app, .admin, services: [])
        let admin = TestClient(app)
        #expect(try await admin.signIn("admin@test.waypoint.test").location == "/", "admins need no second factor by default")
        return admin
    }

    func resetCode(_ admin: TestClient, _ user: User) async throws -> String {
        let path = "/admin/users/\(user.id!.uuidString.lowercased())/reset-password"
        #expect(try await admin.get(path).body.contains("Yes, reset the password"))
        let page = try await admin.post(path, [])
        #expect(page.status == .ok)
        return try #require(IdentityFlow.oneTimeCode(page.body))
    }

    @Test(arguments: TestDatabase.all)
    func aResetPersonChoosesAPasswordSetsUpAnAuthenticatorAndSignsInWithBoth(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock, secondFactorAsShipped: true) { app in
            let s = try await Fixtures.service(app)
            let priya = try await Fixtures.user(app, .practitioner, name: "Priya Shah", services: [s])
            let admin = try await admin(app)
            let p = TestClient(app)
            #expect(try await p.signIn(priya.email).location == "/sign-in/two-factor/set-up", "case roles need a second factor as shipped")
            let code = try await resetCode(admin, priya)
            #expect(try await p.get("/children").location?.hasPrefix("/sign-in") == true, "the reset ended her sessions")
            #expect(try await TestClient(app).signIn(priya.email).status == .unprocessableEntity, "the old password stopped working")

            let me = TestClient(app)
            try await me.get("/sign-in/code")
            #expect(try await me.post("/sign-in/code", [("email", priya.email), ("code", "AAAA-BBBB-CCCC")]).status == .unprocessableEntity)
            let first = try await me.post(
                "/sign-in/code", [("email", priya.email.uppercased()), ("code", code.lowercased().replacingOccurrences(of: "-", with: " "))]
            )
            #expect(first.location == "/sign-in/new-password")
            #expect(try await me.get("/children").location == "/sign-in/new-password")
            #expect(try await me.get("/sign-in/two-factor").location == "/sign-in/new-password", "steps cannot be skipped")
            #expect(try await me.get("/sign-in/new-password").body.contains("Choose your password"))
            // NCSC: length, and no common or personal passwords.
            for (bad, message) in [
                ("short", "at least 12 characters"), ("Password1234!", "too easy to guess"), ("p4ssw0rdp4ssw0rd", "too easy to guess"),
                ("qwertyuiopas", "run of keys"), ("priya-shah-is-here", "must not contain your name"),
                ("aaaaaaaaaaaaaaa", "too easy to guess"), ("aabbbaabbbab", "repeats too few")
            ] {
                let r = try await me.post("/sign-in/new-password", [("password", bad), ("confirm", bad)])
                #expect(r.status == .unprocessableEntity, Comment(rawValue: bad))
                #expect(r.body.contains(message), Comment(rawValue: bad))
            }
            #expect(
                try await me.post(
                    "/sign-in/new-password", [("password", "heron lantern copper stile"), ("confirm", "heron lantern copper stiles")]
                )
                .body.contains("do not match"))
            let set = try await me.post(
                "/sign-in/new-password", [("password", "heron lantern copper stile"), ("confirm", "heron lantern copper stile")])
            #expect(set.location == "/sign-in/two-factor/set-up")
            // The authenticator: a QR code drawn here and the key as text.
            let setUp = try await me.get("/sign-in/two-factor/set-up")
            #expect(setUp.body.contains("data:image/svg+xml;base64,"))
            let secret = try #require(IdentityFlow.secret(setUp.body))
            #expect(secret.count == 20)
            #expect(IdentityFlow.secret(try await me.get("/sign-in/two-factor/set-up").body) == secret, "the same key until confirmed")
            #expect(try await me.post("/sign-in/two-factor/set-up", [("code", "000000")]).status == .unprocessableEntity)
            let enrolled = try await me.post("/sign-in/two-factor/set-up", [("code", IdentityFlow.code(secret, clock))])
            #expect(enrolled.status == .ok)
            let recovery = IdentityFlow.recoveryCodes(enrolled.body)
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            #expect(try await me.get("/children").status == .ok)
            try await me.post("/sign-out", [])

            // Back with both factors; a code is accepted once only.
            clock.advance(minutes: 1)
            let again = TestClient(app)
            #expect(try await again.signIn(priya.email, password: "heron lantern copper stile").location == "/sign-in/two-factor")
            #expect(try await again.get("/children").location == "/sign-in/two-factor")
            try await again.get("/sign-in/two-factor")
            let now = IdentityFlow.code(secret, clock)
            #expect(try await again.post("/sign-in/two-factor", [("code", "123456")]).status == .unprocessableEntity)
            #expect(try await again.post("/sign-in/two-factor", [("code", now)]).location == "/")
            #expect(try await again.get("/children").status == .ok)
            let replay = TestClient(app)
            try await replay.signIn(priya.email, password: "heron lantern copper stile")
            try await replay.get("/sign-in/two-factor")
            #expect(try await replay.post("/sign-in/two-factor", [("code", now)]).status == .unprocessableEntity, "a used code is refused")
            // Recovery codes work once each.
            #expect(try await replay.post("/sign-in/two-factor", [("code", recovery[0].lowercased())]).location == "/")
            let third = TestClient(app)
            try await third.signIn(priya.email, password: "heron lantern copper stile")
            try await third.get("/sign-in/two-factor")
            #expect(try await third.post("/sign-in/two-factor", [("code", recovery[0])]).status == .unprocessableEntity)
            #expect(try await third.post("/sign-in/two-factor", [("code", recovery[1])]).location == "/")
            #expect(try await third.get("/account").body.contains("8 recovery codes left"))

            let actions = try await AuditRows.all(app).filter { $0.user_email == priya.email }.map(\.action)
            for a in ["sign_in_first_factor", "set_password", "enrol_second_factor", "sign_in", "sign_in_failed", "sign_out"] {
                #expect(actions.contains(a), Comment(rawValue: a))
            }
            let details = try await AuditRows.all(app).filter { $0.action == "sign_in" && $0.user_email == priya.email }.compactMap(
                \.details)
            #expect(details.contains("password and authenticator"))
            #expect(details.contains { $0.hasPrefix("password and a recovery code") })
            #expect(try await AuditRows.all(app).contains { $0.action == "reset_password" && $0.user_email == "admin@test.waypoint.test" })
        }
    }

    @Test(arguments: TestDatabase.all)
    func oneTimeCodesExpireWorkOnceAndOnlyTheLatestWorks(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .manager, services: [s])
            let admin = try await admin(app)
            let old = try await resetCode(admin, user)
            let code = try await resetCode(admin, user)
            #expect(old != code)
            let c = TestClient(app)
            try await c.get("/sign-in/code")
            #expect(
                try await c.post("/sign-in/code", [("email", user.email), ("code", old)]).status == .unprocessableEntity,
                "a newer code replaces it")
            #expect(
                try await c.post("/sign-in/code", [("email", "someone@else.test"), ("code", code)]).status == .unprocessableEntity,
                "another person's code")
            #expect(try await c.post("/sign-in/code", [("email", user.email), ("code", code)]).location == "/sign-in/new-password")
            let d = TestClient(app)
            try await d.get("/sign-in/code")
            #expect(try await d.post("/sign-in/code", [("email", user.email), ("code", code)]).status == .unprocessableEntity, "used once")
            let late = try await resetCode(admin, user)
            clock.advance(minutes: 72 * 60 + 1)
            let e = TestClient(app)
            try await e.get("/sign-in/code")
            let expired = try await e.post("/sign-in/code", [("email", user.email), ("code", late)])
            #expect(expired.status == .unprocessableEntity)
            #expect(expired.body.contains("expired"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func changingYourPasswordNeedsTheCurrentOneAndEndsYourOtherSessions(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .analyst, services: [s])
            let here = TestClient(app), there = TestClient(app)
            try await here.signIn(user.email)
            try await there.signIn(user.email)
            #expect(try await here.get("/account").body.contains("2 sessions"))
            #expect(try await here.get("/account/password").status == .ok)
            let wrong = try await here.post(
                "/account/password",
                [("current", "not-my-password"), ("password", "gravel orchid tundra pike"), ("confirm", "gravel orchid tundra pike")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.contains("Your current password is not right"))
            let weak = try await here.post(
                "/account/password", [("current", Fixtures.password), ("password", "letmein123456"), ("confirm", "letmein123456")])
            #expect(weak.body.contains("too easy to guess"))
            let ok = try await here.post(
                "/account/password",
                [("current", Fixtures.password), ("password", "gravel orchid tundra pike"), ("confirm", "gravel orchid tundra pike")])
            #expect(ok.location == "/account?saved=password")
            #expect(try await here.get("/reports").status == .ok)
            #expect(try await there.get("/reports").location?.hasPrefix("/sign-in") == true, "the other session ended")
            #expect(try await TestClient(app).signIn(user.email).status == .unprocessableEntity)
            #expect(try await TestClient(app).signIn(user.email, password: "gravel orchid tundra pike").status == .seeOther)
            #expect(try await AuditRows.all(app).contains { $0.action == "change_password" })
        }
    }

    @Test(arguments: TestDatabase.all)
    func signOutEverywhereAndSessionsEndAtTheirAbsoluteLifetime(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .analyst, services: [s])
            let a = TestClient(app), b = TestClient(app), c = TestClient(app)
            for x in [a, b, c] { try await x.signIn(user.email) }
            #expect(try await a.get("/account").body.contains("3 sessions"))
            #expect(try await a.post("/account/sessions/end-others", []).location == "/account?saved=others")
            #expect(try await b.get("/reports").location?.hasPrefix("/sign-in") == true)
            #expect(try await a.get("/account").body.contains("1 session"))
            try await b.signIn(user.email)
            #expect(try await a.post("/account/sessions/end-all", []).location == "/sign-in?signed_out=1")
            #expect(try await a.get("/reports").location?.hasPrefix("/sign-in") == true)
            #expect(try await b.get("/reports").location?.hasPrefix("/sign-in") == true)
            #expect(try await AuditRows.all(app).contains { $0.action == "sign_out_everywhere" })
            // Active every 20 minutes, but signed out 12 hours after signing in.
            try await c.signIn(user.email)
            for _ in 0..<35 {
                clock.advance(minutes: 20)
                #expect(try await c.get("/reports").status == .ok)
            }
            clock.advance(minutes: 21)
            #expect(try await c.get("/reports").location?.hasPrefix("/sign-in") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func adminsChooseWhichRolesNeedASecondFactorAndResetOne(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock, secondFactorAsShipped: true) { app in
            let s = try await Fixtures.service(app)
            let board = try await Fixtures.user(app, .board, services: [s])
            let admin = try await admin(app)
            let page = try await admin.get("/admin/sign-in-security")
            for role in [Role.practitioner, .manager, .victimWorker, .volunteer, .analyst] {
                #expect(page.body.contains(#"value="\#(role.rawValue)" checked"#), Comment(rawValue: role.rawValue))
            }
            #expect(!page.body.contains(#"value="board" checked"#))
            #expect(try await TestClient(app).signIn(board.email).location == "/")
            #expect(try await admin.post("/admin/sign-in-security", [("required[]", "nonsense")]).status == .unprocessableEntity)
            #expect(
                try await admin.post("/admin/sign-in-security", [("required[]", "board"), ("required[]", "manager")]).location
                    == "/admin/sign-in-security?saved=1")
            let b = TestClient(app)
            #expect(try await b.signIn(board.email).location == "/sign-in/two-factor/set-up")
            let secret = try #require(IdentityFlow.secret(try await b.get("/sign-in/two-factor/set-up").body))
            #expect(try await b.post("/sign-in/two-factor/set-up", [("code", IdentityFlow.code(secret, clock))]).status == .ok)
            #expect(try await b.get("/reports").status == .ok)
            // Lost phone: the admin resets it; sessions end and the next sign-in sets up anew.
            let path = "/admin/users/\(board.id!.uuidString.lowercased())/reset-two-factor"
            #expect(try await admin.get(path).body.contains("Yes, reset two-factor sign-in"))
            #expect(try await admin.post(path, []).location == "/admin/users?saved=two-factor-reset")
            #expect(try await b.get("/reports").location?.hasPrefix("/sign-in") == true)
            #expect(try await TestClient(app).signIn(board.email).location == "/sign-in/two-factor/set-up")
            let audit = try await AuditRows.all(app)
            #expect(audit.contains { $0.action == "change_sign_in_security" && $0.details?.contains("→ manager,board") == true })
            #expect(audit.contains { $0.action == "reset_second_factor" })
            // Only admins reach these pages.
            try await Fixtures.user(app, .manager, services: [s])
            let m = TestClient(app)
            #expect(try await m.signIn("manager@test.waypoint.test").location == "/sign-in/two-factor/set-up")
        }
    }

    @Test(arguments: TestDatabase.all)
    func theOperatorResetsAPasswordAndCreatesUsersWithCodesFromTheCommandLine(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .manager, services: [s])
            app.environment.arguments = ["waypoint", "user", "reset-password", "--email", user.email.uppercased()]
            try await app.execute()
            #expect(try await TestClient(app).signIn(user.email).status == .unprocessableEntity, "the old password stopped working")
            struct N: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM one_time_codes WHERE used_at IS NULL").first(decoding: N.self)?.n == 1)
            #expect(try await AuditRows.all(app).contains { $0.action == "reset_password" && $0.user_email == "command line" })
            app.environment.arguments = ["waypoint", "user", "reset-password", "--email", "nobody@example.org"]
            await #expect(throws: ExitError.self) { try await app.execute() }
            app.environment.arguments = [
                "waypoint", "user", "create", "--email", "new@example.org", "--name", "New Person", "--role", "analyst", "--service", s.code
            ]
            try await app.execute()
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM one_time_codes WHERE used_at IS NULL").first(decoding: N.self)?.n == 2)
            #expect(
                try await TestClient(app).signIn("new@example.org", password: Fixtures.password).status == .unprocessableEntity,
                "no password until they choose one")
        }
    }

    @Test(arguments: TestDatabase.all)
    func theStepsRefuseSessionsThatAreNotAtThem(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .analyst, services: [s])
            let anon = TestClient(app)
            for path in ["/sign-in/new-password", "/sign-in/two-factor", "/sign-in/two-factor/set-up"] {
                #expect(try await anon.get(path).location == "/sign-in", Comment(rawValue: path))
            }
            #expect(try await anon.get("/account").location?.hasPrefix("/sign-in") == true)
            let signedIn = TestClient(app)
            try await signedIn.signIn("analyst@test.waypoint.test")
            #expect(try await signedIn.get("/sign-in/two-factor").location == "/")
            #expect(try await signedIn.get("/account/two-factor").body.contains("data-secret="), "anyone may set up an authenticator")
        }
    }
}
