import Fluent
import SQLKit

/// Indexes for reports at national scale (issue 5). Each report first finds the children in its
/// scope with a range over one of the date indexes (each also holds the child, so the rows
/// themselves are not read), then reads the children's report columns from a compact covering
/// index rather than their wide rows. The contacts index holds what attendance counts need.
struct M0020_ReportIndexes: AsyncMigration {
    /// Frozen as landed (it once read `RecordKind` and `ReportRunner`): a migration never reads
    /// live code. A report that needs another index gets a new migration.
    static let indexes: [(name: String, table: String, columns: [String])] = [
        (
            "children_report", "children",
            ["service_id", "id", "external_id", "date_of_birth", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district"]
        ),
        ("offences_outcome_date", "offences", ["outcome_date", "child_id"]),
        ("offences_offence_date", "offences", ["offence_date", "child_id"]),
        ("interventions_report", "interventions", ["start_date", "end_date", "type", "child_id"]),
        ("referrals_received", "referrals", ["received_on", "child_id"]),
        ("referrals_decided", "referrals", ["decided_on", "child_id"]),
        ("assessments_submitted", "assessments", ["submitted_on", "stage", "child_id"]),
        ("contacts_report", "contacts", ["contact_on", "child_id", "attendance", "contact_type"]),
        ("plan_reviews_report", "plan_reviews", ["reviewed_on", "child_id"]),
        ("breaches_report", "breaches", ["started_on", "child_id"]),
        ("victims_report", "victims", ["contact_made_on", "child_id"]),
        ("health_records_report", "health_records", ["health_assessment_on", "child_id"]),
        ("feedback_report", "feedback", ["given_on", "child_id"]),
        ("case_audits_report", "case_audits", ["audited_on", "child_id"])
    ]

    func prepare(on database: Database) async throws {
        for index in Self.indexes {
            let q = database.sql.create(index: index.name).on(index.table)
            for c in index.columns { q.column(c) }
            try await q.run()
        }
    }

    func revert(on database: Database) async throws {
        for index in Self.indexes { try await database.sql.drop(index: index.name).run() }
    }
}
