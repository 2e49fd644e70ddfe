import Fluent
import Foundation
import SQLKit

/// Each intervention allocated more than once keeps its allocations on its own row
/// (`interventions.allocation_history`, written as `AllocationHistory` says), filled here from
/// `allocations`; and the index a report reads interventions through (M0041) holds the new column too,
/// so that the index alone still answers that read on SQLite.
struct M0042_AllocationHistory: AsyncMigration {
    /// Frozen as landed: a migration never reads live code.
    static let readColumns = [
        "child_id", "type", "start_date", "id", "end_date", "closure_reason", "case_manager_id", "service_id", "allocated_on",
        "allocation_history"
    ]

    func prepare(on database: Database) async throws {
        try await database.schema("interventions").field("allocation_history", .string).update()
        try await Self.fill(on: database)
        let q = database.sql.create(index: "interventions_child_read").on("interventions")
        for c in Self.readColumns { q.column(c) }
        try await q.run()
        try await database.sql.drop(index: "interventions_child_report").run()
    }

    /// Each intervention allocated more than once: its allocations by day, and within a day as made.
    static func fill(on database: Database) async throws {
        let sql = database.sql
        struct A: Decodable {
            let intervention_id: UUID
            let case_manager_id: UUID
            let allocated_on: String
            let at: Date
        }
        let rows = try await sql.select().columns("intervention_id", "case_manager_id", "allocated_on", "at").from("allocations")
            .where(
                "intervention_id", .in,
                SQLRaw("(SELECT intervention_id FROM allocations GROUP BY intervention_id HAVING COUNT(*) > 1)")
            ).all(decoding: A.self)
        var made: [UUID: [A]] = [:]
        for a in rows { made[a.intervention_id, default: []].append(a) }
        for (id, list) in made where list.count > 1 {
            let text = list.sorted { ($0.allocated_on, $0.at) < ($1.allocated_on, $1.at) }
                .map { "\($0.allocated_on) \($0.case_manager_id.uuidString)" }.joined(separator: ";")
            try await sql.update("interventions").set("allocation_history", to: SQLBind(text)).where("id", .equal, SQLBind(id)).run()
        }
    }

    func revert(on database: Database) async throws {
        let sql = database.sql
        let q = sql.create(index: "interventions_child_report").on("interventions")
        for c in Self.readColumns.dropLast() { q.column(c) }
        try await q.run()
        try await sql.drop(index: "interventions_child_read").run()
        // (As SQL: Fluent's SQLite schema leaves a column dropped this way in place.)
        try await sql.raw("ALTER TABLE interventions DROP COLUMN allocation_history").run()
    }
}
