import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// The signed-in person's own account: their password, their authenticator and their sessions.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.account, use: show)
        routes.get(path: Paths.changePassword, use: showPassword)
        routes.post(path: Paths.changePassword, use: changePassword)
        routes.get(path: Paths.accountTwoFactor, use: showTwoFactor)
        routes.post(path: Paths.accountTwoFactor, use: setUpTwoFactor)
        routes.post(path: Paths.endOtherSessions, use: endOthers)
        routes.post(path: Paths.endAllSessions, use: endAll)
    }

    struct SessionRow: Decodable {
        let id: UUID
        let created_at: Date
        let last_seen_at: Date
        let stage: String
    }

    @Sendable func show(req: Request) async throws -> Response {
        let u = try req.user()
        let state = try await Identity.state(u.id, on: req.db)
        let required = try await Identity.secondFactorRequired(u.role, on: req.db)
        let left = try await Identity.recoveryCodesLeft(u.id, on: req.db)
        let sessions = try await req.db.sql.select().columns("id", "created_at", "last_seen_at", "stage").from("sessions")
            .where("user_id", .equal, SQLBind(u.id)).orderBy("last_seen_at", .descending).limit(100).all(decoding: SessionRow.self)
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "password": "Your password has been changed. Your other sessions have been signed out."
            case "others": "Your other sessions have been signed out."
            default: nil
            }
        return HTMLResponse.make(
            IdentityViews.account(
                PageContext(req, notice: notice),
                AccountPage(
                    u, state: state, required: required, recoveryLeft: left, sessions: sessions,
                    lifetime: req.settings.sessionLifetime)))
    }

    @Sendable func showPassword(req: Request) async throws -> Response {
        _ = try req.user()
        return HTMLResponse.make(IdentityViews.changePassword(PageContext(req), errors: []))
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let u = try req.user()
        let form = try req.content.decode(SignInStepsController.PasswordForm.self)
        func fail(_ errors: [FieldError], _ status: HTTPResponseStatus = .unprocessableEntity) -> Response {
            HTMLResponse.make(IdentityViews.changePassword(PageContext(req), errors: errors), status: status)
        }
        let current = form.current ?? ""
        if current.isEmpty { return fail([FieldError(field: "current", message: "Enter your current password")]) }
        if current.utf8.count > PasswordRules.maximumBytes {
            return fail([FieldError(field: "current", message: "Your current password is not right")])
        }
        if let errors = SignInStepsController.check(form.password, confirm: form.confirm, email: u.email, name: u.name) {
            return fail(errors)
        }
        if form.password == current {
            return fail([FieldError(field: "password", message: "Choose a password different from your current one")])
        }
        // The current password is checked like a sign-in: throttled, failures counted and audited.
        let attempt: SignInAttempt
        switch try await SignInController.admit(req, email: u.email) {
        case .refused(let message): return fail([FieldError(field: "current", message: message)], .tooManyRequests)
        case .admitted(let a): attempt = a
        }
        guard let user = try await User.find(u.id, on: req.db),
            try await PasswordChecks.verify(current, hash: user.passwordHash, app: req.application)
        else {
            try await SignInController.failed(req, email: u.email, userID: u.id, what: "current password, changing it")
            return fail([FieldError(field: "current", message: "Your current password is not right")])
        }
        let hash = try await PasswordChecks.hash(form.password ?? "", app: req.application)
        try await req.db.writeTransaction { db in
            try await SignInController.succeeded(attempt, email: u.email, on: db)
            try await Identity.setPassword(u.id, hash: hash, on: db, now: req.now)
            try await Sessions.endAll(userID: u.id, except: u.sessionID, on: db)
            try await Audit.record(req, on: db, action: "change_password", details: "by themselves; other sessions ended")
        }
        return req.redirect(to: Paths.account + "?saved=password")
    }

    @Sendable func showTwoFactor(req: Request) async throws -> Response {
        let u = try req.user()
        let secret = try await SignInStepsController.pendingSecret(req, sessionID: u.sessionID, current: u.pendingSecret)
        return HTMLResponse.make(
            IdentityViews.setUp(
                PageContext(req),
                .init(
                    email: u.email, secret: secret, action: Paths.accountTwoFactor,
                    required: false, replacing: try await Identity.state(u.id, on: req.db).enrolled, errors: [])))
    }

    @Sendable func setUpTwoFactor(req: Request) async throws -> Response {
        let u = try req.user()
        let typed = String(
            (try req.content.decode(SignInStepsController.CodeOnly.self).code ?? "").prefix(SignInStepsController.maxCodeLength + 1))
        let secret = try await SignInStepsController.pendingSecret(req, sessionID: u.sessionID, current: u.pendingSecret)
        let replacing = try await Identity.state(u.id, on: req.db).enrolled
        guard let step = TOTP.verify(typed, secret: secret, at: req.now, after: nil) else {
            return HTMLResponse.make(
                IdentityViews.setUp(
                    PageContext(req),
                    .init(
                        email: u.email, secret: secret, action: Paths.accountTwoFactor, required: false, replacing: replacing,
                        errors: [
                            FieldError(
                                field: "code",
                                message:
                                    "That code is not right. Check the app shows Waypoint and your email, and enter the code it shows now."
                            )
                        ])),
                status: .unprocessableEntity)
        }
        let codes = try await req.db.writeTransaction { db in
            let codes = try await Identity.enrol(u.id, secret: secret, step: step, on: db, now: req.now)
            try await Identity.setPendingSecret(u.sessionID, nil, on: db)
            try await Audit.record(
                req, on: db, action: "enrol_second_factor", details: replacing ? "authenticator app replaced" : "authenticator app")
            return codes
        }
        return HTMLResponse.make(IdentityViews.recoveryCodes(PageContext(req), .init(codes: codes, next: Paths.account)))
    }

    @Sendable func endOthers(req: Request) async throws -> Response {
        let u = try req.user()
        try await req.db.writeTransaction { db in
            try await Sessions.endAll(userID: u.id, except: u.sessionID, on: db)
            try await Audit.record(req, on: db, action: "sign_out_other_sessions")
        }
        return req.redirect(to: Paths.account + "?saved=others")
    }

    @Sendable func endAll(req: Request) async throws -> Response {
        let u = try req.user()
        try await req.db.writeTransaction { db in
            try await Sessions.endAll(userID: u.id, except: nil, on: db)
            try await Audit.record(req, on: db, action: "sign_out_everywhere")
        }
        let res = req.redirect(to: Paths.signIn + "?signed_out=1")
        res.cookies[SessionCookie.name] = SessionCookie.expired(secure: req.settings.secureCookies)
        return res
    }
}

/// The person's own account: who they are, their second factor, and where they are signed in.
struct AccountPage {
    struct Session {
        let signedIn: Date
        let lastActive: Date
        /// The session this page is shown in.
        let isThis: Bool
        /// Signed in with a password but not yet through every step.
        let partWay: Bool
    }
    let name: String
    let email: String
    let role: String
    let enrolled: Bool
    let enrolledAt: Date?
    /// The role must use two factors.
    let required: Bool
    let recoveryLeft: Int
    let sessions: [Session]
    /// A session's longest life, in hours.
    let lifetimeHours: Int

    init(
        _ u: CurrentUser, state: Identity.State, required: Bool, recoveryLeft: Int, sessions: [AccountController.SessionRow],
        lifetime: TimeInterval
    ) {
        name = u.name
        email = u.email
        role = u.role.label
        enrolled = state.enrolled
        enrolledAt = state.totp_enrolled_at
        self.required = required
        self.recoveryLeft = recoveryLeft
        self.sessions = sessions.map {
            Session(
                signedIn: $0.created_at, lastActive: $0.last_seen_at, isThis: $0.id == u.sessionID,
                partWay: $0.stage != SignInStage.full.rawValue)
        }
        lifetimeHours = Int(lifetime / 3600)
    }
}
