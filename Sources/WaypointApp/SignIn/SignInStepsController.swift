import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The steps after the first: signing in with a one-time code, choosing a password, the
/// authenticator's code, and setting up an authenticator when the role needs one. Each step's
/// page is open only to a session at that step.
struct SignInStepsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.signInWithCode, use: showCode)
        routes.post(path: Paths.signInWithCode, use: submitCode)
        routes.get(path: Paths.newPassword, use: showNewPassword)
        routes.post(path: Paths.newPassword, use: submitNewPassword)
        routes.get(path: Paths.twoFactor, use: showTwoFactor)
        routes.post(path: Paths.twoFactor, use: submitTwoFactor)
        routes.get(path: Paths.twoFactorSetUp, use: showSetUp)
        routes.post(path: Paths.twoFactorSetUp, use: submitSetUp)
    }

    static let maxCodeLength = 64

    enum Step {
        case at(PendingSignIn)
        case elsewhere(Response)
    }

    /// The session at this step, or a redirect to wherever the request belongs.
    static func pending(_ req: Request, at stage: SignInStage) -> Step {
        if req.currentUser != nil { return .elsewhere(req.redirect(to: Paths.home)) }
        guard let p = req.pendingSignIn else { return .elsewhere(req.redirect(to: Paths.signIn)) }
        guard p.stage == stage else { return .elsewhere(req.redirect(to: p.stage.path)) }
        return .at(p)
    }

    /// Moves the session on to the next step, or signs in fully and goes to `next`.
    static func advance(_ req: Request, _ p: PendingSignIn, how: String, on db: any Database) async throws -> (Response, SignInStage) {
        let stage = try await Identity.nextStage(p.userID, role: p.role, on: db)
        try await Identity.setStage(p.sessionID, stage, on: db)
        if stage == .full {
            try await Audit.record(on: db, at: req.now, userID: p.userID, userEmail: p.email, action: "sign_in", details: how)
            return (req.redirect(to: Paths.safeNext(p.next)), stage)
        }
        return (req.redirect(to: stage.path), stage)
    }

    // MARK: One-time code

    struct CodeForm: Decodable { let email: String?; let code: String? }

    @Sendable func showCode(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: Paths.home) }
        return HTMLResponse.make(IdentityViews.codeSignIn(PageContext(req), .init(email: "", errors: [])))
    }

    @Sendable func submitCode(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        let typedEmail = String((form.email ?? "").prefix(SignInController.maxEmailLength + 1))
        let email = normaliseEmail(typedEmail)
        let code = String((form.code ?? "").prefix(Self.maxCodeLength + 1))
        func fail(_ errors: [FieldError], _ status: HTTPResponseStatus = .unprocessableEntity) -> Response {
            HTMLResponse.make(
                IdentityViews.codeSignIn(
                    PageContext(req), .init(email: String(typedEmail.prefix(SignInController.maxEmailLength)), errors: errors)),
                status: status)
        }
        var errors: [FieldError] = []
        if email.isEmpty {
            errors.append(FieldError(field: "email", message: "Enter your email address"))
        } else if email.count > SignInController.maxEmailLength
            || email.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true })
        {
            errors.append(
                FieldError(field: "email", message: "Enter an email address of \(SignInController.maxEmailLength) characters or fewer"))
        }
        if code.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "code", message: "Enter the one-time code your administrator gave you"))
        } else if code.count > Self.maxCodeLength {
            errors.append(FieldError(field: "code", message: "The code is 12 letters and numbers, like ABCD-EFGH-JKMN"))
        }
        if !errors.isEmpty { return fail(errors) }
        let attempt: SignInAttempt
        switch try await SignInController.admit(req, email: email) {
        case .refused(let message): return fail([FieldError(field: "email", message: message)], .tooManyRequests)
        case .admitted(let a): attempt = a
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        if let user, user.role != Role.admin.rawValue, try await Identity.ssoRequired(req) {
            try await SignInController.failed(req, email: email, userID: user.id, what: "one-time code, but single sign-on is required")
            return fail(
                [
                    FieldError(
                        field: "email",
                        message: "Your organisation signs in to Waypoint with its own sign-in service: use the button on the sign-in page.")
                ], .forbidden)
        }
        // The code is used up by one atomic update, so two requests cannot both use it.
        guard let user, user.active, let role = Role(rawValue: user.role), let id = user.id,
            try await Identity.redeem(code, userID: id, on: req.db, now: req.now)
        else {
            try await SignInController.failed(req, email: email, userID: user?.id, what: "one-time code")
            return fail([
                FieldError(
                    field: "code",
                    message:
                        "The email address or code is not right, or the code has expired or been used already. Check them, or ask your administrator for a new code."
                )
            ])
        }
        return try await req.db.writeTransaction { db in
            try await SignInController.succeeded(attempt, email: email, on: db)
            return try await SignInController.proceed(req, userID: id, role: role, email: email, next: "", how: "one-time code", on: db)
        }
    }

    // MARK: Choosing a password

    struct PasswordForm: Decodable { let password: String?; let confirm: String?; let current: String? }

    @Sendable func showNewPassword(req: Request) async throws -> Response {
        switch Self.pending(req, at: .setPassword) {
        case .elsewhere(let r): return r
        case .at(let p): return HTMLResponse.make(IdentityViews.newPassword(PageContext(req), .init(name: p.name, errors: [])))
        }
    }

    @Sendable func submitNewPassword(req: Request) async throws -> Response {
        let p: PendingSignIn
        switch Self.pending(req, at: .setPassword) {
        case .elsewhere(let r): return r
        case .at(let x): p = x
        }
        let form = try req.content.decode(PasswordForm.self)
        if let errors = Self.check(form.password, confirm: form.confirm, email: p.email, name: p.name) {
            return HTMLResponse.make(
                IdentityViews.newPassword(PageContext(req), .init(name: p.name, errors: errors)), status: .unprocessableEntity)
        }
        let hash = try await PasswordChecks.hash(form.password ?? "", app: req.application)
        let (res, _) = try await req.db.writeTransaction { db in
            try await Identity.setPassword(p.userID, hash: hash, on: db, now: req.now)
            try await Audit.record(
                on: db, at: req.now, userID: p.userID, userEmail: p.email, action: "set_password", details: "chosen at sign-in")
            return try await Self.advance(req, p, how: "one-time code and a new password", on: db)
        }
        return res
    }

    /// The new password against the rules and its confirmation; nil when it is fine.
    static func check(_ password: String?, confirm: String?, email: String, name: String?) -> [FieldError]? {
        let new = password ?? ""
        if let problem = Identity.rules.problem(new, email: email, name: name) { return [FieldError(field: "password", message: problem)] }
        if (confirm ?? "") != new {
            return [FieldError(field: "confirm", message: "The passwords do not match. Type the same password twice")]
        }
        return nil
    }

    // MARK: The second factor

    struct CodeOnly: Decodable { let code: String? }

    @Sendable func showTwoFactor(req: Request) async throws -> Response {
        switch Self.pending(req, at: .secondFactor) {
        case .elsewhere(let r): return r
        case .at: return HTMLResponse.make(IdentityViews.twoFactor(PageContext(req), errors: []))
        }
    }

    @Sendable func submitTwoFactor(req: Request) async throws -> Response {
        let p: PendingSignIn
        switch Self.pending(req, at: .secondFactor) {
        case .elsewhere(let r): return r
        case .at(let x): p = x
        }
        let typed = String((try req.content.decode(CodeOnly.self).code ?? "").prefix(Self.maxCodeLength + 1))
        func fail(_ message: String, _ status: HTTPResponseStatus = .unprocessableEntity) -> Response {
            HTMLResponse.make(
                IdentityViews.twoFactor(PageContext(req), errors: [FieldError(field: "code", message: message)]), status: status)
        }
        let digits = typed.filter { !$0.isWhitespace }
        if digits.isEmpty { return fail("Enter the 6-digit code from your authenticator app, or a recovery code") }
        if typed.count > Self.maxCodeLength { return fail("Enter the 6-digit code from your authenticator app, or a recovery code") }
        let attempt: SignInAttempt
        switch try await SignInController.admit(req, email: p.email) {
        case .refused(let message): return fail(message, .tooManyRequests)
        case .admitted(let a): attempt = a
        }
        let isTOTP = digits.count == TOTP.digits && digits.allSatisfy(\.isASCIIDigit)
        // Each is one atomic update: a code (or a step of the authenticator) is accepted once.
        let ok =
            isTOTP
            ? try await Identity.verifyTOTP(typed, userID: p.userID, on: req.db, now: req.now)
            : try await Identity.useRecoveryCode(typed, userID: p.userID, on: req.db, now: req.now)
        guard ok else {
            try await SignInController.failed(
                req, email: p.email, userID: p.userID, what: isTOTP ? "second factor (authenticator)" : "second factor (recovery code)")
            return fail(
                isTOTP
                    ? "That code is not right, or has been used. Wait for a new code in your app and try again."
                    : "That recovery code is not right, or has been used already.")
        }
        return try await req.db.writeTransaction { db in
            try await SignInController.succeeded(attempt, email: p.email, on: db)
            var how = "password and authenticator"
            if !isTOTP {
                let left = try await Identity.recoveryCodesLeft(p.userID, on: db)
                how = "password and a recovery code (\(left) left)"
            }
            try await Identity.setStage(p.sessionID, .full, on: db)
            try await Audit.record(on: db, at: req.now, userID: p.userID, userEmail: p.email, action: "sign_in", details: how)
            return req.redirect(to: Paths.safeNext(p.next))
        }
    }

    // MARK: Setting up an authenticator

    @Sendable func showSetUp(req: Request) async throws -> Response {
        switch Self.pending(req, at: .enrol) {
        case .elsewhere(let r): return r
        case .at(let p):
            let secret = try await Self.pendingSecret(req, sessionID: p.sessionID, current: p.pendingSecret)
            return HTMLResponse.make(
                IdentityViews.setUp(
                    PageContext(req), .init(email: p.email, secret: secret, action: Paths.twoFactorSetUp, required: true, errors: [])))
        }
    }

    @Sendable func submitSetUp(req: Request) async throws -> Response {
        let p: PendingSignIn
        switch Self.pending(req, at: .enrol) {
        case .elsewhere(let r): return r
        case .at(let x): p = x
        }
        let typed = String((try req.content.decode(CodeOnly.self).code ?? "").prefix(Self.maxCodeLength + 1))
        let secret = try await Self.pendingSecret(req, sessionID: p.sessionID, current: p.pendingSecret)
        guard let step = TOTP.verify(typed, secret: secret, at: req.now, after: nil) else {
            return HTMLResponse.make(
                IdentityViews.setUp(
                    PageContext(req),
                    .init(
                        email: p.email, secret: secret, action: Paths.twoFactorSetUp, required: true,
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
            let codes = try await Identity.enrol(p.userID, secret: secret, step: step, on: db, now: req.now)
            try await Audit.record(
                on: db, at: req.now, userID: p.userID, userEmail: p.email, action: "enrol_second_factor",
                details: "authenticator app, at sign-in")
            try await Identity.setStage(p.sessionID, .full, on: db)
            try await Audit.record(
                on: db, at: req.now, userID: p.userID, userEmail: p.email, action: "sign_in", details: "password and a new authenticator")
            return codes
        }
        // The session is now signed in: the page carries its header.
        return HTMLResponse.make(
            IdentityViews.recoveryCodes(PageContext(user: nil, csrf: p.csrfToken), .init(codes: codes, next: Paths.safeNext(p.next))))
    }

    /// The secret being set up on this session, made on first sight and kept until confirmed.
    static func pendingSecret(_ req: Request, sessionID: UUID, current: String?) async throws -> [UInt8] {
        if let current, let s = Base32.decode(current), s.count == 20 { return s }
        let s = TOTP.newSecret()
        try await Identity.setPendingSecret(sessionID, Base32.encode(s), on: req.db)
        return s
    }
}
