import Fluent
import SQLKit

/// A report reads its children, and their interventions, offences and referrals, by the children's
/// ids. With only an index of the id SQLite found each row's place in the index and then searched
/// the table for the row. These indexes hold every column those reads take, so the index alone
/// answers them (`sqlite3` alone, national kpis' 165,727 children: 0.24 → 0.10 s; their 233,810
/// interventions: 0.29 → 0.14 s; their 90,126 offences: 0.14 → 0.07 s). Each of the records'
/// indexes replaces the index of the child alone, which it begins with. (On PostgreSQL a national
/// run's reads scan the tables whatever the indexes; one service's use these as they used those.)
struct M0041_ReportReadIndexes: AsyncMigration {
    /// Frozen as landed: a migration never reads live code.
    static let indexes: [(name: String, table: String, columns: [String], replaces: String?)] = [
        (
            "children_by_id_report", "children",
            ["id", "date_of_birth", "external_id", "service_id", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district"], nil
        ),
        (
            "interventions_child_report", "interventions",
            ["child_id", "type", "start_date", "id", "end_date", "closure_reason", "case_manager_id", "service_id", "allocated_on"],
            "interventions_child"
        ),
        (
            "offences_child_report", "offences",
            ["child_id", "id", "offence_date", "outcome", "outcome_date", "category", "gravity", "service_id"], "offences_child"
        ),
        (
            "referrals_child_report", "referrals", ["child_id", "received_on", "source", "decision", "decided_on", "destination"],
            "referrals_child"
        )
    ]

    func prepare(on database: Database) async throws {
        for index in Self.indexes {
            let q = database.sql.create(index: index.name).on(index.table)
            for c in index.columns { q.column(c) }
            try await q.run()
            if let replaced = index.replaces { try await database.sql.drop(index: replaced).run() }
        }
    }

    func revert(on database: Database) async throws {
        for index in Self.indexes {
            if let replaced = index.replaces { try await database.sql.create(index: replaced).on(index.table).column("child_id").run() }
            try await database.sql.drop(index: index.name).run()
        }
    }
}
