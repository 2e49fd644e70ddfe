import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// How far a session has got through signing in. Only a `full` session signs the user in; the
/// others can only reach the page for their next step.
enum SignInStage: String, Sendable {
    case full
    /// Signed in with a one-time code, or told to: must choose a password first.
    case setPassword = "set_password"
    /// Password done; the authenticator's code (or a recovery code) next.
    case secondFactor = "second_factor"
    /// Password done; the role needs a second factor and none is set up yet.
    case enrol

    var path: String {
        switch self {
        case .full: Paths.home
        case .setPassword: Paths.newPassword
        case .secondFactor: Paths.twoFactor
        case .enrol: Paths.twoFactorSetUp
        }
    }
}

/// A session part-way through signing in (set by `SessionAuthenticator`).
struct PendingSignIn: Sendable {
    let sessionID: UUID
    let userID: UUID
    let email: String
    let name: String
    let role: Role
    let stage: SignInStage
    let csrfToken: String
    let next: String?
    let pendingSecret: String?

    struct Key: StorageKey { typealias Value = PendingSignIn }
}

extension Request {
    var pendingSignIn: PendingSignIn? { storage[PendingSignIn.Key.self] }
}

/// Passwords people set themselves, one-time codes, second factors and which roles need one.
enum Identity {
    /// How long a one-time code from an admin or the operator works.
    static let codeLifetime: TimeInterval = 72 * 3600
    static let recoveryCodeCount = 10
    /// An unusable password hash: after a reset the old password no longer works.
    static let noPassword = "!reset"

    static let rules: PasswordRules = {
        let url =
            Bundle.module.url(forResource: "common-passwords", withExtension: "txt", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "common-passwords", withExtension: "txt")
        let text = url.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        return PasswordRules(list: text)
    }()

    // MARK: Codes

    /// Letters and digits that cannot be mistaken for each other when read out or typed.
    static let codeAlphabet = Array("ABCDEFGHJKMNPQRSTVWXYZ23456789")

    static func randomCode(groups: Int, of size: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in String((0..<size).map { _ in codeAlphabet.randomElement(using: &g)! }) }.joined(separator: "-")
    }

    /// What is hashed: upper case, no spaces or dashes (bounded before use).
    static func normalise(_ typed: String) -> String {
        String(typed.prefix(64)).uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// A one-time code for the person to sign in with and choose their own password. Earlier codes
    /// stop working, the old password stops working and their sessions end. Returns the code and
    /// when it expires; the caller writes the audit entry in the same transaction.
    static func issueCode(for userID: UUID, by issuer: String, on db: any Database, now: Date) async throws -> (code: String, expires: Date)
    {
        let code = randomCode(groups: 3, of: 4)
        let expires = now.addingTimeInterval(codeLifetime)
        let sql = db.sql
        try await sql.update("one_time_codes").set("used_at", to: SQLBind(now)).where("user_id", .equal, SQLBind(userID)).where(
            "used_at", .is, SQLLiteral.null
        ).run()
        try await sql.insert(into: "one_time_codes").columns(
            "id", "user_id", "code_hash", "expires_at", "used_at", "issued_by", "created_at"
        )
        .values(
            SQLBind(UUID()), SQLBind(userID), SQLBind(Tokens.hash(normalise(code))), SQLBind(expires), SQLBind(nil as Date?),
            SQLBind(issuer), SQLBind(now)
        ).run()
        try await sql.update("users").set("password_hash", to: SQLBind(noPassword)).set("must_set_password", to: SQLBind(1))
            .where("id", .equal, SQLBind(userID)).run()
        try await Sessions.endAll(userID: userID, on: db)
        return (code, expires)
    }

    /// A new account with no password: the caller issues its one-time code (or links it to the
    /// provider). Used by the admin's form, `waypoint user create` and single sign-on requests.
    static func createUser(_ input: UserInput, on db: any Database) async throws -> User {
        let user = User(email: input.email, name: input.name, passwordHash: noPassword, role: input.role)
        try await user.create(on: db)
        for s in input.serviceIDs {
            guard let id = UUID(uuidString: s) else { continue }
            try await UserService(userID: user.requireID(), serviceID: id).create(on: db)
        }
        return user
    }

    /// A password reset by an admin or the operator: a one-time code, failed sign-ins cleared, audited.
    static func resetPassword(_ userID: UUID, email: String, by issuer: String, issuerID: UUID? = nil, on db: any Database, now: Date)
        async throws -> (code: String, expires: Date)
    {
        let issued = try await issueCode(for: userID, by: issuer, on: db, now: now)
        try await SignInThrottle.clear(email: email, on: db)
        try await Audit.record(
            on: db, at: now, userID: issuerID, userEmail: issuer, action: "reset_password",
            details: "user \(userID.uuidString); one-time code issued, expires \(DateFormatting.londonDateTime(issued.expires))")
        return issued
    }

    /// Uses up the person's one-time code if it is theirs, unused and unexpired.
    static func redeem(_ typed: String, userID: UUID, on db: any Database, now: Date) async throws -> Bool {
        let hash = Tokens.hash(normalise(typed))
        struct Row: Decodable { let id: UUID }
        let used = try await db.sql.update("one_time_codes").set("used_at", to: SQLBind(now))
            .where("user_id", .equal, SQLBind(userID)).where("code_hash", .equal, SQLBind(hash))
            .where("used_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, SQLBind(now))
            .returning("id").all(decoding: Row.self)
        return !used.isEmpty
    }

    // MARK: Passwords

    static func setPassword(_ userID: UUID, hash: String, on db: any Database, now: Date) async throws {
        try await db.sql.update("users").set("password_hash", to: SQLBind(hash)).set("must_set_password", to: SQLBind(0))
            .set("password_changed_at", to: SQLBind(now)).where("id", .equal, SQLBind(userID)).run()
    }

    // MARK: The user's state

    struct State: Decodable {
        let must_set_password: Int
        let totp_secret: String?
        let totp_last_step: Int64?
        let totp_enrolled_at: Date?
        var enrolled: Bool { totp_secret != nil }
        var secret: [UInt8]? { totp_secret.flatMap(Base32.decode) }
    }

    static func state(_ userID: UUID, on db: any Database) async throws -> State {
        guard
            let s = try await db.sql.select().columns("must_set_password", "totp_secret", "totp_last_step", "totp_enrolled_at").from(
                "users"
            )
            .where("id", .equal, SQLBind(userID)).first(decoding: State.self)
        else {
            throw WaypointError.notFound("That user could not be found.")
        }
        return s
    }

    /// Whether the role must use a second factor (admins set this; every role with case access by default).
    static func secondFactorRequired(_ role: Role, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let required: Bool }
        return try await db.sql.select().column("required").from("second_factor_roles").where("role", .equal, SQLBind(role.rawValue))
            .first(decoding: Row.self)?.required ?? SecondFactor.requiredByDefault(role)
    }

    static func requiredRoles(on db: any Database) async throws -> [Role: Bool] {
        struct Row: Decodable { let role: String; let required: Bool }
        var out: [Role: Bool] = [:]
        for r in Role.allCases { out[r] = SecondFactor.requiredByDefault(r) }
        for row in try await db.sql.select().columns("role", "required").from("second_factor_roles").all(decoding: Row.self) {
            if let role = Role(rawValue: row.role) { out[role] = row.required }
        }
        return out
    }

    static func setRequired(_ required: Set<Role>, on db: any Database) async throws {
        for role in Role.allCases {
            try await db.sql.delete(from: "second_factor_roles").where("role", .equal, SQLBind(role.rawValue)).run()
            try await db.sql.insert(into: "second_factor_roles").columns("role", "required").values(
                SQLBind(role.rawValue), SQLBind(required.contains(role))
            ).run()
        }
    }

    /// The step after the first factor (a password, or a one-time code once the password is set).
    static func nextStage(_ userID: UUID, role: Role, on db: any Database) async throws -> SignInStage {
        let s = try await state(userID, on: db)
        if s.must_set_password != 0 { return .setPassword }
        if s.enrolled { return .secondFactor }
        if try await secondFactorRequired(role, on: db) { return .enrol }
        return .full
    }

    // MARK: Single sign-on

    /// Whether everyone but admins (the break-glass accounts) must sign in through the provider.
    static func ssoRequired(_ req: Request) async throws -> Bool {
        guard req.application.oidc != nil else { return false }
        struct Row: Decodable { let require_sso: Bool }
        return try await req.db.sql.select().column("require_sso").from("sign_in_settings").first(decoding: Row.self)?.require_sso ?? false
    }

    static func setSSORequired(_ on: Bool, on db: any Database) async throws {
        try await db.sql.update("sign_in_settings").set("require_sso", to: SQLBind(on)).run()
    }

    // MARK: Second factor

    /// Checks a code from the person's authenticator; a code is accepted once only.
    static func verifyTOTP(_ typed: String, userID: UUID, on db: any Database, now: Date) async throws -> Bool {
        let s = try await state(userID, on: db)
        guard let secret = s.secret, let step = TOTP.verify(typed, secret: secret, at: now, after: s.totp_last_step) else { return false }
        // Recorded only if no other request used this step (or a later one) first.
        struct Row: Decodable { let id: UUID }
        let claimed = try await db.sql.update("users").set("totp_last_step", to: SQLBind(step)).where("id", .equal, SQLBind(userID))
            .where { $0.where("totp_last_step", .is, SQLLiteral.null).orWhere("totp_last_step", .lessThan, SQLBind(step)) }
            .returning("id").all(decoding: Row.self)
        return !claimed.isEmpty
    }

    /// Uses up one recovery code.
    static func useRecoveryCode(_ typed: String, userID: UUID, on db: any Database, now: Date) async throws -> Bool {
        let code = normalise(typed)
        guard code.count == 10 else { return false }
        struct Row: Decodable { let id: UUID }
        return
            !(try await db.sql.update("recovery_codes").set("used_at", to: SQLBind(now))
            .where("user_id", .equal, SQLBind(userID)).where("code_hash", .equal, SQLBind(Tokens.hash(code)))
            .where("used_at", .is, SQLLiteral.null).returning("id").all(decoding: Row.self)).isEmpty
    }

    static func recoveryCodesLeft(_ userID: UUID, on db: any Database) async throws -> Int {
        try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("recovery_codes")
            .where("user_id", .equal, SQLBind(userID)).where("used_at", .is, SQLLiteral.null)
            .first(decoding: CountRow.self)?.n ?? 0
    }
    struct CountRow: Decodable { let n: Int }

    /// Saves a confirmed authenticator and returns ten new recovery codes (shown once; only
    /// their hashes are kept). Replaces any earlier authenticator and codes.
    static func enrol(_ userID: UUID, secret: [UInt8], step: Int64, on db: any Database, now: Date) async throws -> [String] {
        try await db.sql.update("users").set("totp_secret", to: SQLBind(Base32.encode(secret))).set("totp_last_step", to: SQLBind(step))
            .set("totp_enrolled_at", to: SQLBind(now)).where("id", .equal, SQLBind(userID)).run()
        try await db.sql.delete(from: "recovery_codes").where("user_id", .equal, SQLBind(userID)).run()
        var codes: [String] = []
        for _ in 0..<recoveryCodeCount {
            let code = randomCode(groups: 2, of: 5)
            codes.append(code)
            try await db.sql.insert(into: "recovery_codes").columns("id", "user_id", "code_hash", "used_at")
                .values(SQLBind(UUID()), SQLBind(userID), SQLBind(Tokens.hash(normalise(code))), SQLBind(nil as Date?)).run()
        }
        return codes
    }

    /// Removes the person's authenticator and recovery codes and ends their sessions: they set
    /// up a new one at next sign-in if their role needs it.
    static func resetSecondFactor(_ userID: UUID, on db: any Database) async throws {
        try await db.sql.update("users").set("totp_secret", to: SQLBind(nil as String?)).set("totp_last_step", to: SQLBind(nil as Int64?))
            .set("totp_enrolled_at", to: SQLBind(nil as Date?)).where("id", .equal, SQLBind(userID)).run()
        try await db.sql.delete(from: "recovery_codes").where("user_id", .equal, SQLBind(userID)).run()
        try await Sessions.endAll(userID: userID, on: db)
    }

    // MARK: Sessions

    static func setStage(_ sessionID: UUID, _ stage: SignInStage, on db: any Database) async throws {
        try await db.sql.update("sessions").set("stage", to: SQLBind(stage.rawValue)).set(
            "pending_totp_secret", to: SQLBind(nil as String?)
        )
        .where("id", .equal, SQLBind(sessionID)).run()
    }

    static func setPendingSecret(_ sessionID: UUID, _ secret: String?, on db: any Database) async throws {
        try await db.sql.update("sessions").set("pending_totp_secret", to: SQLBind(secret)).where("id", .equal, SQLBind(sessionID)).run()
    }
}
