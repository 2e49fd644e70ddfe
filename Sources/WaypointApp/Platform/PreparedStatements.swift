import Crypto
import Foundation
import NIOConcurrencyHelpers
import PostgresKit
import SQLKit

/// Statements sent to PostgreSQL by name, each text prepared once per connection.
///
/// An unnamed statement (how SQLKit sends every one) is parsed and planned each time it runs, and
/// for a page's small statements that is most of PostgreSQL's work: on the child page's, 0.04–0.2 ms
/// to plan each against 0.01–0.07 ms to run it (3 December). A named one is parsed once per
/// connection, and PostgreSQL keeps its plan once it has seen that a general plan does as well.
///
/// A statement is sent by name only when every value it binds is of a type listed in `bindings`
/// (its PostgreSQL type then given, as an unnamed statement gives it) and it binds at most
/// `maxBinds` values (an `IN` list of each length would be a statement of its own, kept on every
/// connection); at most `maxTexts` texts are named in a process. Anything else, and every statement
/// of a report (`unnamed`: planned for its own values, as one service's plan could be a poor one for
/// every service's, and planning is a moment against seconds of reading), is sent unnamed as before.
enum PreparedStatements {
    static let maxBinds = 16
    static let maxTexts = 500

    /// The name of each statement named so far, by its text and its values' types: one table for
    /// the process. A test binds a table of its own, so the texts of every other test in the same
    /// process (which can reach `maxTexts` between them) do not decide what its statements do. (A
    /// pooled connection's body runs in a task of its own: bind the table inside it.)
    @TaskLocal static var names = NIOLockedValueBox<[String: String]>([:])

    /// The values in PostgreSQL's form with their types, or nil when one is of a type not listed.
    static func bindings(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for b in binds {
            switch b {
            case let v as String: bindings.append(v); types.append(.text)
            case let v as UUID: bindings.append(v); types.append(.uuid)
            case let v as Int: bindings.append(v); types.append(.int8)
            case let v as Bool: bindings.append(v); types.append(.bool)
            case let v as Double: bindings.append(v); types.append(.float8)
            case let v as Date: bindings.append(v); types.append(.timestamptz)
            case let v as [UUID]: bindings.append(v); types.append(.uuidArray)
            case let v as IDList.PostgresIDs: bindings.append(v); types.append(.uuidArray)
            case let v as [String]: bindings.append(v); types.append(.textArray)
            default: return nil
            }
        }
        return (bindings, types)
    }

    /// Set around work whose statements are planned for their values every time (reports).
    @TaskLocal static var unnamed = false

    /// The name to send `sql` under with values of these types, or nil to send it unnamed.
    static func name(for sql: String, types: [PostgresDataType]) -> String? {
        guard types.count <= maxBinds, !unnamed else { return nil }
        let key = types.map { String($0.rawValue) }.joined(separator: ",") + "|" + sql
        return names.withLockedValue { names -> String? in
            if let name = names[key] { return name }
            guard names.count < maxTexts else { return nil }
            let name = "wp_" + Hex.lower(SHA256.hash(data: Data(key.utf8)).prefix(16))
            names[key] = name
            return name
        }
    }

    /// Runs `sql` on `conn` as the named statement `name`, handing each row to `onRow`.
    static func run(
        _ name: String, _ sql: String, _ bindings: PostgresBindings, types: [PostgresDataType], on conn: PostgresConnection,
        _ onRow: (PostgresRow) throws -> Void
    ) async throws {
        try await Named.$current.withValue(.init(name: name, sql: sql, types: types)) {
            for try await row in try await conn.execute(Named(bindings: bindings), logger: conn.logger) { try onRow(row) }
        }
    }

    /// Runs `sql` as the named statement `name` on one of `database`'s pooled connections.
    static func run(
        _ name: String, _ sql: String, _ bindings: PostgresBindings, types: [PostgresDataType], in database: any PostgresDatabase,
        _ onRow: @escaping @Sendable (PostgresRow) throws -> Void
    ) async throws {
        try await database.withConnection { conn in
            conn.eventLoop.makeFutureWithTask { try await run(name, sql, bindings, types: types, on: conn, onRow) }
        }.get()
    }

    /// PostgresNIO's prepared statements are types with a static name and text. Ours come from the
    /// running task, set around the call (which reads them as it starts, and again on an error).
    private struct Named: PostgresPreparedStatement {
        struct Current: Sendable {
            var name = ""
            var sql = ""
            var types: [PostgresDataType] = []
        }
        @TaskLocal static var current = Current()

        static var name: String { current.name }
        static var sql: String { current.sql }
        static var bindingDataTypes: [PostgresDataType] { current.types }

        let bindings: PostgresBindings
        func makeBindings() throws -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}

/// SQLKit's view of a PostgreSQL database whose statements go by name when they can
/// (`PreparedStatements`); the same as the driver's otherwise.
struct PreparingPostgresDatabase: SQLDatabase {
    let base: any SQLDatabase
    let pg: any PostgresDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard let (bindings, types) = PreparedStatements.bindings(binds), let name = PreparedStatements.name(for: sql, types: types)
        else {
            return try await base.execute(sql: query, onRow)
        }
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        }
        try await PreparedStatements.run(name, sql, bindings, types: types, in: pg) { onRow($0.sql(decodingContext: .default)) }
    }
}
