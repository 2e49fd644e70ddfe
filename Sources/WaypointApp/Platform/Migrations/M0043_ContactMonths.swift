import Fluent
import SQLKit

/// Contacts counted per child, month and service (`contact_months`), so that the contact
/// attendance report reads a period's whole months from the counts and only its part months from
/// the contacts themselves. A national year was 1.17 million contacts, counted per child on every
/// run; it is 285,000 rows of counts (a child has about four contacts a month). Each row counts
/// its contacts by attendance (`a_` and the code; `arranged`: none yet) and, of those with an
/// attendance, by type (`t_` and the code; `t_none`: no type), and all of them (`n`).
///
/// Triggers keep it: whatever writes a contact (the forms, a group session, a rearrangement, an
/// import, a split or merge of services), its row changes in the same statement, so the table
/// cannot fall behind. A contact adds one to each count it is in, and taking it away (deleting it,
/// or changing its date, attendance, type, child or service) takes the ones off: an upsert, which
/// two writers of the same child's month at once serialise on the row. A row whose contacts have
/// all gone stays with noughts (a report skips it). Contacts with no date are in no month, as in
/// no period.
struct M0043_ContactMonths: AsyncMigration {
    /// The codes counted, frozen as landed (a migration never reads live code): the attendance
    /// and contact type codes of `Options` (a test holds them equal; a new code needs a column).
    static let attendance = ["attended", "did_not_attend", "cancelled_by_child", "cancelled_by_service"]
    static let types = ["one_to_one", "group", "home_visit", "phone_or_video", "panel"]

    /// Each count's column and its condition on a contact row `c` (SQL).
    static func counts(_ c: String) -> [(column: String, condition: String)] {
        attendance.map { ("a_\($0)", "\(c).attendance = '\($0)'") } + [("arranged", "\(c).attendance IS NULL")]
            + types.map { ("t_\($0)", "\(c).attendance IS NOT NULL AND \(c).contact_type = '\($0)'") }
            + [("t_none", "\(c).attendance IS NOT NULL AND \(c).contact_type IS NULL"), ("n", "1 = 1")]
    }

    /// The row of counts of one contact row `c`, each as `sign` (1, or -1 to take it off) or 0, as SQL values.
    static func values(_ c: String, sign: Int) -> String {
        counts(c).map { "CASE WHEN \($0.condition) THEN \(sign) ELSE 0 END" }.joined(separator: ", ")
    }

    static var columns: String { "(child_id, month, service_id, " + counts("c").map(\.column).joined(separator: ", ") + ")" }

    func prepare(on database: Database) async throws {
        let sql = database.sql
        let counted = Self.counts("c").map(\.column)
        // One contact row `c` (NEW or OLD) added (`sign` 1) or taken off (-1).
        func change(_ c: String, sign: Int) -> String {
            """
            INSERT INTO contact_months \(Self.columns)
            VALUES (\(c).child_id, substr(\(c).contact_on, 1, 7), \(c).service_id, \(Self.values(c, sign: sign)))
            ON CONFLICT (child_id, month, service_id) DO UPDATE SET
            \(counted.map { "\($0) = contact_months.\($0) + excluded.\($0)" }.joined(separator: ", "))
            """
        }
        let watched = "contact_on, attendance, contact_type, child_id, service_id"
        let countColumns = counted.map { "\($0) INTEGER NOT NULL" }.joined(separator: ", ")
        if sql.dialect.name == "sqlite" {
            // The table is its key (child first: a national count reads it in the children's order).
            try await sql.raw(
                """
                CREATE TABLE contact_months (
                    child_id TEXT NOT NULL, month TEXT NOT NULL, service_id TEXT NOT NULL, \(unsafeRaw: countColumns),
                    PRIMARY KEY (child_id, month, service_id)) WITHOUT ROWID
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_months_insert AFTER INSERT ON contacts WHEN NEW.contact_on IS NOT NULL
                BEGIN \(unsafeRaw: change("NEW", sign: 1)); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_months_delete AFTER DELETE ON contacts WHEN OLD.contact_on IS NOT NULL
                BEGIN \(unsafeRaw: change("OLD", sign: -1)); END
                """
            ).run()
            // (Two triggers for an update, as each side may have no date.)
            try await sql.raw(
                """
                CREATE TRIGGER contacts_months_update_old AFTER UPDATE OF \(unsafeRaw: watched) ON contacts
                WHEN OLD.contact_on IS NOT NULL
                BEGIN \(unsafeRaw: change("OLD", sign: -1)); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_months_update_new AFTER UPDATE OF \(unsafeRaw: watched) ON contacts
                WHEN NEW.contact_on IS NOT NULL
                BEGIN \(unsafeRaw: change("NEW", sign: 1)); END
                """
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE TABLE contact_months (
                    child_id UUID NOT NULL, month TEXT NOT NULL, service_id UUID NOT NULL, \(unsafeRaw: countColumns),
                    PRIMARY KEY (child_id, month, service_id))
                """
            ).run()
            try await sql.raw(
                """
                CREATE FUNCTION waypoint_contact_months() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD.contact_on IS NOT NULL THEN \(unsafeRaw: change("OLD", sign: -1)); END IF;
                    IF TG_OP <> 'DELETE' AND NEW.contact_on IS NOT NULL THEN \(unsafeRaw: change("NEW", sign: 1)); END IF;
                    RETURN NULL;
                END $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER contacts_months AFTER INSERT OR DELETE OR UPDATE OF \(unsafeRaw: watched) ON contacts
                FOR EACH ROW EXECUTE FUNCTION waypoint_contact_months()
                """
            ).run()
        }
        // One service's months (a service's own run).
        try await sql.raw("CREATE INDEX contact_months_service ON contact_months (service_id, month)").run()
        try await Self.fill(on: database)
    }

    /// The contacts already written, counted.
    static func fill(on database: Database) async throws {
        try await database.sql.raw(
            """
            INSERT INTO contact_months \(unsafeRaw: columns)
            SELECT c.child_id, substr(c.contact_on, 1, 7), c.service_id, \(unsafeRaw: counts("c").map { "SUM(CASE WHEN \($0.condition) THEN 1 ELSE 0 END)" }.joined(separator: ", "))
            FROM contacts c WHERE c.contact_on IS NOT NULL
            GROUP BY c.child_id, substr(c.contact_on, 1, 7), c.service_id
            """
        ).run()
    }

    func revert(on database: Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for t in ["contacts_months_insert", "contacts_months_delete", "contacts_months_update_old", "contacts_months_update_new"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS contacts_months ON contacts").run()
            try await sql.raw("DROP FUNCTION IF EXISTS waypoint_contact_months()").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS contact_months").run()
    }
}
