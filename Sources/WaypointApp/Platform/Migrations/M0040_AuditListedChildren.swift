import Fluent
import SQLKit

/// A look at a list of children (My work, a register search, a report's list, a download) is one
/// audit entry naming its children, each child in `audit_event_children` (the entry, the child,
/// the service the child was shown in), rather than an entry per child. Every child's trail still
/// shows the look (`AuditQuery.forChild` reads both), the chain seals the entry with its children
/// (`AuditChain.Event.canonical`), and the table is append-only like the log (triggers refuse
/// UPDATE, DELETE and, on PostgreSQL, TRUNCATE).
///
/// Why: each entry was a row in the log and in three of its indexes, a row in the waiting list,
/// a seal and the seal's index, and a deletion from the waiting list; My work wrote 39 of them at
/// every look, the register 25. A child named in a list is now one row of this table, keyed by the
/// entry (how the sealer and `audit verify` read it) with an index by child (the trail).
/// Entries written before stay as they were.
struct M0040_AuditListedChildren: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database.sql
        let lite = sql.dialect.name == "sqlite"
        // Declared UUID on both, as Fluent declares the log's ids: on SQLite a column's declared type
        // gives it its affinity, and matching a TEXT column against the log's (numeric) ids could not
        // use this table's key (the sealer's join read the whole table for each entry waiting).
        try await sql.raw(
            """
            CREATE TABLE audit_event_children (
                event_id UUID NOT NULL, child_id UUID NOT NULL, service_id UUID,
                PRIMARY KEY (event_id, child_id))\(unsafeRaw: lite ? " WITHOUT ROWID" : "")
            """
        ).run()
        if lite {
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw(
                    SQLQueryString(
                        "CREATE TRIGGER audit_event_children_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_event_children BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                    )
                ).run()
            }
        } else {
            // `waypoint_audit_append_only` is M0022's.
            try await sql.raw(
                "CREATE TRIGGER audit_event_children_append_only BEFORE UPDATE OR DELETE ON audit_event_children FOR EACH ROW EXECUTE FUNCTION waypoint_audit_append_only()"
            ).run()
            try await sql.raw(
                "CREATE TRIGGER audit_event_children_no_truncate BEFORE TRUNCATE ON audit_event_children FOR EACH STATEMENT EXECUTE FUNCTION waypoint_audit_append_only()"
            ).run()
        }
        try await sql.raw("CREATE INDEX audit_event_children_child ON audit_event_children (child_id)").run()
    }

    func revert(on database: Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for op in ["update", "delete"] {
                try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS audit_event_children_no_\(unsafeRaw: op)")).run()
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_event_children_append_only ON audit_event_children").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_event_children_no_truncate ON audit_event_children").run()
        }
        try await sql.raw("DROP TABLE audit_event_children").run()
    }
}
