import Foundation
import SQLKit
import Testing
@testable import WaypointApp
import WaypointDomain

/// Migrations are written out as literal lists and never read live code, so a database made
/// today holds what one made when they landed did. These tests say when the live lists have moved
/// on from what was frozen: then the change needs a migration of its own.
@Suite struct FrozenMigrationsTests {
    @Test(arguments: TestDatabase.all)
    func aFreshDatabaseHoldsTheNationalOutcomesTheSecondFactorDefaultsAndAnIndexForEveryReportPeriod(db: TestDatabase) async throws {
        try await withTestApp(db, secondFactorAsShipped: true) { app in
            struct O: Decodable {
                let code: String; let label: String; let tier: String; let counts_as_entry: Bool; let conviction: Bool; let custodial: Bool
            }
            let outcomes = try await app.db.sql.select().columns("code", "label", "tier", "counts_as_entry", "conviction", "custodial")
                .from("outcome_types")
                .orderBy("sort_order").all(decoding: O.self)
            #expect(outcomes.map(\.code) == OutcomeType.national.map(\.code))
            for (row, national) in zip(outcomes, OutcomeType.national) {
                #expect(
                    row.label == national.label && row.tier == national.tier && row.counts_as_entry == national.countsAsEntry
                        && row.conviction == national.conviction && row.custodial == national.custodial, Comment(rawValue: row.code))
            }
            let required = try await Identity.requiredRoles(on: app.db)
            for role in Role.allCases { #expect(required[role] == SecondFactor.requiredByDefault(role), Comment(rawValue: role.rawValue)) }
            let indexed = Set(
                (M0020_ReportIndexes.indexes + M0030_CareExploitationAchievements.indexes).map { "\($0.table).\($0.columns[0])" })
            for kind in RecordKind.allCases where kind != .contact {
                if let column = ReportRunner.periodColumn(kind) {
                    #expect(
                        indexed.contains("\(kind.spec.table).\(column)"),
                        Comment(rawValue: "\(kind.rawValue): add a migration with its report index"))
                }
            }
        }
    }
}
