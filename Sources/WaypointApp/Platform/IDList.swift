import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// "`column` is one of these ids", with the ids as one value: an array on PostgreSQL, a JSON list
/// on SQLite (as ids are stored there: upper-case text). One value whatever the number of ids, so
/// no list has to be cut under the databases' limits on values, and on PostgreSQL the statement's
/// text is the same for every length (so it can go by name: `PreparedStatements`), where an `IN`
/// list of 56 ids was a statement of its own, planned every time.
enum IDList {
    /// The ids as the database takes them, made once for a list several statements name (a
    /// report's scope: 165,727 ids, six statements).
    enum Value: Sendable {
        case array(PostgresIDs)
        case json(String)

        /// The value as bound (for a kept statement's list of values: `KeptStatements`).
        var bind: any Encodable & Sendable {
            switch self {
            case .array(let ids): ids
            case .json(let json): json
            }
        }
    }

    static func value(_ ids: [UUID], on db: any SQLDatabase) -> Value {
        if db.dialect.name == "postgresql" { return .array(PostgresIDs(ids)) }
        var json = "["
        json.reserveCapacity(ids.count * 39 + 2)
        for (n, id) in ids.enumerated() {
            if n > 0 { json += "," }
            json += "\"" + UUIDText.string(id) + "\""
        }
        json += "]"
        return .json(json)
    }

    /// Ids as one PostgreSQL array value, made once however many statements name it: in PostgreSQL's
    /// order (byte by byte), so that a statement's `= ANY(list)`, which sorts its list before it looks
    /// the ids up in an index, only has to check it (national kpis' 233,798 interventions of 165,727
    /// children: 203 → 140 ms in the database, EXPLAIN ANALYZE), and encoded once (a national run
    /// named its 165,727 children in five statements, each encoding them again). Membership is the
    /// same in any order.
    final class PostgresIDs: Encodable, PostgresNonThrowingEncodable, Sendable, CustomStringConvertible {
        let ids: [UUID]
        private let encoded: ByteBuffer

        init(_ ids: [UUID]) {
            // Each id as two numbers, compared as its bytes are.
            self.ids = ids.map(UUIDText.order).sorted().map(UUIDText.id)
            var buffer = ByteBuffer()
            self.ids.encode(into: &buffer, context: .default)
            encoded = buffer
        }

        static var psqlType: PostgresDataType { .uuidArray }
        static var psqlFormat: PostgresFormat { .binary }
        func encode<E: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
            buffer.writeImmutableBuffer(encoded)
        }
        /// (Elsewhere than `PreparedStatements`, as the list itself.)
        func encode(to encoder: any Encoder) throws { try ids.encode(to: encoder) }
        var description: String { ids.description }
    }

    static func member(_ column: SQLColumn, of ids: [UUID], on db: any SQLDatabase) -> any SQLExpression {
        member(column, of: value(ids, on: db))
    }

    /// On SQLite, the ids as a table `alias` to join, each row an id (`alias.listed_id`) and its
    /// place in the list counted from 0 (`number`): a statement can then give each row the place of
    /// its id rather than the id, which a run has already read. (Only those two columns, under names
    /// no table has: `json_each`'s own `id` and `type` would make a table's unqualified `id`
    /// ambiguous.) Nil on PostgreSQL, where the list stays a condition (`member`): joined through
    /// `unnest … WITH ORDINALITY`, national kpis took 6.2 s where it took 5.1 (one round each).
    static func numbered(_ value: Value, as alias: String) -> (table: any SQLExpression, id: SQLColumn, number: SQLColumn)? {
        guard case .json(let json) = value else { return nil }
        return (
            SQLQueryString("(SELECT value AS listed_id, key AS listed_place FROM json_each(\(bind: json))) AS \(ident: alias)"),
            SQLColumn("listed_id", table: alias), SQLColumn("listed_place", table: alias)
        )
    }

    static func member(_ column: SQLColumn, of value: Value) -> any SQLExpression {
        switch value {
        case .array(let ids):
            SQLBinaryExpression(left: column, op: SQLBinaryOperator.equal, right: SQLFunction("ANY", args: SQLBind(ids)))
        case .json(let json):
            SQLBinaryExpression(
                left: column, op: SQLBinaryOperator.in,
                right: SQLGroupExpression(SQLQueryString("SELECT value FROM json_each(\(bind: json))")))
        }
    }
}
