import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Each intervention allocated more than once keeps its allocations on its row as they are made
/// (`AllocationHistory`), which is what a report reads for who managed it when.
@Suite struct AllocationHistoryTests {
    @Test func theTextNamesTheAllocationsInOrderAndOnlyWhenThereAreTwoOrMore() throws {
        let a = try #require(UUID(uuidString: "9B1DEB4D-3B7D-4BAD-9BDD-2B0D7B3DCB6D"))
        let b = try #require(UUID(uuidString: "00000000-0000-0000-0000-000000000001"))
        let d1 = try #require(LocalDate(iso: "2024-05-01")), d2 = try #require(LocalDate(iso: "2024-07-30"))
        #expect(AllocationHistory.text([]) == nil)
        #expect(AllocationHistory.text([(d1, a)]) == nil)
        let text = try #require(AllocationHistory.text([(d1, a), (d2, b), (d2, a)]))
        #expect(
            text
                == "2024-05-01 9B1DEB4D-3B7D-4BAD-9BDD-2B0D7B3DCB6D;2024-07-30 00000000-0000-0000-0000-000000000001;2024-07-30 9B1DEB4D-3B7D-4BAD-9BDD-2B0D7B3DCB6D"
        )
        let back = try #require(AllocationHistory.parse(text))
        #expect(back.map(\.on) == [d1, d2, d2] && back.map(\.manager) == [a, b, a])
        for bad in [
            "", "2024-05-01", "2024-13-01 \(a.uuidString)", "2024-05-01 not-an-id", "2024-05-01 \(a.uuidString);",
            "2024-05-01  \(a.uuidString)"
        ] {
            #expect(AllocationHistory.parse(bad) == nil, Comment(rawValue: bad))
        }
    }

    /// Allocating keeps the history in order by day (a reallocation dated earlier than the one
    /// before comes first), and the migration that brought the column in fills it the same way.
    @Test(arguments: TestDatabase.all)
    func allocatingKeepsTheHistoryAndTheMigrationFillsItAlike(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await ReportAgreementTests.demo(app)
            // An intervention of the demo data allocated once (as the demo allocates: through the use case).
            struct A: Decodable { let intervention_id: UUID; let case_manager_id: UUID; let allocated_on: String }
            let once = try await app.db.sql.select().columns("intervention_id", "case_manager_id", "allocated_on").from("allocations")
                .where(
                    "intervention_id", .in,
                    SQLRaw("(SELECT intervention_id FROM allocations GROUP BY intervention_id HAVING COUNT(*) = 1)")
                ).orderBy("intervention_id").limit(1).first(decoding: A.self)
            let first = try #require(once)
            let intervention = first.intervention_id
            let start = try #require(LocalDate(iso: first.allocated_on))
            func row() async throws -> InterventionRow {
                try #require(
                    try await app.db.sql.select().column("*").from("interventions").where("id", .equal, SQLBind(intervention)).first(
                        decoding: InterventionRow.self))
            }
            struct H: Decodable { let allocation_history: String? }
            func history() async throws -> String? {
                try await app.db.sql.select().column("allocation_history").from("interventions").where("id", .equal, SQLBind(intervention))
                    .first(decoding: H.self)?.allocation_history
            }
            let one = UUID(), two = UUID()
            let days = [start.adding(days: 100), start.adding(days: 50)]
            #expect(try await history() == nil, "allocated once: the row has its case manager and day")
            for (n, (day, manager)) in zip(days, [two, one]).enumerated() {
                let r = try await row()
                try await app.db.transaction { tx in
                    try await InterventionStore.allocate(
                        r, caseManager: manager, coWorker: nil, on: day, by: manager, overCapConfirmed: false, db: tx,
                        now: pinnedNow.addingTimeInterval(Double(n)))
                }
            }
            let expected = [
                "\(first.allocated_on) \(first.case_manager_id.uuidString)", "\(days[1].iso) \(one.uuidString)",
                "\(days[0].iso) \(two.uuidString)"
            ].joined(separator: ";")
            #expect(try await history() == expected)
            // The migration's own filling (of a database made before the column) gives the same text.
            try await app.db.sql.update("interventions").set("allocation_history", to: SQLLiteral.null).run()
            try await M0042_AllocationHistory.fill(on: app.db)
            #expect(try await history() == expected)
        }
    }
}
