import Fluent
import SQLKit

/// The audit log becomes append-only in the database itself, and tamper-evident:
/// - triggers refuse every UPDATE and DELETE of `audit_events` and of `audit_seals` (and TRUNCATE
///   on PostgreSQL), whoever connects;
/// - `audit_seals` chains the events: position n holds an event's id and
///   SHA-256(hash of position n−1 + the event's canonical text), written by `AuditChain.seal`;
///   `waypoint audit verify` recomputes the chain, so an event changed or removed with the
///   triggers disabled is found.
struct M0022_AuditAppendOnly: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("audit_seals")
            .field("position", .int64, .identifier(auto: false))
            .field("event_id", .uuid, .required)
            .field("hash", .string, .required)
            .unique(on: "event_id")
            .create()
        if database.sql.dialect.name == "sqlite" {
            for table in ["audit_events", "audit_seals"] {
                for op in ["UPDATE", "DELETE"] {
                    try await database.sql.raw(
                        SQLQueryString(
                            "CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                        )
                    ).run()
                }
            }
        } else {
            try await database.sql.raw(
                """
                CREATE FUNCTION waypoint_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$
                """
            ).run()
            for table in ["audit_events", "audit_seals"] {
                try await database.sql.raw(
                    SQLQueryString(
                        "CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION waypoint_audit_append_only()"
                    )
                ).run()
                try await database.sql.raw(
                    SQLQueryString(
                        "CREATE TRIGGER \(unsafeRaw: table)_no_truncate BEFORE TRUNCATE ON \(unsafeRaw: table) FOR EACH STATEMENT EXECUTE FUNCTION waypoint_audit_append_only()"
                    )
                ).run()
            }
        }
    }

    func revert(on database: Database) async throws {
        if database.sql.dialect.name == "sqlite" {
            for table in ["audit_events", "audit_seals"] {
                for op in ["update", "delete"] {
                    try await database.sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_\(unsafeRaw: op)")).run()
                }
            }
        } else {
            for table in ["audit_events", "audit_seals"] {
                try await database.sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_append_only ON \(unsafeRaw: table)"))
                    .run()
                try await database.sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_truncate ON \(unsafeRaw: table)"))
                    .run()
            }
            try await database.sql.raw("DROP FUNCTION IF EXISTS waypoint_audit_append_only()").run()
        }
        try await database.schema("audit_seals").delete()
    }
}
