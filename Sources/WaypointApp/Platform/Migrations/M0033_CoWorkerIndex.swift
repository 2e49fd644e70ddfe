import Fluent
import SQLKit

/// My work lists the interventions a practitioner is case manager or co-worker on. Case managers
/// had an index and co-workers had none, so the "either" question read every intervention of the
/// service (8 ms on 12,000 interventions, for every page view); with both, each side is a lookup.
struct M0033_CoWorkerIndex: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.sql.create(index: "interventions_co_worker").on("interventions").column("co_worker_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.sql.drop(index: "interventions_co_worker").run()
    }
}
