import FluentSQLiteDriver
import Foundation
import PostgresKit
import SQLKit
import WaypointDomain

/// The fast way to read rows, for pages and reports alike. SQLKit's `all(decoding:)` is fine for a
/// row or two; for a list it costs more than the query. On SQLite its driver hands every row to an
/// event loop of its own (a wake-up and a thread switch per row: under My work the wake-ups' system
/// calls alone were 4% of the server's time), and on both databases each row goes through Codable,
/// finding each column by name twice (`OpenWorkRow` alone, 70 rows a page, was 7%).
///
/// `collect` reads each row where the driver produces it (on SQLite the connection's own thread, as
/// SQLite steps; on PostgreSQL each value decoded by its type straight from the cell) and keeps what
/// `make` returns. `all(_:decoding:)` does the same for a `Decodable` row, for lists not worth a
/// reader of their own. Both log the statement as SQLKit does ("Executing query"), so query counts
/// and SQL logging see them.
enum Rows {
    /// Rows streamed into a list (the handler runs on one thread at a time).
    private final class Collector<T>: @unchecked Sendable {
        var items: [T] = []
        var error: (any Error)?
    }

    /// Runs `q` and keeps what `make` returns for each row. `largeRead` (reports) maps the SQLite file
    /// into memory and keeps a larger page cache on the connection first. `reserving`: room for that
    /// many rows made first (a guess, at most a few million), so that a large read's list is not
    /// copied to larger and larger new memory as it grows (each copy's pages zeroed afresh by the
    /// kernel; room never filled is never touched).
    static func collect<T>(
        _ q: any SQLQueryBuilder, largeRead: Bool = false, reserving: Int = 0, _ make: @escaping @Sendable (RowReader) -> T?
    ) async throws -> [T] {
        try await read(q, largeRead: largeRead, cells: true, reserving: reserving) { r, c in if let t = make(r) { c.items.append(t) } }
    }

    /// Runs `q` and decodes each row as `T` (column names as the type's coding keys).
    static func all<T: Decodable & Sendable>(_ q: any SQLQueryBuilder, decoding: T.Type) async throws -> [T] {
        try await read(q, largeRead: false, cells: false) { r, c in
            guard c.error == nil else { return }
            do { c.items.append(try r.decode(T.self)) } catch { c.error = error }
        }
    }

    private static func read<T>(
        _ q: any SQLQueryBuilder, largeRead: Bool, cells: Bool, reserving: Int = 0,
        _ each: @escaping @Sendable (RowReader, Collector<T>) -> Void
    ) async throws -> [T] {
        let c = Collector<T>()
        c.items.reserveCapacity(min(max(reserving, 0), 4_000_000))
        let db = q.database
        let lite = db as? any SQLiteDatabase
        // (On PostgreSQL `Database.sql` gives `PreparingPostgresDatabase`, over the driver's.)
        let pg = cells ? ((db as? PreparingPostgresDatabase)?.pg ?? (db as? any PostgresDatabase)) : nil
        guard lite != nil || pg != nil else {
            // The generic way (SQLKit serializes and logs the statement itself).
            try await db.execute(sql: q.query) { row in each(RowReader(row: row), c) }
            if let error = c.error { throw error }
            return c.items
        }
        var s = SQLSerializer(database: db)
        q.query.serialize(to: &s)
        let sql = s.sql
        func log() {
            if let level = db.queryLogLevel { db.logger.log(level: level, "Executing query", metadata: ["sql": .string(sql)]) }
        }
        if let lite {
            log()
            let encoder = SQLiteDataEncoder()
            let binds = try s.binds.map { try encoder.encode($0) }
            try await lite.withConnection { conn in
                if largeRead {
                    // Per connection; the default 2 MB cache re-reads pages from the kernel.
                    try await conn.query("PRAGMA mmap_size = 4294967296", []) { _ in }
                    try await conn.query("PRAGMA cache_size = -131072", []) { _ in }
                }
                try await conn.query(sql, binds) { row in each(RowReader(lite: row), c) }
                if largeRead {
                    // The connection serves pages again: without the map (see `DatabaseSetup`).
                    for p in DatabaseSetup.sqliteReadPragmas { try await conn.query(p, []) { _ in } }
                }
            }
        } else if let pg, let (bindings, types) = PreparedStatements.bindings(s.binds) {
            log()
            if !largeRead, let name = PreparedStatements.name(for: sql, types: types) {
                let columns = PostgresColumns()
                try await PreparedStatements.run(name, sql, bindings, types: types, in: pg) { row in
                    columns.nextRow()
                    each(RowReader(pg: PostgresRandomAccessRow(row), columns: columns), c)
                }
            } else {
                // A report's large read, or a statement not to keep: unnamed. (Every connection
                // has just-in-time compilation off: `DatabaseSetup`.)
                let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
                let columns = PostgresColumns()
                _ = try await pg.withConnection { conn in
                    conn.query(query, logger: conn.logger) { row in
                        columns.nextRow()
                        each(RowReader(pg: PostgresRandomAccessRow(row), columns: columns), c)
                    }
                }.get()
            }
        } else {
            // (SQLKit logs the statement itself.)
            try await db.execute(sql: q.query) { row in each(RowReader(row: row), c) }
        }
        if let error = c.error { throw error }
        return c.items
    }
}

/// A PostgreSQL statement's column names in order, learnt from its first row. A value is found by
/// comparing the few short names, where the driver's lookup by name hashed the name twice for every
/// value (in a national report, millions of values: a tenth of its processor time). Used by one
/// reader at a time, as its rows arrive.
final class PostgresColumns: @unchecked Sendable {
    private var names: [String] = []
    private var learnt = false
    /// The names a row's reader asked for, in the order it asked, with what each was found to be:
    /// every row of a statement is read the same way, so the next row's first question is most
    /// likely the first of these. (Two equal short names compare at once; unequal ones are compared
    /// as text. A national kpis run asked 2.2 million times of its interventions alone.)
    private var asked: [(name: String, index: Int?)] = []
    private var question = 0

    /// A new row: its reader starts asking again.
    func nextRow() { question = 0 }

    func index(of name: String, in row: PostgresRandomAccessRow) -> Int? {
        defer { question += 1 }
        if question < asked.count, asked[question].name == name { return asked[question].index }
        if !learnt {
            names = (0..<row.count).map { row[$0].columnName }
            learnt = true
        }
        // The last of two columns of one name, as the driver's own lookup.
        let found = names.lastIndex(of: name)
        if question < asked.count {
            asked[question] = (name, found)
        } else if question == asked.count, asked.count < 64 {
            asked.append((name, found))
        }
        return found
    }
}

/// A row's values by column name: on SQLite straight from the row's values (ids as the stored
/// text), on PostgreSQL each value decoded by its type from the cell, elsewhere through the row's
/// own decoding. Ids as text come back upper-case either way.
struct RowReader {
    private let row: (any SQLRow)?
    private let lite: SQLiteRow?
    private let pg: PostgresRandomAccessRow?
    /// The statement's column names (PostgreSQL).
    private let columns: PostgresColumns?

    init(row: any SQLRow) {
        self.row = row
        self.lite = row as? SQLiteRow
        self.pg = nil
        self.columns = nil
    }
    init(lite: SQLiteRow) { self.row = nil; self.lite = lite; self.pg = nil; self.columns = nil }
    init(pg: PostgresRandomAccessRow, columns: PostgresColumns) { self.row = nil; self.lite = nil; self.pg = pg; self.columns = columns }

    /// A PostgreSQL cell, when the row has the column.
    private func cell(_ c: String) -> PostgresCell? {
        guard let pg, let n = columns?.index(of: c, in: pg), n < pg.count else { return nil }
        return pg[n]
    }

    /// A value: on SQLite as `lite` reads it from the stored value, on PostgreSQL decoded by its type
    /// from the cell, elsewhere through the row's decoding.
    private func value<V: PostgresDecodable & Decodable>(_ c: String, _ lite: (SQLiteData) -> V?) -> V? {
        if let row = self.lite { return row.column(c).flatMap(lite) }
        if pg != nil {
            guard let cell = cell(c), cell.bytes != nil else { return nil }  // no such column, or NULL
            return try? cell.decode(V.self)
        }
        return (try? row?.decode(column: c, as: V?.self)) ?? nil
    }

    func string(_ c: String) -> String? { value(c) { $0.string } }
    func int(_ c: String) -> Int? { value(c) { $0.integer } }
    func bool(_ c: String) -> Bool? { value(c) { $0.bool } }
    func double(_ c: String) -> Double? { value(c) { $0.double } }

    /// A date and time, exactly as the driver decodes one (on SQLite rounded to the microsecond).
    func time(_ c: String) -> Date? { value(c) { Date(sqliteData: $0) } }

    /// A date and time as seconds since 1970 (stored as a number on SQLite, a timestamp on PostgreSQL),
    /// unrounded on SQLite.
    func seconds(_ c: String) -> Double? {
        if let lite { return lite.column(c)?.double }
        return time(c)?.timeIntervalSince1970
    }

    /// An ISO date column (parsed from its bytes: no Foundation date made).
    func date(_ c: String) -> LocalDate? {
        if pg != nil {
            // Dates are stored as ISO text: read from the cell's bytes, no string made.
            guard let bytes = cell(c)?.bytes else { return nil }
            return bytes.withUnsafeReadableBytes { LocalDate(isoBytes: $0.bindMemory(to: UInt8.self)) }
        }
        guard var text = string(c) else { return nil }
        return text.withUTF8 { LocalDate(isoBytes: $0) }
    }

    /// A coded column as its value.
    func coded<E: RawRepresentable>(_ c: String) -> E? where E.RawValue == String {
        string(c).flatMap(E.init(rawValue:))
    }

    /// The row's child as `finder`'s keys name it, by their place in the report's scope where the
    /// row was read through it (`scope_child`), else by `child_id`; nil when the keys have no such child.
    func child(_ finder: KeyMap.Finder) -> String? {
        if let n = int("scope_child") { return n >= 0 && n < finder.keys.byPlace.count ? finder.keys.byPlace[n] : nil }
        return uuid("child_id").flatMap { finder.key($0) }
    }

    /// An id as its upper-case text.
    func id(_ c: String) -> String? {
        // Fluent stores a UUID on SQLite as its upper-case text.
        if let lite { return lite.column(c)?.string }
        if pg != nil { return ((try? cell(c)?.decode(UUID?.self)) ?? nil).map { UUIDText.string($0) } }
        return ((try? row?.decode(column: c, as: UUID?.self)) ?? nil).map { UUIDText.string($0) }
    }

    /// An id as its lower-case text, as reports name records (on PostgreSQL one string made, not an
    /// upper-case one first).
    func lowerID(_ c: String) -> String? {
        if let lite { return lite.column(c)?.string.map(UUIDText.lowercased) }
        if pg != nil { return ((try? cell(c)?.decode(UUID?.self)) ?? nil).map { UUIDText.string($0, lowercase: true) } }
        return id(c).map(UUIDText.lowercased)
    }

    /// What `byText` (keyed by ids' upper-case text) or `byID` (the same by id) holds for the id in
    /// column `c`: on SQLite by the stored text, elsewhere by the id read (on PostgreSQL no text is
    /// made for it: national children's services, 165,727 strings made and hashed for nothing).
    func lookup<V>(_ c: String, byText: [String: V], byID: [UUID: V]) -> V? {
        if let lite { return lite.column(c)?.string.flatMap { byText[$0] } }
        return uuid(c).flatMap { byID[$0] }
    }

    /// An id.
    func uuid(_ c: String) -> UUID? {
        if let lite {
            guard let text = lite.column(c)?.string else { return nil }
            return UUIDText.id(text)
        }
        if pg != nil { return (try? cell(c)?.decode(UUID?.self)) ?? nil }
        return (try? row?.decode(column: c, as: UUID?.self)) ?? nil
    }

    /// The row decoded as `T` (column names as its coding keys).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let lite { return try lite.sql().decode(model: T.self) }
        guard let row else { throw ReportRunner.Failure(description: "a PostgreSQL row read by cell is not decoded whole") }
        return try row.decode(model: T.self)
    }
}
