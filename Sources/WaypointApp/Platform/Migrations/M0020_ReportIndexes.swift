import Fluent
import SQLKit
import WaypointDomain

/// Indexes for reports at national scale (issue 5). Each report first finds the children in its
/// scope with a range over one of the date indexes (each also holds the child, so the rows
/// themselves are not read), then reads the children's report columns from a compact covering
/// index rather than their wide rows. The contacts index holds what attendance counts need.
struct M0020_ReportIndexes: AsyncMigration {
    static var indexes: [(name: String, table: String, columns: [String])] {
        var list: [(String, String, [String])] = [
            ("children_report", "children", ["service_id", "id", "external_id", "date_of_birth", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district"]),
            ("offences_outcome_date", "offences", ["outcome_date", "child_id"]),
            ("offences_offence_date", "offences", ["offence_date", "child_id"]),
            ("interventions_report", "interventions", ["start_date", "end_date", "type", "child_id"]),
            ("referrals_received", "referrals", ["received_on", "child_id"]),
            ("referrals_decided", "referrals", ["decided_on", "child_id"]),
            ("assessments_submitted", "assessments", ["submitted_on", "stage", "child_id"]),
            ("contacts_report", "contacts", ["contact_on", "child_id", "attendance", "contact_type"]),
        ]
        for kind in RecordKind.allCases where kind != .contact {
            if let column = ReportRunner.periodColumn(kind) { list.append(("\(kind.spec.table)_report", kind.spec.table, [column, "child_id"])) }
        }
        return list
    }

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
