import Fluent
import Vapor
import WaypointDomain

/// Email and password sign-in (Bcrypt on a thread of its own), throttled per account and per
/// client address (`SignInThrottle`); the lock is written to the audit log.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("sign-in", use: show)
        routes.post("sign-in", use: submit)
        routes.post("sign-out", use: signOut)
    }

    @Sendable func show(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: Paths.home) }
        let q = try? req.query.decode(SignInQuery.self)
        var notice: String?
        if q?.timeout == "1" { notice = "You were signed out after a period of inactivity. Sign in again to continue." }
        if q?.signedOut == "1" { notice = "You have signed out." }
        let html = SignInView.render(PageContext(req), email: "", next: q?.next ?? "", errors: [], notice: notice)
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
            HTMLResponse.make(SignInView.render(ctx, email: String(typedEmail.prefix(Self.maxEmailLength)), next: next, errors: errors, notice: nil),
                              status: status)
        }

        // Lengths first: nothing unchecked reaches the database or the hasher.
        var missing: [FieldError] = []
        if email.isEmpty { missing.append(FieldError(field: "email", message: "Enter your email address")) }
        else if email.count > Self.maxEmailLength || email.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) {
            missing.append(FieldError(field: "email", message: "Enter an email address of \(Self.maxEmailLength) characters or fewer"))
        }
        if password.isEmpty { missing.append(FieldError(field: "password", message: "Enter your password")) }
        else if password.utf8.count > Self.maxPasswordBytes {
            missing.append(FieldError(field: "password", message: "Passwords are \(Self.maxPasswordBytes) characters or fewer"))
        }
        if !missing.isEmpty { return fail(missing) }

        let now = req.now
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let gate = req.application.signInGate
        guard gate.admit(address, now: now) else {
            gate.failed(address, now: now)
            return fail([FieldError(field: "email", message: Throttle.addressMessage(until: now.addingTimeInterval(req.application.signInGate.window), now: now))],
                        status: .tooManyRequests)
        }
        // The attempt is written before anything is counted, so parallel attempts see each other:
        // of any number sent at once, no more than the limit reach the password check.
        let attempt = SignInAttempt(email: email, succeeded: false, at: now, address: address)
        try await attempt.create(on: req.db)
        switch try await SignInThrottle.check(email: email, address: address, attempt: attempt.requireID(), now: now, settings: req.settings, on: req.db) {
        case .open: break
        case .accountWaits(let until):
            gate.failed(address, now: now)
            try await SignInThrottle.doesNotCount(attempt, on: req.db)
            return fail([FieldError(field: "email", message: Throttle.lockedMessage(until: until, now: now))], status: .tooManyRequests)
        case .addressWaits(let until):
            gate.failed(address, now: now)
            try await SignInThrottle.doesNotCount(attempt, on: req.db)
            return fail([FieldError(field: "email", message: Throttle.addressMessage(until: until, now: now))], status: .tooManyRequests)
        }

        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        // Verify even when there is no such user, so timing does not reveal which emails exist;
        // on the password thread, never on the event loops or the shared pools.
        let hash = user?.passwordHash ?? req.application.passwordChecks.dummyHash
        let ok = try await PasswordChecks.verify(password, hash: hash, app: req.application)
        guard let user, ok, user.active else {
            gate.failed(address, now: now)
            let failures = try await SignInThrottle.failures(email: email, now: now, on: req.db)
            if failures == req.settings.maxFailedSignIns {
                try await Audit.record(on: req.db, at: now, userID: user?.id, userEmail: email, action: "sign_in_locked",
                                       details: "\(req.settings.maxFailedSignIns) failed sign-ins")
            }
            req.logger.info("sign-in failed")
            if let user, ok, !user.active {
                return fail([FieldError(field: "email", message: "This account has been deactivated. Ask your administrator if you need access.")], status: .forbidden)
            }
            return fail([FieldError(field: "email", message: "The email address or password is not right. Check them and try again.")])
        }

        let token = try await req.db.writeTransaction { db in
            attempt.succeeded = true
            try await attempt.update(on: db)
            try await SignInThrottle.clear(email: email, on: db)
            try await Audit.record(on: db, at: now, userID: user.id, userEmail: email, action: "sign_in")
            return try await Sessions.start(userID: user.requireID(), on: db, now: now)
        }
        let res = req.redirect(to: Paths.safeNext(next.isEmpty ? nil : next))
        res.cookies[SessionCookie.name] = SessionCookie.make(token: token, secure: req.settings.secureCookies)
        return res
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        if let u = req.currentUser {
            try await req.db.writeTransaction { db in
                try await UserSession.query(on: db).filter(\.$id == u.sessionID).delete()
                try await Audit.record(on: db, at: req.now, userID: u.id, userEmail: u.email, action: "sign_out")
            }
        }
        let res = req.redirect(to: Paths.signIn + "?signed_out=1")
        res.cookies[SessionCookie.name] = SessionCookie.expired(secure: req.settings.secureCookies)
        return res
    }
}

enum Throttle {

    static func lockedMessage(until: Date, now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = TimeZone(identifier: "Europe/London")
        f.dateFormat = "HH:mm"
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-in attempts for this account. Try again after \(f.string(from: until)) (in \(minutes) minute\(minutes == 1 ? "" : "s")), or ask your administrator to unlock it."
    }

    static func addressMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-in attempts from this network. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }
}

enum SignInView {
    static func render(_ ctx: PageContext, email: String, next: String, errors: [FieldError], notice: String?) -> String {
        func err(_ f: String) -> String? { errors.first { $0.field == f }?.message }
        var c = ctx
        c.notice = notice
        return Layout.page(title: "Sign in", c, hasErrors: !errors.isEmpty, [
            el("div", ["class": "grid-row"], [
                el("div", ["class": "column-two-thirds"], [
                    C.errorSummary(errors),
                    C.h1("Sign in to Waypoint"),
                    C.p("Use the email address and password your administrator gave you."),
                    el("form", ["method": "post", "action": Paths.signIn, "novalidate": ""], [
                        Layout.csrfField(ctx.csrf),
                        voidEl("input", ["type": "hidden", "name": "next", "value": next]),
                        C.textInput("email", label: "Email address", value: email, error: err("email"),
                                    type: "text", autocomplete: "username", spellcheck: false, inputmode: "email"),
                        C.textInput("password", label: "Password", value: "", error: err("password"),
                                    width: "input--width-20", type: "password", autocomplete: "current-password"),
                        C.button("Sign in"),
                    ]),
                ]),
            ]),
        ])
    }
}
