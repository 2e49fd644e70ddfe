import Fluent
import SQLKit

/// A counter that moves whenever reference data changes, so a server can keep that data in memory
/// (`ReferenceData`) and still see a change made by any process: an admin page, an import, another
/// server, a person with `psql`. Triggers on the four tables `ReferenceData` reads (bank holidays,
/// outcome codes, timescale settings, services) add one to `reference_version.n` in the same
/// statement as the change.
struct M0034_ReferenceVersion: AsyncMigration {
    static let tables = ["bank_holidays", "outcome_types", "timescale_settings", "services"]

    func prepare(on database: Database) async throws {
        try await database.schema("reference_version")
            .field("n", .int64, .required)
            .create()
        try await database.sql.insert(into: "reference_version").columns("n").values(SQLBind(0)).run()
        if database.sql.dialect.name == "sqlite" {
            for table in Self.tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await database.sql.raw(
                        """
                        CREATE TRIGGER \(unsafeRaw: table)_reference_\(unsafeRaw: event.lowercased()) AFTER \(unsafeRaw: event) ON \(unsafeRaw: table)
                        BEGIN UPDATE reference_version SET n = n + 1; END
                        """
                    ).run()
                }
            }
        } else {
            try await database.sql.raw(
                """
                CREATE FUNCTION waypoint_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE reference_version SET n = n + 1; RETURN NULL; END $$
                """
            ).run()
            for table in Self.tables {
                try await database.sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(unsafeRaw: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION waypoint_reference_changed()
                    """
                ).run()
            }
        }
    }

    func revert(on database: Database) async throws {
        if database.sql.dialect.name == "sqlite" {
            for table in Self.tables {
                for event in ["insert", "update", "delete"] {
                    try await database.sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_reference_\(unsafeRaw: event)").run()
                }
            }
        } else {
            for table in Self.tables {
                try await database.sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_reference ON \(unsafeRaw: table)").run()
            }
            try await database.sql.raw("DROP FUNCTION IF EXISTS waypoint_reference_changed()").run()
        }
        try await database.schema("reference_version").delete()
    }
}
