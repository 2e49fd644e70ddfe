import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

enum DatabaseSetup {
    static func configure(_ app: Application, _ choice: Settings.DatabaseChoice) throws {
        switch choice {
        case .sqliteFile(let path):
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = nil
            // No just-in-time compilation: compiling costs more than Waypoint's queries take (a
            // report's national read paid about 140 ms for it per statement).
            config.coreConfiguration.options.additionalStartupParameters.append(("jit", "off"))
            // Reading a page at random costs little more than reading the next one (solid-state
            // storage, a database held in memory), as PostgreSQL's documentation advises for such
            // disks: at the default of 4 the planner read all 120,000 offences to find one service's
            // 600 (15 ms, against 5 ms through the child index).
            config.coreConfiguration.options.additionalStartupParameters.append(("random_page_cost", "1.1"))
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        }
    }
}

extension DatabaseSetup {
    /// SQLite settings for many people at once: write-ahead logging (readers — a report — never
    /// block writers, nor writers readers), `synchronous=NORMAL` (safe with WAL), and a busy
    /// timeout so a writer waits its turn (sleeping) instead of failing or spinning. WAL is kept
    /// in the file; the other two hold per connection, so they are set on every event loop's
    /// connection here and again at the start of each write transaction.
    static let sqlitePragmas = ["PRAGMA busy_timeout = 10000", "PRAGMA synchronous = NORMAL"]

    /// Reading settings, set once on each serving connection: a 32 MB page cache and no memory map.
    /// SQLite drops what a connection holds whenever another connection has written, which on a busy
    /// server is every request (each page's audit entries): its page cache, and, with a memory map,
    /// the whole map (`munmap` at the start of the next read, then a page fault for every page
    /// touched again). Served with a 1 GB map and without, in turn on the same 20,000 children
    /// (3 December), the server spent less CPU per request without: My work 6.3–6.7 ms against
    /// 6.6–7.8, the register's "Smith" 10.2–11.2 against 11.7–14.6, the child page 3.3–3.8 against
    /// 4.0–4.7. Reports map the file for their large reads and set these back after (`Rows`).
    static let sqliteReadPragmas = ["PRAGMA mmap_size = 0", "PRAGMA cache_size = -32768"]

    static func prepareSQLite(_ app: Application) async throws {
        guard app.settings.database.kind == "sqlite" else { return }
        try await app.db.sql.raw("PRAGMA journal_mode = WAL").run()
        for loop in app.eventLoopGroup.makeIterator() {
            guard let db = app.databases.database(logger: app.logger, on: loop) else { continue }
            try await db.withConnection { conn in
                for p in sqlitePragmas + sqliteReadPragmas { try await conn.sql.raw(SQLQueryString(p)).run() }
            }
        }
        try await analyzeSQLite(app.db)
    }

    /// The planner's statistics after a bulk load (the demo, an import), on either database. PostgreSQL
    /// takes them by itself, but in its own time (its autovacuum wakes a minute or more later), and
    /// until then plans for the tables as they were: served straight after `waypoint demo` at 20,000
    /// children, My work gave 350 requests/s on PostgreSQL, and 565 once the statistics were taken.
    static func refreshStatistics(_ db: any Database) async throws {
        if db.sql.dialect.name == "postgresql" {
            try await db.sql.raw("ANALYZE").run()
        } else {
            try await analyzeSQLite(db)
        }
    }

    /// Table statistics for SQLite's query planner, which PostgreSQL keeps by itself. Without them
    /// SQLite guesses, and for a question such as "case manager or co-worker in this service" it
    /// guessed the service's index and read every intervention of the service (7.5 ms) where the
    /// two worker indexes answer in 0.1 ms. Run at start and every hour while serving
    /// (`SQLiteStatistics`), as `PRAGMA optimize`: only the tables with an index that has no
    /// statistics yet, or that grew or shrank tenfold since theirs, are analysed (sampled:
    /// `analysis_limit`). A plain `ANALYZE` counts every index exactly (the bundled SQLite keeps
    /// fourth-generation statistics), which at 300,000 children read the whole 2 GB file: most of
    /// the two seconds every `waypoint` command then took to start.
    static func analyzeSQLite(_ db: any Database) async throws {
        try await db.withConnection { conn in
            try await conn.sql.raw("PRAGMA analysis_limit = 1000").run()
            // 0x10002: analyse the tables that need it, judged by their size now (not only those
            // this connection has queried).
            try await conn.sql.raw("PRAGMA optimize = 0x10002").run()
        }
    }
}

/// Refreshes SQLite's table statistics every hour while the server runs.
struct SQLiteStatistics: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        guard app.settings.database.kind == "sqlite" else { return }
        let task = app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .hours(1), delay: .hours(1)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do { try await DatabaseSetup.analyzeSQLite(app.db) } catch { app.logger.warning("refreshing SQLite's statistics failed") }
            }
        }
        app.storage[SQLiteStatisticsTask.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        app.storage[SQLiteStatisticsTask.self]?.cancel()
    }
}

struct SQLiteStatisticsTask: StorageKey { typealias Value = RepeatedTask }

extension Database {
    /// SQLKit view of the database: every query in Waypoint runs on both dialects.
    /// On PostgreSQL its statements go by name, each prepared once per connection (`PreparedStatements`).
    var sql: any SQLDatabase {
        let base = self as! any SQLDatabase
        if let pg = self as? any PostgresDatabase { return PreparingPostgresDatabase(base: base, pg: pg) }
        return base
    }

    /// The one way to write: a transaction that takes SQLite's write lock at `BEGIN IMMEDIATE`
    /// (a deferred transaction that reads first and then writes can fail with `SQLITE_BUSY`
    /// whatever the timeout); on PostgreSQL an ordinary transaction. Nested calls join the outer one.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if WriteTransaction.active { return try await body(self) }
        guard isSQLite else {
            return try await transaction { db in try await WriteTransaction.$active.withValue(true) { try await body(db) } }
        }
        return try await withConnection { conn in
            for p in DatabaseSetup.sqlitePragmas { try await conn.sql.raw(SQLQueryString(p)).run() }
            try await conn.sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await WriteTransaction.$active.withValue(true) { try await body(conn) }
                try await conn.sql.raw("COMMIT").run()
                return result
            } catch {
                try? await conn.sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    private var isSQLite: Bool { (self as? any SQLDatabase)?.dialect.name == "sqlite" }
}

enum WriteTransaction {
    @TaskLocal static var active = false
}

extension Array {
    /// Slices of at most `size` elements, for IN lists that must stay under the bind limits.
    func chunked(_ size: Int = 500) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
