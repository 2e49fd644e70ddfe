import Foundation
import SQLKit

/// "`column` is one of these ids", with the ids as one value: an array on PostgreSQL, a JSON list
/// on SQLite (as ids are stored there: upper-case text). One value whatever the number of ids, so
/// no list has to be cut under the databases' limits on values, and on PostgreSQL the statement's
/// text is the same for every length (so it can go by name: `PreparedStatements`), where an `IN`
/// list of 56 ids was a statement of its own, planned every time.
enum IDList {
    static func member(_ column: SQLColumn, of ids: [UUID], on db: any SQLDatabase) -> any SQLExpression {
        if db.dialect.name == "postgresql" {
            return SQLBinaryExpression(left: column, op: SQLBinaryOperator.equal, right: SQLFunction("ANY", args: SQLBind(ids)))
        }
        var json = "["
        json.reserveCapacity(ids.count * 39 + 2)
        for (n, id) in ids.enumerated() {
            if n > 0 { json += "," }
            json += "\"" + UUIDText.string(id) + "\""
        }
        json += "]"
        return SQLBinaryExpression(
            left: column, op: SQLBinaryOperator.in,
            right: SQLGroupExpression(SQLQueryString("SELECT value FROM json_each(\(bind: json))")))
    }
}
