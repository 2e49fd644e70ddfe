import Fluent
import SQLKit

/// Each outcome code carries its first-time-entrant disposal group (reports no longer pick the
/// group by code), and a code can be retired. Frozen: the groups of the codes of the time are
/// written out here, not read from live code.
struct M0023_OutcomeDisposalGroups: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database.sql
        try await sql.raw("ALTER TABLE outcome_types ADD COLUMN disposal_group TEXT NOT NULL DEFAULT 'none'").run()
        try await sql.raw("ALTER TABLE outcome_types ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE").run()
        // Convictions are the court group; other entry codes were reported as youth cautions,
        // except the youth conditional caution. An administrator can correct any of them.
        try await sql.update("outcome_types").set("disposal_group", to: SQLBind("court")).where("conviction", .equal, SQLBind(true)).run()
        try await sql.update("outcome_types").set("disposal_group", to: SQLBind("youth_caution"))
            .where("counts_as_entry", .equal, SQLBind(true)).where("conviction", .equal, SQLBind(false)).run()
        try await sql.update("outcome_types").set("disposal_group", to: SQLBind("youth_conditional_caution"))
            .where("code", .equal, SQLBind("youth_conditional_caution")).run()
    }
    func revert(on database: Database) async throws {
        try await database.sql.raw("ALTER TABLE outcome_types DROP COLUMN retired").run()
        try await database.sql.raw("ALTER TABLE outcome_types DROP COLUMN disposal_group").run()
    }
}
