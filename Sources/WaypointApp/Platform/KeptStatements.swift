import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit

/// Statement texts written once. SQLKit writes a statement's text afresh each time it runs, quoting
/// and escaping every name as it goes: on the child page that was 10–16% of the server's time (3
/// December, 20,000 children), more than SQLite took to run the page's eight statements. A page's
/// statement whose text changes only with a few counts (how many services, how many ids) names its
/// shape, and its text is written by SQLKit once per shape and dialect; after that it is sent as
/// kept, with the values of this run.
///
/// The values are given twice: built into the statement (`build`), as anywhere, and listed in the
/// order its text names them (`binds`). The first run of each shape checks the two lists against
/// each other, and a debug build (every test) checks every run, text and values: a shape whose
/// list does not match is never kept, and is written by SQLKit every time, as before; the mistake
/// is logged, and fails the test that ran it.
final class KeptStatements: Sendable {
    /// The server's texts.
    static let shared = KeptStatements()

    /// At most this many texts are kept in a process (each a few hundred bytes).
    static let maxTexts = 2_000

    private enum Kept {
        case text(String)
        /// `binds` did not match the statement's own values: always written afresh.
        case mismatched
    }

    private let texts = NIOLockedValueBox<[String: Kept]>([:])
    private let problems = NIOLockedValueBox<[String]>([])
    /// Whether every run is written by SQLKit too and checked against the kept text (debug builds).
    let checkEveryRun: Bool

    init(checkEveryRun: Bool = KeptStatements.isDebug) { self.checkEveryRun = checkEveryRun }

    static var isDebug: Bool {
        #if DEBUG
            true
        #else
            false
        #endif
    }

    /// The shapes whose listed values did not match their statement's, or whose text changed: a
    /// mistake in the code (each test's app fails on any: `withTestApp`).
    var mismatched: [String] { problems.withLockedValue { $0 } }

    /// `build`'s statement on `db`, its text kept under `shape` (with the dialect's name); `binds` are its
    /// values in the order its text names them.
    static func statement(
        _ shape: String, on db: any SQLDatabase, binds: [any Encodable & Sendable], _ build: (any SQLDatabase) -> any SQLQueryBuilder
    ) -> KeptStatement {
        shared.statement(shape, on: db, binds: binds, build)
    }

    func statement(
        _ shape: String, on db: any SQLDatabase, binds: [any Encodable & Sendable], _ build: (any SQLDatabase) -> any SQLQueryBuilder
    ) -> KeptStatement {
        let key = db.dialect.name + "|" + shape
        switch texts.withLockedValue({ $0[key] }) {
        case .text(let sql)? where !checkEveryRun:
            return KeptStatement(database: db, sql: sql, binds: binds)
        case .mismatched?:
            return KeptStatement(database: db, written: build(db).query)
        default:
            let built = build(db).query
            var s = SQLSerializer(database: db)
            built.serialize(to: &s)
            let kept: Kept = Self.matches(s.binds, binds) ? .text(s.sql) : .mismatched
            let before = texts.withLockedValue { texts -> Kept? in
                let before = texts[key]
                if before == nil, texts.count < Self.maxTexts { texts[key] = kept }
                return before
            }
            var problem: String?
            if case .mismatched = kept {
                problem = "\(shape): values listed \(binds), the statement's \(s.binds)"
            } else if case .text(let sql)? = before, sql != s.sql {
                problem = "\(shape): its text changed without its shape\n\(sql)\n\(s.sql)"
            }
            if let problem {
                Logger(label: "waypoint.statements").error(
                    "a kept statement does not match its values or shape; it is written afresh each time",
                    metadata: ["shape": .string(shape)])
                problems.withLockedValue { $0.append(problem) }
                texts.withLockedValue { $0[key] = .mismatched }
            }
            return KeptStatement(database: db, written: built)
        }
    }

    /// The same values in the same order (compared as their text: ids, dates, numbers, lists of ids).
    private static func matches(_ a: [any Encodable & Sendable], _ b: [any Encodable & Sendable]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { String(describing: $0) == String(describing: $1) }
    }
}

/// A statement sent with its kept text (or written by SQLKit, the first time and when not kept).
final class KeptStatement: SQLQueryFetcher {
    let database: any SQLDatabase
    let query: any SQLExpression

    init(database: any SQLDatabase, sql: String, binds: [any Encodable & Sendable]) {
        self.database = database
        self.query = Text(sql: sql, binds: binds)
    }

    init(database: any SQLDatabase, written: any SQLExpression) {
        self.database = database
        self.query = written
    }

    /// The kept text and this run's values: a whole statement, never a part of another.
    private struct Text: SQLExpression {
        let sql: String
        let binds: [any Encodable & Sendable]

        func serialize(to serializer: inout SQLSerializer) {
            precondition(serializer.sql.isEmpty && serializer.binds.isEmpty, "a kept statement is sent whole")
            serializer.sql = sql
            serializer.binds = binds
        }
    }
}
