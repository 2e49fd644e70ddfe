import Fluent
import SQLKit

/// One service's contacts in a period, read from an index (a service's contact attendance read
/// every service's contacts in the period: over half a second at national scale for 2,000 children).
struct M0027_ContactsByService: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.sql.create(index: "contacts_service_report").on("contacts")
            .column("service_id").column("contact_on").column("child_id").column("attendance").column("contact_type").run()
    }
    func revert(on database: Database) async throws {
        try await database.sql.drop(index: "contacts_service_report").run()
    }
}
