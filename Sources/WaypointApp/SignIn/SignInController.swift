import Fluent
import Vapor
import WaypointDomain

/// Email and password sign-in (Bcrypt on a thread of its own), throttled per account and per
/// client address (`SignInThrottle`); the lock is written to the audit log.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.signIn, use: show)
        routes.post(path: Paths.signIn, use: submit)
        routes.post(path: Paths.signOut, use: signOut)
    }

    @Sendable func show(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: Paths.home) }
        if let pending = req.pendingSignIn { return req.redirect(to: pending.stage.path) }
        let q = try? req.query.decode(SignInQuery.self)
        var notice: String?
        if q?.timeout == "1" { notice = "You were signed out after a period of inactivity. Sign in again to continue." }
        if q?.signedOut == "1" { notice = "You have signed out." }
        let html = SignInView.render(
            PageContext(req), .init(email: "", next: q?.next ?? "", errors: [], notice: notice, sso: req.application.oidc?.config.label))
        return HTMLResponse.make(html)
    }

    struct SignInQuery: Decodable {
        let next: String?
        let timeout: String?
        let signedOut: String?
        enum CodingKeys: String, CodingKey { case next, timeout, signedOut = "signed_out" }
    }

    struct SignInForm: Decodable {
        let email: String?
        let password: String?
        let next: String?
    }

    static let maxEmailLength = 254
    static let maxPasswordBytes = 1024

    @Sendable func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let typedEmail = String((form.email ?? "").prefix(Self.maxEmailLength + 1))
        let email = normaliseEmail(typedEmail)
        let password = form.password ?? ""
        let next = String((form.next ?? "").prefix(2000))
        let ctx = PageContext(req)

        func fail(_ errors: [FieldError], status: HTTPResponseStatus = .unprocessableEntity) -> Response {
            HTMLResponse.make(
                SignInView.render(
                    ctx,
                    .init(
                        email: String(typedEmail.prefix(Self.maxEmailLength)), next: next, errors: errors, notice: nil,
                        sso: req.application.oidc?.config.label)),
                status: status)
        }

        // Lengths first: nothing unchecked reaches the database or the hasher.
        var missing: [FieldError] = []
        if email.isEmpty {
            missing.append(FieldError(field: "email", message: "Enter your email address"))
        } else if email.count > Self.maxEmailLength || email.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
            missing.append(FieldError(field: "email", message: "Enter an email address of \(Self.maxEmailLength) characters or fewer"))
        }
        if password.isEmpty {
            missing.append(FieldError(field: "password", message: "Enter your password"))
        } else if password.utf8.count > Self.maxPasswordBytes {
            missing.append(FieldError(field: "password", message: "Passwords are \(Self.maxPasswordBytes) characters or fewer"))
        }
        if !missing.isEmpty { return fail(missing) }

        let attempt: SignInAttempt
        switch try await Self.admit(req, email: email) {
        case .refused(let message): return fail([FieldError(field: "email", message: message)], status: .tooManyRequests)
        case .admitted(let a): attempt = a
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        // Verify even when there is no such user, so timing does not reveal which emails exist;
        // on the password thread, never on the event loops or the shared pools.
        let hash = user?.passwordHash ?? req.application.passwordChecks.dummyHash
        let ok = try await PasswordChecks.verify(password, hash: hash, app: req.application)
        guard let user, ok, user.active, let role = Role(rawValue: user.role) else {
            try await Self.failed(
                req, email: email, userID: user?.id,
                what: user == nil ? "password (no such account)" : (ok ? "password (deactivated)" : "password"))
            if let user, ok, !user.active {
                return fail(
                    [FieldError(field: "email", message: "This account has been deactivated. Ask your administrator if you need access.")],
                    status: .forbidden)
            }
            return fail([FieldError(field: "email", message: "The email address or password is not right. Check them and try again.")])
        }
        if role != .admin, try await Identity.ssoRequired(req) {
            try await Self.failed(req, email: email, userID: user.id, what: "password, but single sign-on is required")
            return fail(
                [
                    FieldError(
                        field: "email",
                        message: "Your organisation signs in to Waypoint with its own sign-in service: use the button above.")
                ], status: .forbidden)
        }
        return try await req.db.writeTransaction { db in
            try await Self.succeeded(attempt, email: email, on: db)
            return try await Self.proceed(req, userID: user.requireID(), role: role, email: email, next: next, how: "password", on: db)
        }
    }

    enum Admission {
        case admitted(SignInAttempt)
        case refused(String)
    }

    /// Throttling for every kind of sign-in attempt (password, one-time code, second factor):
    /// the attempt is written before anything is counted, so parallel attempts see each other,
    /// and of any number sent at once no more than the limit reach the check.
    static func admit(_ req: Request, email: String) async throws -> Admission {
        let now = req.now
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let gate = req.application.signInGate
        guard gate.admit(address, now: now) else {
            gate.failed(address, now: now)
            return .refused(Throttle.addressMessage(until: now.addingTimeInterval(gate.window), now: now))
        }
        let attempt = SignInAttempt(email: email, succeeded: false, at: now, address: address)
        try await attempt.create(on: req.db)
        switch try await SignInThrottle.check(
            email: email, address: address, attempt: attempt.requireID(), now: now, settings: req.settings, on: req.db)
        {
        case .open: return .admitted(attempt)
        case .accountWaits(let until):
            gate.failed(address, now: now)
            try await SignInThrottle.doesNotCount(attempt, on: req.db)
            return .refused(Throttle.lockedMessage(until: until, now: now))
        case .addressWaits(let until):
            gate.failed(address, now: now)
            try await SignInThrottle.doesNotCount(attempt, on: req.db)
            return .refused(Throttle.addressMessage(until: until, now: now))
        }
    }

    /// A failed attempt: counted towards the lock, audited, and the lock itself audited.
    static func failed(_ req: Request, email: String, userID: UUID?, what: String) async throws {
        let now = req.now
        req.application.signInGate.failed(req.remoteAddress?.ipAddress ?? "unknown", now: now)
        let failures = try await SignInThrottle.failures(email: email, now: now, on: req.db)
        try await Audit.record(on: req.db, at: now, userID: userID, userEmail: email, action: "sign_in_failed", details: what)
        if failures == req.settings.maxFailedSignIns {
            try await Audit.record(
                on: req.db, at: now, userID: userID, userEmail: email, action: "sign_in_locked",
                details: "\(req.settings.maxFailedSignIns) failed sign-ins")
        }
        req.logger.info("sign-in failed", metadata: ["step": .string(what)])
    }

    /// After a successful step: the attempt counts as a success and failures are cleared.
    static func succeeded(_ attempt: SignInAttempt, email: String, on db: any Database) async throws {
        attempt.succeeded = true
        try await attempt.update(on: db)
        try await SignInThrottle.clear(email: email, on: db)
    }

    /// Starts the session at the next stage and sends the person on (to `next` once signed in).
    static func proceed(_ req: Request, userID: UUID, role: Role, email: String, next: String, how: String, on db: any Database)
        async throws -> Response
    {
        let stage = try await Identity.nextStage(userID, role: role, on: db)
        let token = try await Sessions.start(userID: userID, stage: stage, next: next.isEmpty ? nil : next, on: db, now: req.now)
        try await Audit.record(
            on: db, at: req.now, userID: userID, userEmail: email, action: stage == .full ? "sign_in" : "sign_in_first_factor",
            details: stage == .full ? how : "\(how); next: \(stage.rawValue)")
        let res = req.redirect(to: stage == .full ? Paths.safeNext(next.isEmpty ? nil : next) : stage.path)
        res.cookies[SessionCookie.name] = SessionCookie.make(token: token, secure: req.settings.secureCookies)
        return res
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        let who = req.currentUser.map { ($0.sessionID, $0.id, $0.email) } ?? req.pendingSignIn.map { ($0.sessionID, $0.userID, $0.email) }
        if let (sessionID, userID, email) = who {
            try await req.db.writeTransaction { db in
                try await UserSession.query(on: db).filter(\.$id == sessionID).delete()
                try await Audit.record(on: db, at: req.now, userID: userID, userEmail: email, action: "sign_out")
            }
        }
        let res = req.redirect(to: Paths.signIn + "?signed_out=1")
        res.cookies[SessionCookie.name] = SessionCookie.expired(secure: req.settings.secureCookies)
        return res
    }
}

enum Throttle {

    static func lockedMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return
            "Too many failed sign-in attempts for this account. Try again after \(LondonTime(until).hourMinute) (in \(minutes) minute\(minutes == 1 ? "" : "s")), or ask your administrator to unlock it."
    }

    static func addressMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-in attempts from this network. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }
}

enum SignInView {
    /// The sign-in form: the address typed, where to go after, the last attempt's messages, a notice, and the single sign-on button's label when configured.
    struct SignInForm {
        let email: String
        let next: String
        let errors: [FieldError]
        let notice: String?
        var sso: String? = nil
    }

    static func render(_ ctx: PageContext, _ m: SignInForm) -> String {
        let (email, next, errors, notice, sso) = (m.email, m.next, m.errors, m.notice, m.sso)
        let err = FieldMessages(errors)
        var c = ctx
        c.notice = notice
        return Layout.page(
            title: "Sign in", c, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors),
                                C.h1("Sign in to Waypoint"),
                                sso.map { label in
                                    group([
                                        el(
                                            .a,
                                            [
                                                .href: Paths.with(Paths.signInSSO, [("next", next)]), .role: "button", .class: "button",
                                                .id: "sso"
                                            ], label),
                                        C.p("Or, if your administrator gave you a Waypoint password:")
                                    ])
                                } ?? group([]),
                                C.p("Use your email address and your password."),
                                el(
                                    .form, [.method: "post", .action: Paths.signIn, .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        voidEl(.input, [.type: "hidden", .name: "next", .value: next]),
                                        C.textInput(
                                            "email", label: "Email address", value: email, error: err("email"),
                                            type: "text", autocomplete: "username", spellcheck: false, inputmode: "email"),
                                        C.textInput(
                                            "password", label: "Password", value: "", error: err("password"),
                                            width: "input--width-20", type: "password", autocomplete: "current-password"),
                                        C.button("Sign in")
                                    ]),
                                C.p("New to Waypoint, or forgotten your password? Ask your administrator for a one-time code, then:"),
                                C.link("Sign in with a one-time code", Paths.signInWithCode)
                            ])
                    ])
            ])
    }
}
