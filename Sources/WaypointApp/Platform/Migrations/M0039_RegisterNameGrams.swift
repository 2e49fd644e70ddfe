import Fluent
import SQLKit

/// The register finds a name by any part of it ("renn" finds Brennan), which no ordinary index can
/// answer: every search tested the name of every child of the service (at 20,000 children about
/// 3 ms of SQLite's time a search, growing with the service). This table holds each child's
/// name cut into every run of three characters with no space in it (`child_name_grams`: service,
/// three characters, child, with the child's name and the register's order), so a search reads
/// the rows of the rarest three characters of what was typed, tests their names and orders them
/// without reading the children themselves.
///
/// Triggers keep it: whatever writes a child (the forms, an import, a transfer, a split or merge),
/// the child's runs are written in the same statement, so the table cannot fall behind. SQLite's
/// triggers cannot count, so it reads positions from `name_positions` (1 to 2,048: a name is at
/// most three fields of 100 characters); PostgreSQL counts with `generate_series`, and its key
/// carries the names too, so a search reads the key alone (a search for Smith at 20,000 children:
/// 1.6 ms reading the table for each of the 466, 0.8 ms from the key).
struct M0039_RegisterNameGrams: AsyncMigration {
    static let columns = "(service_id, gram, child_id, family_name, given_name, search_name)"

    /// The old row's runs, each found by the key (an index by child alone doubled the table's size,
    /// and slowed every write of a child).
    static let sqliteDeleteOld = """
        DELETE FROM child_name_grams WHERE service_id = OLD.service_id AND child_id = OLD.id
        AND gram IN (SELECT substr(OLD.search_name, p.n, 3) FROM name_positions p WHERE p.n <= length(OLD.search_name) - 2)
        """

    /// The longest search name whose every run of three is kept.
    static let positions = 2_048

    func prepare(on database: Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            try await sql.raw(
                """
                CREATE TABLE child_name_grams (
                    service_id TEXT NOT NULL, gram TEXT NOT NULL, child_id TEXT NOT NULL,
                    family_name TEXT NOT NULL, given_name TEXT NOT NULL, search_name TEXT NOT NULL,
                    PRIMARY KEY (service_id, gram, child_id)) WITHOUT ROWID
                """
            ).run()
            try await sql.raw("CREATE TABLE name_positions (n INTEGER PRIMARY KEY)").run()
            try await sql.raw(
                """
                WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < \(unsafeRaw: String(Self.positions)))
                INSERT INTO name_positions (n) SELECT n FROM p
                """
            ).run()
            // The runs of the name of `c` (the new row, or each child), as one SELECT.
            func runs(_ c: String, from: String = "name_positions p") -> String {
                """
                SELECT DISTINCT \(c).service_id, substr(\(c).search_name, p.n, 3), \(c).id, \(c).family_name, \(c).given_name,
                    \(c).search_name FROM \(from)
                WHERE p.n <= length(\(c).search_name) - 2 AND instr(substr(\(c).search_name, p.n, 3), ' ') = 0
                """
            }
            try await sql.raw(
                """
                CREATE TRIGGER children_name_grams_insert AFTER INSERT ON children
                BEGIN INSERT OR IGNORE INTO child_name_grams \(unsafeRaw: Self.columns) \(unsafeRaw: runs("NEW")); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER children_name_grams_update AFTER UPDATE OF search_name, service_id, family_name, given_name ON children
                WHEN OLD.search_name IS NOT NEW.search_name OR OLD.service_id IS NOT NEW.service_id
                    OR OLD.family_name IS NOT NEW.family_name OR OLD.given_name IS NOT NEW.given_name
                BEGIN
                    \(unsafeRaw: Self.sqliteDeleteOld);
                    INSERT OR IGNORE INTO child_name_grams \(unsafeRaw: Self.columns) \(unsafeRaw: runs("NEW"));
                END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER children_name_grams_delete AFTER DELETE ON children
                BEGIN \(unsafeRaw: Self.sqliteDeleteOld); END
                """
            ).run()
            // The children already written.
            try await sql.raw(
                "INSERT OR IGNORE INTO child_name_grams \(unsafeRaw: Self.columns) \(unsafeRaw: runs("c", from: "children c, name_positions p"))"
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE TABLE child_name_grams (
                    service_id UUID NOT NULL, gram TEXT NOT NULL, child_id UUID NOT NULL,
                    family_name TEXT NOT NULL, given_name TEXT NOT NULL, search_name TEXT NOT NULL,
                    PRIMARY KEY (service_id, gram, child_id) INCLUDE (family_name, given_name, search_name))
                """
            ).run()
            try await sql.raw(
                """
                CREATE FUNCTION waypoint_child_name_grams() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        DELETE FROM child_name_grams WHERE service_id = OLD.service_id AND child_id = OLD.id
                        AND gram IN (SELECT substr(OLD.search_name, n, 3) FROM generate_series(1, length(OLD.search_name) - 2) n);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO child_name_grams \(unsafeRaw: Self.columns)
                        SELECT DISTINCT NEW.service_id, substr(NEW.search_name, n, 3), NEW.id, NEW.family_name, NEW.given_name, NEW.search_name
                        FROM generate_series(1, length(NEW.search_name) - 2) n
                        WHERE strpos(substr(NEW.search_name, n, 3), ' ') = 0
                        ON CONFLICT DO NOTHING;
                    END IF;
                    RETURN NULL;
                END $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER children_name_grams AFTER INSERT OR DELETE ON children
                FOR EACH ROW EXECUTE FUNCTION waypoint_child_name_grams()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER children_name_grams_update AFTER UPDATE OF search_name, service_id, family_name, given_name ON children FOR EACH ROW
                WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name OR OLD.service_id IS DISTINCT FROM NEW.service_id
                    OR OLD.family_name IS DISTINCT FROM NEW.family_name OR OLD.given_name IS DISTINCT FROM NEW.given_name)
                EXECUTE FUNCTION waypoint_child_name_grams()
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO child_name_grams \(unsafeRaw: Self.columns)
                SELECT DISTINCT c.service_id, substr(c.search_name, n, 3), c.id, c.family_name, c.given_name, c.search_name
                FROM children c, generate_series(1, length(c.search_name) - 2) n
                WHERE strpos(substr(c.search_name, n, 3), ' ') = 0
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }

    func revert(on database: Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for t in ["insert", "update", "delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS children_name_grams_\(unsafeRaw: t)").run()
            }
            try await sql.raw("DROP TABLE IF EXISTS name_positions").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS children_name_grams ON children").run()
            try await sql.raw("DROP TRIGGER IF EXISTS children_name_grams_update ON children").run()
            try await sql.raw("DROP FUNCTION IF EXISTS waypoint_child_name_grams()").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS child_name_grams").run()
    }
}
