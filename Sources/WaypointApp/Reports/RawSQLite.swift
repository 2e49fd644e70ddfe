import FluentKit
import Foundation
import SQLiteNIO
import VaporCSQLite
import WaypointDomain

/// A read-only connection of its own to the SQLite file, for reports at national scale.
///
/// Reports read hundreds of thousands of rows. Through the driver each row becomes a dictionary
/// of values before Waypoint sees it; here each value is read straight from SQLite's statement,
/// on the calling thread. It is the same SQLite library the driver uses (SQLiteNIO's), opened
/// read-only: a report can never write. One read transaction spans a run, so every query of a
/// report sees the same data.
final class RawSQLite: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private var handle: OpaquePointer?
    /// Held while a query runs, so that `close` waits for one still running on another thread.
    private let lock = NSRecursiveLock()

    /// Opens `path` read-only; nil when it is not a file SQLite can open.
    init(path: String) throws {
        var h: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let rc = sqlite_nio_sqlite3_open_v2(path, &h, flags, nil)
        guard rc == SQLITE_OK, let h else {
            if let h { sqlite_nio_sqlite3_close(h) }
            throw Failure(description: "cannot open \(path) for reading (SQLite code \(rc))")
        }
        handle = h
        // Writers hold their lock briefly; wait for them rather than fail.
        sqlite_nio_sqlite3_busy_timeout(h, 10_000)
        // Reports read much of the file: map it into memory and keep a larger page cache.
        try execute("PRAGMA mmap_size = 4294967296")
        try execute("PRAGMA cache_size = -131072")
        try execute("PRAGMA temp_store = MEMORY")
    }

    deinit {
        if let handle { sqlite_nio_sqlite3_close(handle) }
    }

    /// Ends the read transaction and closes the connection (which unmaps the file: tens of
    /// milliseconds when a report has read most of it). Nothing may use the connection after.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        end()
        if let handle { sqlite_nio_sqlite3_close(handle) }
        handle = nil
    }

    /// The main database file behind a driver connection ("" for none).
    static func file(of db: any SQLiteDatabase) async throws -> String {
        final class Found: @unchecked Sendable { var file = "" }
        let found = Found()
        try await db.query("PRAGMA database_list", []) { row in
            if row.column("name")?.string == "main", let f = row.column("file")?.string { found.file = f }
        }
        return found.file
    }

    /// The SQLite file behind a Fluent database; nil when it is not SQLite or has no file.
    static func file(of db: any Database) async throws -> String? {
        guard let lite = db as? any SQLiteDatabase else { return nil }
        let f = try await file(of: lite)
        return f.isEmpty ? nil : f
    }

    func execute(_ sql: String) throws {
        try query(sql, []) { _ in }
    }

    /// Starts the read transaction (and takes its snapshot) that a run's queries share.
    func begin() throws {
        try execute("BEGIN")
        try execute("SELECT count(*) FROM sqlite_master")
    }

    func end() {
        try? execute("COMMIT")
    }

    /// Runs `sql` with `binds`, calling `row` for each result row on this thread.
    func query(_ sql: String, _ binds: [SQLiteData], _ row: (Row) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw Failure(description: "the report's connection is closed") }
        var stmt: OpaquePointer?
        var rc = sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw failure(rc, sql) }
        defer { sqlite_nio_sqlite3_finalize(stmt) }
        for (i, b) in binds.enumerated() {
            let n = Int32(i + 1)
            switch b {
            case .integer(let v): rc = sqlite_nio_sqlite3_bind_int64(stmt, n, sqlite3_int64(v))
            case .float(let v): rc = sqlite_nio_sqlite3_bind_double(stmt, n, v)
            case .text(let v): rc = sqlite_nio_sqlite3_bind_text64(stmt, n, v, UInt64(v.utf8.count), RawSQLite.transient, UInt8(SQLITE_UTF8))
            case .null: rc = sqlite_nio_sqlite3_bind_null(stmt, n)
            case .blob(var v):
                let bytes = v.readBytes(length: v.readableBytes) ?? []
                rc = bytes.withUnsafeBytes { sqlite_nio_sqlite3_bind_blob64(stmt, n, $0.baseAddress, UInt64($0.count), RawSQLite.transient) }
            }
            guard rc == SQLITE_OK else { throw failure(rc, sql) }
        }
        let count = sqlite_nio_sqlite3_column_count(stmt)
        var names: [String] = []
        for i in 0..<count { names.append(String(cString: sqlite_nio_sqlite3_column_name(stmt, i))) }
        let r = Row(stmt: stmt, names: names)
        while true {
            rc = sqlite_nio_sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(rc, sql) }
            try row(r)
        }
    }

    private func failure(_ rc: Int32, _ sql: String) -> Failure {
        Failure(description: "SQLite \(rc): \(String(cString: sqlite_nio_sqlite3_errmsg(handle))) in \(sql.prefix(200))")
    }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The current row of a statement; valid only inside the callback.
    struct Row {
        let stmt: OpaquePointer
        let names: [String]
        /// Where the next name is looked for first: rows are read column after column, mostly in order.
        let next = Next()

        final class Next { var i = 0 }

        func index(_ name: String) -> Int32? {
            let guess = next.i
            if guess < names.count, names[guess] == name {
                next.i = guess + 1
                return Int32(guess)
            }
            for (i, n) in names.enumerated() where n == name {
                next.i = i + 1
                return Int32(i)
            }
            return nil
        }

        func isNull(_ i: Int32) -> Bool { sqlite_nio_sqlite3_column_type(stmt, i) == SQLITE_NULL }

        func string(_ name: String) -> String? {
            guard let i = index(name), !isNull(i), let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
            let n = Int(sqlite_nio_sqlite3_column_bytes(stmt, i))
            return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        }

        func int64(_ i: Int32) -> Int64? {
            isNull(i) ? nil : sqlite_nio_sqlite3_column_int64(stmt, i)
        }

        func int(_ name: String) -> Int? {
            guard let i = index(name), !isNull(i) else { return nil }
            return Int(sqlite_nio_sqlite3_column_int64(stmt, i))
        }

        func double(_ name: String) -> Double? {
            guard let i = index(name), !isNull(i) else { return nil }
            return sqlite_nio_sqlite3_column_double(stmt, i)
        }
    }
}

/// A child's stored id (UUID text) as two integers: cheap to hash, and nothing to allocate for
/// each of the hundreds of thousands of rows a national report reads.
struct ChildRef: Hashable, Sendable {
    let hi: UInt64
    let lo: UInt64

    /// The id as a UUID again.
    var uuid: UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: hi >> (56 - 8 * UInt64(i))); bytes[8 + i] = UInt8(truncatingIfNeeded: lo >> (56 - 8 * UInt64(i))) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// Sets and dictionaries of a national report's children hash hundreds of thousands of these:
    /// the id's own bits, mixed once, in place of the general hasher. (The ids are random UUIDs.)
    func _rawHashValue(seed: Int) -> Int {
        var x = hi ^ (lo &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bitPattern: Int64(seed))
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        return Int(bitPattern: UInt(x))
    }

    /// From UUID text (either case, with or without hyphens).
    init?(utf8 p: UnsafePointer<UInt8>, count: Int) {
        if count == 36, p[8] == 45, p[13] == 45, p[18] == 45, p[23] == 45 {
            // The stored form: each hex digit through a table, no branch per character.
            var hi: UInt64 = 0, lo: UInt64 = 0, bad: UInt8 = 0
            ChildRef.digits.withUnsafeBufferPointer { d in
                for i in 0..<18 where i != 8 && i != 13 {
                    let v = d[Int(p[i])]; bad |= v; hi = hi << 4 | UInt64(v & 15)
                }
                for i in 19..<36 where i != 23 {
                    let v = d[Int(p[i])]; bad |= v; lo = lo << 4 | UInt64(v & 15)
                }
            }
            guard bad & 0x80 == 0 else { return nil }
            self.hi = hi
            self.lo = lo
            return
        }
        var hi: UInt64 = 0, lo: UInt64 = 0, n = 0
        for i in 0..<count {
            let c = p[i]
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 65...70: v = c - 55
            case 97...102: v = c - 87
            case 45: continue
            default: return nil
            }
            if n < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
            n += 1
        }
        guard n == 32 else { return nil }
        self.hi = hi
        self.lo = lo
    }

    /// Each byte's value as a hex digit; 0x80 for any other byte.
    static let digits: [UInt8] = (0..<256).map { c in
        switch c {
        case 48...57: UInt8(c - 48)
        case 65...70: UInt8(c - 55)
        case 97...102: UInt8(c - 87)
        default: 0x80
        }
    }

    init?(_ s: String) {
        var s = s
        guard let r = s.withUTF8({ b in b.baseAddress.flatMap { ChildRef(utf8: $0, count: b.count) } }) else { return nil }
        self = r
    }
}

extension RawSQLite.Row {
    func ref(_ i: Int32) -> ChildRef? {
        guard !isNull(i), let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
        return ChildRef(utf8: p, count: Int(sqlite_nio_sqlite3_column_bytes(stmt, i)))
    }

    func ref(_ name: String) -> ChildRef? { index(name).flatMap(ref) }
}

extension RawSQLite.Row {
    /// Column `i`'s text as bytes, read in place (valid only inside the row's callback).
    func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(i), let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
        return UnsafeBufferPointer(start: p, count: Int(sqlite_nio_sqlite3_column_bytes(stmt, i)))
    }

    /// Column `i` as an ISO date, parsed from its bytes (no text made).
    func date(_ i: Int32) -> LocalDate? { bytes(i).flatMap(LocalDate.init(isoBytes:)) }

    /// Column `i` as one of a coded value's cases, compared byte for byte (no text made).
    func coded<E>(_ i: Int32, _ codes: Codes<E>) -> E? { match(i, codes.bytes).map { codes.values[$0] } }
}

/// A coded value's cases with their codes' bytes, made once for reading many rows.
struct Codes<E: CodedValue>: Sendable {
    let values: [E]
    let bytes: [[UInt8]]
    init() {
        values = Array(E.allCases)
        bytes = values.map { Array($0.rawValue.utf8) }
    }
}

/// The codes report rows are read with.
enum RowCodes {
    static let sex = Codes<Sex>()
    static let ethnicity = Codes<EthnicityGroup>()
    static let care = Codes<CareStatus>()
    static let yesNo = Codes<YesNo>()
    static let intervention = Codes<InterventionType>()
}

extension RawSQLite.Row {
    /// Which of `codes` column `i` holds (compared byte for byte), if any.
    func match(_ i: Int32, _ codes: [[UInt8]]) -> Int? {
        guard !isNull(i), let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
        let n = Int(sqlite_nio_sqlite3_column_bytes(stmt, i))
        outer: for (k, code) in codes.enumerated() where code.count == n {
            for j in 0..<n where code[j] != p[j] { continue outer }
            return k
        }
        return nil
    }
}
