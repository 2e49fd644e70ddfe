import Fluent
import SQLKit
import WaypointDomain

/// Outcome (disposal) codes as reference data, seeded from domain.md; admins add codes.
struct M0010_CreateOutcomeTypes: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("outcome_types")
            .field("code", .string, .identifier(auto: false))
            .field("label", .string, .required)
            .field("tier", .string, .required)
            .field("counts_as_entry", .bool, .required)
            .field("conviction", .bool, .required)
            .field("custodial", .bool, .required)
            .field("sort_order", .int, .required)
            .create()
        for (i, o) in OutcomeType.national.enumerated() {
            try await database.sql.insert(into: "outcome_types")
                .columns("code", "label", "tier", "counts_as_entry", "conviction", "custodial", "sort_order")
                .values(SQLBind(o.code), SQLBind(o.label), SQLBind(o.tier), SQLBind(o.countsAsEntry), SQLBind(o.conviction),
                        SQLBind(o.custodial), SQLBind((i + 1) * 10))
                .run()
        }
    }
    func revert(on database: Database) async throws {
        try await database.schema("outcome_types").delete()
    }
}
