import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Signing in through the organisation's identity provider: authorization code with PKCE,
/// `state` and `nonce`. The person is matched by the provider's subject id; their groups at the
/// provider decide their role, services and team at every sign-in when a group map is set.
struct SSOController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.signInSSO, use: start)
        routes.get(path: Paths.signInSSOCallback, use: callback)
    }

    /// How long a sign-in at the provider may take.
    static let requestLifetime: TimeInterval = 10 * 60

    static func base64URL(_ data: some Sequence<UInt8>) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Sendable func start(req: Request) async throws -> Response {
        guard let provider = req.application.oidc else {
            throw WaypointError.notFound("Single sign-on is not set up on this server. Sign in with your password.")
        }
        if req.currentUser != nil { return req.redirect(to: Paths.home) }
        let next = String((req.query[String.self, at: "next"] ?? "").prefix(2000))
        let now = req.now
        let d: OIDCProvider.Discovery
        do { d = try await provider.discovery(now: now) } catch {
            req.logger.warning("single sign-on: \(error)")
            return Self.refuse(
                req,
                "Your organisation's sign-in service cannot be reached just now. Try again in a few minutes, or sign in with your password if you have one.",
                status: .badGateway)
        }
        let state = Tokens.random(), nonce = Tokens.random(), verifier = Tokens.random() + Tokens.random()
        let challenge = Self.base64URL(SHA256.hash(data: Data(verifier.utf8)))
        // Old unfinished sign-ins go; this one is kept (by the hash of its state) until used.
        try await req.db.sql.delete(from: "oidc_requests").where(
            "created_at", .lessThan, SQLBind(now.addingTimeInterval(-Self.requestLifetime))
        ).run()
        try await req.db.sql.insert(into: "oidc_requests").columns("state_hash", "nonce", "verifier", "next_path", "created_at")
            .values(SQLBind(Tokens.hash(state)), SQLBind(nonce), SQLBind(verifier), SQLBind(next.isEmpty ? nil : next), SQLBind(now)).run()
        let c = provider.config
        let url = Paths.with(
            d.authorization_endpoint,
            [
                ("response_type", "code"), ("client_id", c.clientID), ("redirect_uri", c.redirectURL), ("scope", c.scopes),
                ("state", state), ("nonce", nonce), ("code_challenge", challenge), ("code_challenge_method", "S256")
            ])
        return req.redirect(to: url)
    }

    struct CallbackQuery: Decodable {
        let state: String?
        let code: String?
        let error: String?
        let error_description: String?
    }

    @Sendable func callback(req: Request) async throws -> Response {
        guard let provider = req.application.oidc else {
            throw WaypointError.notFound("Single sign-on is not set up on this server. Sign in with your password.")
        }
        let q = (try? req.query.decode(CallbackQuery.self)) ?? CallbackQuery(state: nil, code: nil, error: nil, error_description: nil)
        let now = req.now
        guard let state = q.state, !state.isEmpty, state.utf8.count <= 512 else {
            return Self.refuse(req, "This sign-in did not come from Waypoint. Start again from the sign-in page.")
        }
        // Used once: the row goes as it is read, so a replayed callback finds nothing.
        struct Pending: Decodable { let nonce: String; let verifier: String; let next_path: String?; let created_at: Date }
        let pending = try await req.db.sql.delete(from: "oidc_requests").where("state_hash", .equal, SQLBind(Tokens.hash(state)))
            .returning("nonce", "verifier", "next_path", "created_at").first(decoding: Pending.self)
        guard let pending, now.timeIntervalSince(pending.created_at) <= Self.requestLifetime else {
            try await Self.failed(req, email: nil, what: "single sign-on: unknown, used or expired state")
            return Self.refuse(req, "This sign-in has expired or has been used already. Start again from the sign-in page.")
        }
        if let error = q.error {
            try await Self.failed(req, email: nil, what: "single sign-on: the provider said \(String(error.prefix(100)))")
            return Self.refuse(
                req, "Your organisation's sign-in service did not sign you in (\(String((q.error_description ?? error).prefix(200)))).")
        }
        guard let code = q.code, !code.isEmpty, code.utf8.count <= 4096 else {
            return Self.refuse(req, "This sign-in did not come from Waypoint. Start again from the sign-in page.")
        }
        let who: OIDCProvider.Identity
        do {
            let token = try await provider.idToken(code: code, verifier: pending.verifier, now: now)
            who = try await provider.verify(token, nonce: pending.nonce, now: now)
        } catch let f as OIDCProvider.Failure {
            req.logger.warning("single sign-on refused: \(f)")
            try await Self.failed(req, email: nil, what: "single sign-on: \(f)")
            if case .provider = f {
                return Self.refuse(
                    req, "Your organisation's sign-in service cannot be reached just now. Try again in a few minutes.", status: .badGateway)
            }
            return Self.refuse(
                req,
                "Waypoint could not confirm who you are with your organisation's sign-in service. Start again; if it happens again, tell your administrator."
            )
        }
        return try await signIn(req, who, config: provider.config, next: pending.next_path ?? "")
    }

    /// The person the provider vouched for: linked, pending, refused or signed in.
    func signIn(_ req: Request, _ who: OIDCProvider.Identity, config: OIDCConfig, next: String) async throws -> Response {
        let now = req.now
        struct U: Decodable { let id: UUID; let email: String; let role: String; let active: Bool }
        let user = try await req.db.sql.select().columns("id", "email", "role", "active").from("users")
            .where("oidc_issuer", .equal, SQLBind(config.issuer)).where("oidc_subject", .equal, SQLBind(who.subject)).first(
                decoding: U.self)
        let label = who.email ?? who.subject
        guard let user else {
            // Never matched by email alone: an admin approves or links them.
            if config.pendingAccounts {
                try await req.db.writeTransaction { db in
                    try await db.sql.delete(from: "sso_requests").where("issuer", .equal, SQLBind(config.issuer)).where(
                        "subject", .equal, SQLBind(who.subject)
                    ).run()
                    try await db.sql.insert(into: "sso_requests").columns("id", "issuer", "subject", "email", "name", "groups", "at")
                        .values(
                            SQLBind(UUID()), SQLBind(config.issuer), SQLBind(who.subject), SQLBind(who.email), SQLBind(who.name),
                            SQLBind(who.groups.joined(separator: "\n")), SQLBind(now)
                        ).run()
                    try await Audit.record(
                        on: db, at: now, userID: nil, userEmail: label, action: "sso_pending_account", details: "subject \(who.subject)")
                }
                return Self.refuse(
                    req,
                    "Your organisation account is not yet linked to Waypoint. Your administrator has been asked to approve it; sign in again once they have.",
                    status: .forbidden)
            }
            try await Self.failed(req, email: label, what: "single sign-on: unknown person (subject \(who.subject))")
            return Self.refuse(
                req, "Your organisation account is not linked to Waypoint. Ask your administrator for access.", status: .forbidden)
        }
        guard user.active, var role = Role(rawValue: user.role) else {
            try await Self.failed(req, email: user.email, what: "single sign-on: deactivated")
            return Self.refuse(req, "This account has been deactivated. Ask your administrator if you need access.", status: .forbidden)
        }
        // The provider's groups decide the role and services, at every sign-in.
        if !config.groupMap.isEmpty {
            guard let rule = config.rule(for: who.groups) else {
                try await req.db.writeTransaction { db in
                    try await Sessions.endAll(userID: user.id, on: db)
                    try await Audit.record(
                        on: db, at: now, userID: user.id, userEmail: user.email, action: "sign_in_failed",
                        details: "single sign-on: in none of the mapped groups at the provider; sessions ended")
                }
                return Self.refuse(
                    req,
                    "Your organisation account is not in any group that gives access to Waypoint. Ask your administrator if you need access.",
                    status: .forbidden)
            }
            role = rule.role
            try await Self.place(user.id, email: user.email, rule: rule, on: req.db, now: now, today: req.today)
        }
        let placedRole = role
        return try await req.db.writeTransaction { db in
            let token = try await Sessions.start(userID: user.id, stage: .full, on: db, now: now)
            try await Audit.record(
                on: db, at: now, userID: user.id, userEmail: user.email, action: "sign_in",
                details: "single sign-on (\(placedRole.rawValue)); second factor by the provider")
            let res = req.redirect(to: Paths.safeNext(next.isEmpty ? nil : next))
            res.cookies[SessionCookie.name] = SessionCookie.make(token: token, secure: req.settings.secureCookies)
            return res
        }
    }

    /// Sets the role, services and team a group rule gives, writing what changed to the audit.
    static func place(_ userID: UUID, email: String, rule: OIDCConfig.GroupRule, on db: any Database, now: Date, today: LocalDate)
        async throws
    {
        struct S: Decodable { let id: UUID; let code: String }
        let services = try await db.sql.select().columns("id", "code").from("services").all(decoding: S.self)
        let ids = rule.serviceCodes.compactMap { code in services.first { $0.code.uppercased() == code }?.id }
        struct R: Decodable { let role: String }
        let before = try await db.sql.select().column("role").from("users").where("id", .equal, SQLBind(userID)).first(decoding: R.self)?
            .role
        let granted = Set(try await UserService.query(on: db).filter(\.$userID == userID).all().map(\.serviceID))
        var team: UUID?
        if let name = rule.team, let first = ids.first {
            struct T: Decodable { let id: UUID }
            team = try await db.sql.select().column("id").from("teams").where("service_id", .equal, SQLBind(first)).where(
                "name", .equal, SQLBind(name)
            ).first(decoding: T.self)?.id
        }
        guard before != rule.role.rawValue || granted != Set(ids) || rule.team != nil else { return }
        let chosenTeam = team
        try await db.writeTransaction { db in
            try await db.sql.update("users").set("role", to: SQLBind(rule.role.rawValue)).where("id", .equal, SQLBind(userID)).run()
            if granted != Set(ids) {
                try await UserService.query(on: db).filter(\.$userID == userID).delete()
                for id in ids { try await UserService(userID: userID, serviceID: id).create(on: db) }
            }
            if let chosenTeam { try await Workers.setTeam(userID, chosenTeam, from: today, on: db, now: now) }
            if before != rule.role.rawValue || granted != Set(ids) {
                try await Audit.record(
                    on: db, at: now, userID: userID, userEmail: email, action: "sso_placed",
                    details:
                        "group \(rule.group): role \(before ?? "?") → \(rule.role.rawValue); services \(rule.serviceCodes.joined(separator: ","))"
                )
            }
        }
    }

    static func failed(_ req: Request, email: String?, what: String) async throws {
        try await Audit.record(
            on: req.db, at: req.now, userID: nil, userEmail: email ?? "single sign-on", action: "sign_in_failed", details: what)
    }

    /// The sign-in page with what went wrong.
    static func refuse(_ req: Request, _ message: String, status: HTTPResponseStatus = .badRequest) -> Response {
        HTMLResponse.make(
            SignInView.render(
                PageContext(req),
                .init(
                    email: "", next: "", errors: [FieldError(field: "sso", message: message)], notice: nil,
                    sso: req.application.oidc?.config.label)), status: status)
    }
}
