import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// An intervention's allocations, kept on its own row as they are made (`interventions.allocation_history`)
/// when it has been allocated more than once, so that a report reads who managed it when with the
/// intervention itself. (A national report read every reallocation apart, 100,000 rows of
/// `allocations`, before it could work out anyone's team: 0.32–0.37 s of one of its two readers.)
/// An intervention allocated once has its case manager and day on its row already (`allocated_on`).
///
/// The text: each allocation as its day and case manager's id, "2024-05-01 9B1DEB4D-…", separated
/// by ";", in the order they count (by day, and within a day as made). `allocations` stays the record;
/// this is kept from it (`refresh`) in the same transaction as each allocation.
enum AllocationHistory {
    typealias Entry = (on: LocalDate, manager: UUID)

    /// The column's text for these allocations (in the order they count); nil for fewer than two.
    static func text(_ entries: [Entry]) -> String? {
        guard entries.count > 1 else { return nil }
        return entries.map { "\($0.on.iso) \($0.manager.uuidString)" }.joined(separator: ";")
    }

    /// The allocations a column's text names, in order; nil for text that is not in the form `text`
    /// writes. (Read from the text's bytes in place: a national run reads 50,000 of these.)
    static func parse(_ text: String) -> [Entry]? {
        var text = text
        return text.withUTF8 { b -> [Entry]? in
            // Each entry is a day (10 bytes), a space and an id (36), and entries are apart by ";".
            let size = 47
            guard b.count >= size, (b.count + 1) % (size + 1) == 0 else { return nil }
            var entries: [Entry] = []
            entries.reserveCapacity((b.count + 1) / (size + 1))
            var at = 0
            while at < b.count {
                guard at == 0 || b[at - 1] == UInt8(ascii: ";"), b[at + 10] == UInt8(ascii: " "),
                    let on = LocalDate(isoBytes: UnsafeBufferPointer(rebasing: b[at..<(at + 10)])),
                    let manager = UUIDText.parse(bytes: UnsafeBufferPointer(rebasing: b[(at + 11)..<(at + size)]))
                else { return nil }
                entries.append((on, manager))
                at += size + 1
            }
            return entries
        }
    }

    /// Sets each intervention's history from its allocations. `ids`: these interventions (each set,
    /// to nil when it has fewer than two); nil: every intervention allocated more than once (the
    /// others are left as they are).
    static func refresh(_ ids: [UUID]?, on db: Database) async throws {
        let sql = db.sql
        let q = sql.select().columns("intervention_id", "case_manager_id", "allocated_on", "at").from("allocations")
        if let ids {
            guard !ids.isEmpty else { return }
            q.where("intervention_id", .in, SQLBind.group(ids))
        } else {
            q.where(
                "intervention_id", .in,
                SQLRaw("(SELECT intervention_id FROM allocations GROUP BY intervention_id HAVING COUNT(*) > 1)"))
        }
        var made: [UUID: [(on: LocalDate, at: Double, manager: UUID)]] = [:]
        for (i, a) in try await Rows.collect(
            q,
            { r -> (UUID, (on: LocalDate, at: Double, manager: UUID))? in
                guard let i = r.uuid("intervention_id"), let m = r.uuid("case_manager_id"), let d = r.date("allocated_on") else {
                    return nil
                }
                return (i, (d, r.seconds("at") ?? 0, m))
            })
        { made[i, default: []].append(a) }
        for id in ids ?? Array(made.keys) {
            let list = (made[id] ?? []).sorted { ($0.on, $0.at) < ($1.on, $1.at) }
            try await sql.update("interventions").set("allocation_history", to: SQLBind(text(list.map { ($0.on, $0.manager) })))
                .where("id", .equal, SQLBind(id)).run()
        }
    }
}
