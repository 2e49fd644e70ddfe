import Fluent
import SQLKit

/// The audit events not yet in the hash chain, kept in a list of their own so that sealing reads
/// only those. Sealing used to find them by joining the whole log against `audit_seals`, every
/// few seconds, while holding the write lock: on a log of a few hundred thousand entries that
/// stopped every other write for a large part of each second. A trigger adds each new event's id
/// here, in the same statement that writes the event, whoever writes it; `AuditChain.seal`
/// removes the ids it seals. The list is bookkeeping, not evidence: an id removed from it by hand
/// leaves its event unsealed, which `waypoint audit verify` reports.
struct M0032_AuditPending: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("audit_pending")
            .field("event_id", .uuid, .identifier(auto: false))
            .create()
        if database.sql.dialect.name == "sqlite" {
            try await database.sql.raw(
                """
                CREATE TRIGGER audit_events_pending AFTER INSERT ON audit_events
                BEGIN INSERT INTO audit_pending (event_id) VALUES (NEW.id); END
                """
            ).run()
        } else {
            try await database.sql.raw(
                """
                CREATE FUNCTION waypoint_audit_pending() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO audit_pending (event_id) VALUES (NEW.id); RETURN NULL; END $$
                """
            ).run()
            try await database.sql.raw(
                """
                CREATE TRIGGER audit_events_pending AFTER INSERT ON audit_events
                FOR EACH ROW EXECUTE FUNCTION waypoint_audit_pending()
                """
            ).run()
        }
        // The events written before this migration and not yet sealed.
        try await database.sql.raw(
            """
            INSERT INTO audit_pending (event_id)
            SELECT audit_events.id FROM audit_events
            LEFT JOIN audit_seals ON audit_seals.event_id = audit_events.id
            WHERE audit_seals.event_id IS NULL
            """
        ).run()
    }

    func revert(on database: Database) async throws {
        if database.sql.dialect.name == "sqlite" {
            try await database.sql.raw("DROP TRIGGER IF EXISTS audit_events_pending").run()
        } else {
            try await database.sql.raw("DROP TRIGGER IF EXISTS audit_events_pending ON audit_events").run()
            try await database.sql.raw("DROP FUNCTION IF EXISTS waypoint_audit_pending()").run()
        }
        try await database.schema("audit_pending").delete()
    }
}
