import Foundation
import Vapor

/// Everything that varies between a developer's machine, a test and production.
public struct Settings: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)

        public var kind: String {
            if case .postgres = self { return "postgres" }
            return "sqlite"
        }
    }

    public var database: DatabaseChoice
    /// Sign a user out after this much inactivity.
    public var sessionTimeout: TimeInterval = 30 * 60
    /// Sign a user out this long after signing in, however active (12 hours: a working day).
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// Bcrypt cost: 12 in production; tests lower it to keep the suite fast.
    public var bcryptCost: Int = 12
    /// Mark cookies `Secure` (set when served over HTTPS).
    public var secureCookies: Bool = false
    /// The clock: injected so tests can pin "now".
    public var now: @Sendable () -> Date = { Date() }
    /// Failed sign-ins allowed per account within `throttleWindow` before it is locked.
    public var maxFailedSignIns: Int = 5
    public var throttleWindow: TimeInterval = 15 * 60
    public var logRequests: Bool = true
    /// Failed sign-ins from one client address within `throttleWindow` before it must wait (a
    /// council's staff may all sign in from one address, so it is well above the per-account limit).
    public var maxFailedSignInsPerAddress: Int = 50
    /// The largest form body any route collects (1 MB): everything but uploads.
    public var maxFormBytes: Int = 1_048_576
    /// The largest upload (a bundle .zip), streamed to disk as it arrives.
    public var maxUploadBytes: Int = 256 * 1_048_576
    /// Password checks waiting for the hashing thread before more are turned away (503).
    public var maxQueuedPasswordChecks: Int = 64
    /// The least time from one write of reads' audit entries to the next (`AuditWriter.spacing`).
    public var auditSpacingMilliseconds: Int = AuditWriter.defaultSpacingMilliseconds
    /// Single sign-on with an OpenID Connect provider (`WAYPOINT_OIDC_*`); nil when not set up.
    var oidc: OIDCConfig?
    /// A `WAYPOINT_OIDC_*` setting that is wrong: the server refuses to start with it.
    var oidcProblem: String?

    public init(database: DatabaseChoice) { self.database = database }

    /// Reads `DATABASE_URL`, `WAYPOINT_DATA_DIR`, `WAYPOINT_SESSION_TIMEOUT_MINUTES`, `WAYPOINT_SESSION_LIFETIME_HOURS`,
    /// `WAYPOINT_SECURE_COOKIES`, `WAYPOINT_MAX_FORM_KB` (16–16384), `WAYPOINT_MAX_UPLOAD_MB` (1–4096).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
        var settings: Settings
        if let url = env["DATABASE_URL"], !url.isEmpty {
            settings = Settings(database: .postgres(url: url))
        } else {
            let dir = env["WAYPOINT_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
            settings = Settings(database: .sqliteFile(path: (dir as NSString).appendingPathComponent("waypoint.sqlite")))
        }
        if let m = env["WAYPOINT_SESSION_TIMEOUT_MINUTES"].flatMap(Double.init), m > 0 {
            settings.sessionTimeout = m * 60
        }
        if let h = env["WAYPOINT_SESSION_LIFETIME_HOURS"].flatMap(Double.init), h > 0, h <= 24 * 30 {
            settings.sessionLifetime = h * 3600
        }
        settings.secureCookies = env["WAYPOINT_SECURE_COOKIES"] == "true"
        do { settings.oidc = try OIDCConfig.fromEnvironment(env) } catch { settings.oidcProblem = "\(error)" }
        if let kb = env["WAYPOINT_MAX_FORM_KB"].flatMap(Int.init), (16...16_384).contains(kb) { settings.maxFormBytes = kb * 1024 }
        if let ms = env["WAYPOINT_AUDIT_SPACING_MS"].flatMap(Int.init), (0...1000).contains(ms) { settings.auditSpacingMilliseconds = ms }
        if let mb = env["WAYPOINT_MAX_UPLOAD_MB"].flatMap(Int.init), (1...4096).contains(mb) { settings.maxUploadBytes = mb * 1_048_576 }
        return settings
    }
}

struct SettingsKey: StorageKey { typealias Value = Settings }

extension Application {
    public var settings: Settings {
        get { storage[SettingsKey.self] ?? Settings(database: .sqliteMemory) }
        set { storage[SettingsKey.self] = newValue }
    }
}

extension Request {
    var settings: Settings { application.settings }
    var now: Date { application.settings.now() }
    /// Today in Europe/London.
    var today: LocalDateValue { LocalDateValue.today(at: now) }
}

import WaypointDomain
typealias LocalDateValue = LocalDate
