import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Throttling that holds under parallel requests and cannot keep an owner out for good.
/// - Per account: after `maxFailedSignIns` failures (that still count, within a day) the account
///   waits, 1 minute after the last failure, doubling with each further failure up to
///   `throttleWindow`. Attempts refused while waiting do not count, so the wait never grows past
///   that; a successful sign-in or an administrator's unlock clears the count.
/// - Per client address: `maxFailedSignInsPerAddress` failures (that count) within `throttleWindow`
///   make that address wait until the oldest of them leaves the window.
/// Each attempt is written before the counts are read (see `SignInController.submit`).
enum SignInThrottle {
    enum Decision: Equatable { case open, accountWaits(until: Date), addressWaits(until: Date) }

    static func check(email: String, address: String, attempt: UUID, now: Date, settings: Settings, on db: any Database) async throws
        -> Decision
    {
        let day = now.addingTimeInterval(-24 * 3600)
        let mine = try await SignInAttempt.query(on: db).filter(\.$email == email).filter(\.$succeeded == false)
            .filter(\.$counts == true).filter(\.$at >= day).filter(\.$id != attempt).sort(\.$at, .ascending).all()
        if mine.count >= settings.maxFailedSignIns, let last = mine.last {
            let over = min(mine.count - settings.maxFailedSignIns, 20)
            let wait = min(settings.throttleWindow, 60 * pow(2, Double(over)))
            let until = last.at.addingTimeInterval(wait)
            if until > now { return .accountWaits(until: until) }
        }
        let window = now.addingTimeInterval(-settings.throttleWindow)
        let fromHere = try await SignInAttempt.query(on: db).filter(\.$address == address).filter(\.$succeeded == false)
            .filter(\.$counts == true).filter(\.$at >= window).filter(\.$id != attempt).sort(\.$at, .ascending).all()
        if fromHere.count >= settings.maxFailedSignInsPerAddress {
            let oldest = fromHere[fromHere.count - settings.maxFailedSignInsPerAddress]
            return .addressWaits(until: oldest.at.addingTimeInterval(settings.throttleWindow))
        }
        return .open
    }

    /// Failures of the account that count now (for the audit of a lock).
    static func failures(email: String, now: Date, on db: any Database) async throws -> Int {
        try await SignInAttempt.query(on: db).filter(\.$email == email).filter(\.$succeeded == false)
            .filter(\.$counts == true).filter(\.$at >= now.addingTimeInterval(-24 * 3600)).count()
    }

    static func doesNotCount(_ attempt: SignInAttempt, on db: any Database) async throws {
        attempt.counts = false
        try await attempt.update(on: db)
    }

    /// After a successful sign-in or an administrator's unlock: earlier failures stop counting.
    static func clear(email: String, on db: any Database) async throws {
        try await db.sql.update("sign_in_attempts").set("counts", to: SQLBind(false))
            .where("email", .equal, SQLBind(email)).where("succeeded", .equal, SQLBind(false)).run()
    }
}

/// The first line, in memory and before any database work: once an address has had `limit`
/// sign-ins that did not succeed within `window`, its further attempts are turned away at once
/// (so a flood of wrong passwords costs the database and the hasher nothing). Successful
/// sign-ins do not count: a council's staff signing in from one address are never held back.
/// The database counts above stay the rule; this only sheds load. Entries of past windows are
/// dropped when the table grows.
final class SignInGate: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = NIOLockedValueBox([String: (start: Date, count: Int)]())

    init(limit: Int = 30, window: TimeInterval = 10) {
        self.limit = limit
        self.window = window
    }

    func admit(_ address: String, now: Date) -> Bool {
        failures.withLockedValue { table in
            guard let e = table[address], now.timeIntervalSince(e.start) < window, now >= e.start else { return true }
            return e.count < limit
        }
    }

    func failed(_ address: String, now: Date) {
        failures.withLockedValue { table in
            if table.count > 10_000 { table = table.filter { now.timeIntervalSince($0.value.start) < window } }
            var e = table[address] ?? (now, 0)
            if now.timeIntervalSince(e.start) >= window || now < e.start { e = (now, 0) }
            e.count += 1
            table[address] = e
        }
    }
}

/// Bcrypt runs on one thread of its own, so sign-ins (wanted or not) can take at most one core
/// and never hold up the event loops or the database's thread pool. Past
/// `maxQueuedPasswordChecks` waiting, further sign-ins are turned away at once (503).
final class PasswordChecks: Sendable {
    private let queue = DispatchQueue(label: "waypoint.passwords")
    private let waiting = NIOLockedValueBox(0)
    /// A valid hash of a random string at the app's cost, verified when the email is unknown, so
    /// timing does not tell which emails have accounts.
    let dummyHash: String

    init(cost: Int) { dummyHash = (try? Bcrypt.hash(Tokens.random(), cost: cost)) ?? "" }

    static func verify(_ password: String, hash: String, app: Application) async throws -> Bool {
        try await app.passwordChecks.run(limit: app.settings.maxQueuedPasswordChecks) {
            (try? Bcrypt.verify(password, created: hash)) ?? false
        }
    }

    static func hash(_ password: String, app: Application) async throws -> String {
        let cost = app.settings.bcryptCost
        return try await app.passwordChecks.run(limit: app.settings.maxQueuedPasswordChecks) { try Bcrypt.hash(password, cost: cost) }
    }

    struct Key: StorageKey { typealias Value = PasswordChecks }

    fileprivate func run<T: Sendable>(limit: Int, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = waiting.withLockedValue { n -> Bool in
            guard n < limit else { return false }
            n += 1
            return true
        }
        guard admitted else {
            throw WaypointError.unavailable("Waypoint is handling many sign-ins at once. Wait a moment and try again.")
        }
        return try await withCheckedThrowingContinuation { cont in
            queue.async {
                defer { self.waiting.withLockedValue { $0 -= 1 } }
                cont.resume(with: Result { try work() })
            }
        }
    }
}

extension Application {
    /// Set once by `configure`.
    var signInGate: SignInGate {
        get { storage[SignInGateKey.self] ?? SignInGate() }
        set { storage[SignInGateKey.self] = newValue }
    }

    /// Set once by `configure`.
    var passwordChecks: PasswordChecks {
        get { storage[PasswordChecks.Key.self] ?? PasswordChecks(cost: settings.bcryptCost) }
        set { storage[PasswordChecks.Key.self] = newValue }
    }
}

struct SignInGateKey: StorageKey { typealias Value = SignInGate }
