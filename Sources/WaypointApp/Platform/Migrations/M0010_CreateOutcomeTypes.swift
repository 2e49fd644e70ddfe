import Fluent
import SQLKit

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
        // Frozen as landed: a migration never reads live code, so a database made today and one
        // made when this landed hold the same rows. A later change to the national list is a new
        // migration.
        let rows: [(code: String, label: String, tier: String, entry: Bool, conviction: Bool, custodial: Bool)] = [
            ("pending", "Pending", "pending", false, false, false),
            ("no_further_action", "No further action", "none", false, false, false),
            ("community_resolution", "Community resolution", "pre_court", false, false, false),
            ("outcome_21", "Outcome 21 (further action not in the public interest)", "pre_court", false, false, false),
            ("outcome_22", "Outcome 22 (diversionary, educational or intervention activity)", "pre_court", false, false, false),
            ("outcome_23", "Outcome 23 (deferred prosecution)", "pre_court", false, false, false),
            ("youth_caution", "Youth caution", "pre_court", true, false, false),
            ("youth_conditional_caution", "Youth conditional caution", "pre_court", true, false, false),
            ("absolute_discharge", "Absolute discharge", "first_tier", true, true, false),
            ("conditional_discharge", "Conditional discharge", "first_tier", true, true, false),
            ("fine", "Fine", "first_tier", true, true, false),
            ("referral_order", "Referral order", "first_tier", true, true, false),
            ("reparation_order", "Reparation order", "first_tier", true, true, false),
            ("youth_rehabilitation_order", "Youth rehabilitation order", "community", true, true, false),
            ("detention_and_training_order", "Detention and training order", "custody", true, true, true),
            ("custody_long_term", "Long-term custody (grave crimes)", "custody", true, true, true),
            ("not_guilty", "Not guilty", "none", false, false, false),
            ("dismissed", "Dismissed", "none", false, false, false)
        ]
        for (i, o) in rows.enumerated() {
            try await database.sql.insert(into: "outcome_types")
                .columns("code", "label", "tier", "counts_as_entry", "conviction", "custodial", "sort_order")
                .values(
                    SQLBind(o.code), SQLBind(o.label), SQLBind(o.tier), SQLBind(o.entry), SQLBind(o.conviction), SQLBind(o.custodial),
                    SQLBind((i + 1) * 10)
                )
                .run()
        }
    }
    func revert(on database: Database) async throws {
        try await database.schema("outcome_types").delete()
    }
}
