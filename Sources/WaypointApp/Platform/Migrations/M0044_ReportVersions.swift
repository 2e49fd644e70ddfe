import Fluent
import Foundation
import SQLKit

/// Each child's `report_version`: a number the database moves whenever the child, one of their
/// interventions or one of their offences is written (added, changed or removed), in the same
/// statement as the change and whoever makes it (a page, an import, a transfer, another server,
/// a person with `psql`). A national report keeps what it read of each child and reads a child
/// again only when their number has moved (`ReportRowCache`).
///
/// Numbers never repeat within a database: they come from one counter (on SQLite the row of
/// `report_versions`, on PostgreSQL a sequence), so a child removed and written again under the
/// same id has a number never seen before. `report_versions.epoch` names the database (made once,
/// here, at random): what was kept from one database is never taken for another's.
struct M0044_ReportVersions: AsyncMigration {
    /// The tables whose rows are a child's records for the kept rows.
    static let records = ["interventions", "offences"]

    func prepare(on database: Database) async throws {
        let sql = database.sql
        try await database.schema("report_versions")
            .field("epoch", .string, .required)
            .field("n", .int64, .required)
            .create()
        try await sql.insert(into: "report_versions").columns("epoch", "n").values(SQLBind(UUID().uuidString), SQLBind(0)).run()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("ALTER TABLE children ADD COLUMN report_version INTEGER NOT NULL DEFAULT 0").run()
            // A new number: the counter moved, then read (one writer at a time on SQLite).
            let next = "UPDATE report_versions SET n = n + 1; UPDATE children SET report_version = (SELECT n FROM report_versions)"
            try await sql.raw(
                "CREATE TRIGGER children_report_version_insert AFTER INSERT ON children BEGIN \(unsafeRaw: next) WHERE id = NEW.id; END"
            ).run()
            // (The trigger's own change moves the number, so it does not set off the trigger again.)
            try await sql.raw(
                """
                CREATE TRIGGER children_report_version_update AFTER UPDATE ON children WHEN NEW.report_version IS OLD.report_version
                BEGIN \(unsafeRaw: next) WHERE id = NEW.id; END
                """
            ).run()
            for table in Self.records {
                try await sql.raw(
                    "CREATE TRIGGER \(unsafeRaw: table)_report_version_insert AFTER INSERT ON \(unsafeRaw: table) BEGIN \(unsafeRaw: next) WHERE id = NEW.child_id; END"
                ).run()
                try await sql.raw(
                    "CREATE TRIGGER \(unsafeRaw: table)_report_version_update AFTER UPDATE ON \(unsafeRaw: table) BEGIN \(unsafeRaw: next) WHERE id IN (OLD.child_id, NEW.child_id); END"
                ).run()
                try await sql.raw(
                    "CREATE TRIGGER \(unsafeRaw: table)_report_version_delete AFTER DELETE ON \(unsafeRaw: table) BEGIN \(unsafeRaw: next) WHERE id = OLD.child_id; END"
                ).run()
            }
        } else {
            try await sql.raw("ALTER TABLE children ADD COLUMN report_version BIGINT NOT NULL DEFAULT 0").run()
            try await sql.raw("CREATE SEQUENCE report_version_numbers").run()
            // Every write of a child's row takes a new number, whatever else it changes.
            try await sql.raw(
                """
                CREATE FUNCTION waypoint_child_report_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.report_version := nextval('report_version_numbers'); RETURN NEW; END $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER children_report_version BEFORE INSERT OR UPDATE ON children
                FOR EACH ROW EXECUTE FUNCTION waypoint_child_report_version()
                """
            ).run()
            // A statement's records move their children's numbers once per statement (an import adds
            // hundreds of thousands of rows in a few statements): each child's row is written, and
            // the trigger above gives it its new number.
            try await sql.raw(
                """
                CREATE FUNCTION waypoint_records_report_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    UPDATE children SET report_version = 0 WHERE id IN (SELECT child_id FROM new_rows);
                  ELSIF TG_OP = 'DELETE' THEN
                    UPDATE children SET report_version = 0 WHERE id IN (SELECT child_id FROM old_rows);
                  ELSE
                    UPDATE children SET report_version = 0
                    WHERE id IN (SELECT child_id FROM new_rows UNION SELECT child_id FROM old_rows);
                  END IF;
                  RETURN NULL;
                END $$
                """
            ).run()
            for table in Self.records {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_report_version_insert AFTER INSERT ON \(unsafeRaw: table)
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waypoint_records_report_version()
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_report_version_update AFTER UPDATE ON \(unsafeRaw: table)
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waypoint_records_report_version()
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_report_version_delete AFTER DELETE ON \(unsafeRaw: table)
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waypoint_records_report_version()
                    """
                ).run()
            }
        }
        // A national run reads every child's number through the scope's list: from the index alone.
        try await sql.create(index: "children_report_version").on("children").column("id").column("report_version").run()
    }

    func revert(on database: Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "children_report_version").run()
        if sql.dialect.name == "sqlite" {
            for trigger in ["children_report_version_insert", "children_report_version_update"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
            }
            for table in Self.records {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_report_version_\(unsafeRaw: event)").run()
                }
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS children_report_version ON children").run()
            for table in Self.records {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw(
                        "DROP TRIGGER IF EXISTS \(unsafeRaw: table)_report_version_\(unsafeRaw: event) ON \(unsafeRaw: table)"
                    ).run()
                }
            }
            try await sql.raw("DROP FUNCTION IF EXISTS waypoint_records_report_version()").run()
            try await sql.raw("DROP FUNCTION IF EXISTS waypoint_child_report_version()").run()
            try await sql.raw("DROP SEQUENCE IF EXISTS report_version_numbers").run()
        }
        try await sql.raw("ALTER TABLE children DROP COLUMN report_version").run()
        try await database.schema("report_versions").delete()
    }
}
