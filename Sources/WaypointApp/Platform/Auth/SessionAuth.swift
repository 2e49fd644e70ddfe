import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

enum SessionCookie {
    static let name = "wp_session"

    static func make(token: String, secure: Bool) -> HTTPCookies.Value {
        // HttpOnly and SameSite=Lax: Vapor's default session cookie is not HttpOnly (design.md).
        HTTPCookies.Value(
            string: token, expires: nil, maxAge: nil, domain: nil, path: "/",
            isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
    static func expired(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/",
            isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

enum Tokens {
    /// 32 random bytes, URL-safe base64.
    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    static func hash(_ token: String) -> String {
        Hex.lower(SHA256.hash(data: Data(token.utf8)))
    }
    /// Constant-time comparison.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

enum Sessions {
    /// Creates a session for the user and returns the cookie token.
    /// Creates a session for the user at a stage of signing in and returns the cookie token.
    static func start(userID: UUID, stage: SignInStage = .full, next: String? = nil, on db: Database, now: Date) async throws -> String {
        let token = Tokens.random()
        let s = UserSession()
        s.tokenHash = Tokens.hash(token)
        s.userID = userID
        s.csrfToken = Tokens.random()
        s.createdAt = now
        s.lastSeenAt = now
        try await s.create(on: db)
        try await db.sql.update("sessions").set("stage", to: SQLBind(stage.rawValue)).set(
            "next_path", to: SQLBind(next.map { String($0.prefix(2000)) })
        )
        .where("id", .equal, SQLBind(s.requireID())).run()
        return token
    }

    /// Ends every session of the user but one (nil: all of them).
    static func endAll(userID: UUID, except keep: UUID?, on db: Database) async throws {
        var q = UserSession.query(on: db).filter(\.$userID == userID)
        if let keep { q = q.filter(\.$id != keep) }
        try await q.delete()
    }

    static func endAll(userID: UUID, on db: Database) async throws {
        try await UserSession.query(on: db).filter(\.$userID == userID).delete()
    }
}

/// Reads the session cookie and signs the user in for this request. A session unused for
/// longer than the timeout, or whose user has been deactivated, is ended.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await authenticate(req)
        return try await next.respond(to: req)
    }

    /// Signs the session's user in for this request, or notes why not.
    private func authenticate(_ req: Request) async throws {
        guard let token = req.cookies[SessionCookie.name]?.string, !token.isEmpty else {
            return
        }
        let now = req.now
        struct Row {
            let session_id: UUID
            let csrf_token: String
            let last_seen_at: Date
            let user_id: UUID
            let email: String
            let name: String
            let role: String
            let active: Bool
            let created_at: Date
            let stage: String
            let next_path: String?
            let pending_totp_secret: String?
            /// One row per service the user is granted (none: one row with nil).
            let service_id: UUID?
            /// `reference_version.n`, read in the same statement (`ReferenceVersionSeen`).
            let reference_version: Int?

            init?(_ r: RowReader) {
                guard let session = r.uuid("session_id"), let csrf = r.string("csrf_token"), let seen = r.time("last_seen_at"),
                    let user = r.uuid("user_id"), let email = r.string("email"), let name = r.string("name"),
                    let role = r.string("role"), let active = r.bool("active"), let created = r.time("created_at"),
                    let stage = r.string("stage")
                else { return nil }
                (session_id, csrf_token, last_seen_at, created_at, self.stage) = (session, csrf, seen, created, stage)
                (user_id, self.email, self.name, self.role, self.active) = (user, email, name, role, active)
                (next_path, pending_totp_secret) = (r.string("next_path"), r.string("pending_totp_secret"))
                (service_id, reference_version) = (r.uuid("service_id"), r.int("reference_version"))
            }
        }
        // The session, its user, the user's services and the reference data's version in one statement.
        let tokenHash = Tokens.hash(token)
        let query = KeptStatements.statement("session", on: req.db.sql, binds: [tokenHash]) { db in
            db.select()
                .column(SQLColumn("id", table: "sessions"), as: "session_id")
                .columns(
                    ["csrf_token", "last_seen_at", "created_at", "stage", "next_path", "pending_totp_secret"].map {
                        SQLColumn($0, table: "sessions")
                    }
                )
                .column(SQLColumn("id", table: "users"), as: "user_id")
                .columns(["email", "name", "role", "active"].map { SQLColumn($0, table: "users") })
                .column(SQLColumn("service_id", table: "user_services"))
                .column(SQLRaw("(SELECT n FROM reference_version)"), as: "reference_version")
                .from("sessions")
                .join("users", on: SQLColumn("user_id", table: "sessions"), .equal, SQLColumn("id", table: "users"))
                .join(
                    "user_services", method: SQLJoinMethod.left, on: SQLColumn("user_id", table: "user_services"), .equal,
                    SQLColumn("id", table: "users")
                )
                .where(SQLColumn("token_hash", table: "sessions"), .equal, SQLBind(tokenHash))
        }
        let rows = try await Rows.collect(query) { Row($0) }
        guard let row = rows.first else {
            req.storage[SessionNotice.self] = .ended
            return
        }
        // Idle too long, or older than the absolute lifetime (so a change at the identity
        // provider, or a deactivation, takes effect within it whatever the session does).
        if now.timeIntervalSince(row.last_seen_at) > req.settings.sessionTimeout
            || now.timeIntervalSince(row.created_at) > req.settings.sessionLifetime
        {
            try await UserSession.query(on: req.db).filter(\.$id == row.session_id).delete()
            req.storage[SessionNotice.self] = .timedOut
            return
        }
        guard row.active, let role = Role(rawValue: row.role) else {
            try await Sessions.endAll(userID: row.user_id, on: req.db)
            req.storage[SessionNotice.self] = .ended
            return
        }
        let stage = SignInStage(rawValue: row.stage) ?? .full
        guard stage == .full else {
            // Part-way through signing in: only the next step's page is open to it.
            req.storage[PendingSignIn.Key.self] = PendingSignIn(
                sessionID: row.session_id, userID: row.user_id, email: row.email, name: row.name, role: role,
                stage: stage, csrfToken: row.csrf_token, next: row.next_path, pendingSecret: row.pending_totp_secret)
            return
        }
        if now.timeIntervalSince(row.last_seen_at) > 60 {
            try await UserSession.query(on: req.db).filter(\.$id == row.session_id)
                .set(\.$lastSeenAt, to: now).update()
        }
        let services = rows.compactMap(\.service_id)
        if req.method == .GET, let version = row.reference_version { req.storage[ReferenceVersionSeen.self] = version }
        req.auth.login(
            CurrentUser(
                id: row.user_id, email: row.email, name: row.name, role: role,
                serviceIDs: services, sessionID: row.session_id, csrfToken: row.csrf_token, pendingSecret: row.pending_totp_secret))
        req.logger[metadataKey: "user"] = .string(row.user_id.uuidString)
    }
}

enum SessionNotice: String, StorageKey {
    typealias Value = SessionNotice
    case timedOut = "timed_out"
    case ended
}

/// Every route behind this needs a signed-in user: pages redirect to sign-in, JSON gets 401.
struct RequireSignIn: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.currentUser != nil { return try await next.respond(to: req) }
        if let pending = req.pendingSignIn {
            if req.wantsJSON { return Problem.response(status: .unauthorized, detail: "Finish signing in to use Waypoint.") }
            return req.redirect(to: pending.stage.path)
        }
        if req.wantsJSON {
            return Problem.response(status: .unauthorized, detail: "Sign in to use Waypoint.")
        }
        var target = "/sign-in"
        if req.method == .GET {
            var path = req.url.path
            if let q = req.url.query { path += "?" + q }
            target += "?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        }
        if req.storage[SessionNotice.self] == .timedOut {
            target += (target.contains("?") ? "&" : "?") + "timeout=1"
        }
        return req.redirect(to: target)
    }
}
