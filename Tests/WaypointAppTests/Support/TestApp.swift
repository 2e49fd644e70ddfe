import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import WaypointApp
import WaypointDomain

/// The databases the HTTP suite runs on: SQLite always, PostgreSQL when
/// `WAYPOINT_TEST_POSTGRES_URL` is set (as `.ci/run` does).
enum TestDatabase: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    static var all: [TestDatabase] {
        ProcessInfo.processInfo.environment["WAYPOINT_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
    var testDescription: String { rawValue }
}

/// A settable clock, so tests can move time forward (session expiry, throttling windows).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date { lock.withLock { value } }
    func advance(minutes: Double) { lock.withLock { value = value.addingTimeInterval(minutes * 60) } }
}

/// 2024-03-27 10:00 UTC, a Wednesday.
let pinnedNow = Date(timeIntervalSince1970: 1_711_533_600)

/// Runs `body` against the real `configure` on a fresh database: an in-memory SQLite per test,
/// or a PostgreSQL database cloned from a migrated template.
/// Production requires a second factor for every role with case access (M0028); the suites about
/// other things sign in with a password only, so it is switched off for them unless
/// `secondFactorAsShipped` keeps the shipped setting (the identity tests).
func withTestApp(
    _ db: TestDatabase, clock: TestClock = TestClock(pinnedNow), secondFactorAsShipped: Bool = false,
    settings adjust: (inout Settings) -> Void = { _ in }, _ body: (Application) async throws -> Void
) async throws {
    var settings: Settings
    var pgDatabase: String?
    var sqliteDirectory: URL?
    switch db {
    case .sqlite:
        // A file of its own, removed afterwards: sqlite-kit keeps an "in-memory" database as a
        // temporary file it never deletes (a full run left about a thousand, some 2.5 GB, in /tmp).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        sqliteDirectory = dir
        settings = Settings(database: .sqliteFile(path: dir.appendingPathComponent("waypoint.sqlite").path))
    case .postgres:
        let (url, name) = try await PostgresTemplate.shared.freshDatabase()
        settings = Settings(database: .postgres(url: url))
        pgDatabase = name
    }
    settings.bcryptCost = 4
    settings.logRequests = false
    settings.now = { clock.now }
    adjust(&settings)
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, settings)
        if db == .sqlite { try await migrate(app) }
        if !secondFactorAsShipped { try await Identity.setRequired([], on: app.db) }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        if let pgDatabase { try? await PostgresTemplate.shared.drop(pgDatabase) }
        if let sqliteDirectory { try? FileManager.default.removeItem(at: sqliteDirectory) }
        throw error
    }
    try await app.asyncShutdown()
    if let pgDatabase { try? await PostgresTemplate.shared.drop(pgDatabase) }
    if let sqliteDirectory { try? FileManager.default.removeItem(at: sqliteDirectory) }
    // A statement kept by shape whose listed values do not match its own (`KeptStatements`).
    #expect(KeptStatements.shared.mismatched.isEmpty, "\(KeptStatements.shared.mismatched)")
}

/// Migrates once into a template database, then clones it per test (`CREATE DATABASE … TEMPLATE`).
actor PostgresTemplate {
    static let shared = PostgresTemplate()
    private var admin: Application?

    private var baseURL: String { ProcessInfo.processInfo.environment["WAYPOINT_TEST_POSTGRES_URL"] ?? "" }

    private func url(for database: String) -> String {
        var c = URLComponents(string: baseURL)!
        c.path = "/" + database
        return c.string!
    }

    private func adminApp() async throws -> Application {
        if let admin { return admin }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        var config = try SQLPostgresConfiguration(url: baseURL)
        config.searchPath = nil
        // Every test's database is made through this one pool, so a request may wait its turn
        // behind many: waiting is not a failure (at the default 10 s, waits timed out by the
        // hundred on a busy machine, each retried below).
        app.databases.use(
            .postgres(configuration: config, maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .minutes(10)), as: .psql)
        admin = app
        return app
    }

    private func run(_ sql: String) async throws {
        let app = try await adminApp()
        var lastError: (any Error)?
        for attempt in 0..<20 {
            do {
                try await app.db.sql.raw(SQLQueryString(sql)).run()
                return
            } catch {
                lastError = error
                try await Task.sleep(nanoseconds: UInt64(50_000_000 * (attempt + 1)))
            }
        }
        throw lastError!
    }

    /// One migration into the template, shared by every test (the actor is re-entrant, so the
    /// work is a single task that later callers await).
    private var setup: Task<String, any Error>?

    private func templateName() async throws -> String {
        if let setup { return try await setup.value }
        let task = Task { () async throws -> String in
            let name = "wp_test_template"
            try await self.run("DROP DATABASE IF EXISTS \(name)")
            try await self.run("CREATE DATABASE \(name)")
            let app = try await Application.make(.testing)
            app.logger.logLevel = .warning
            do {
                var settings = Settings(database: .postgres(url: self.url(for: name)))
                settings.logRequests = false
                try await configure(app, settings)
                try await migrate(app)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
            return name
        }
        setup = task
        return try await task.value
    }

    func freshDatabase() async throws -> (url: String, name: String) {
        let template = try await templateName()
        let name = "wp_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await run("CREATE DATABASE \(name) TEMPLATE \(template)")
        return (url(for: String(name)), String(name))
    }

    /// A database with nothing in it (not from the template).
    func emptyDatabase() async throws -> (url: String, name: String) {
        let name = "wp_e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await run("CREATE DATABASE \(name)")
        return (url(for: String(name)), String(name))
    }

    func drop(_ name: String) async throws {
        try await run("DROP DATABASE IF EXISTS \(name)")
    }
}

import FluentPostgresDriver
import SQLKit
