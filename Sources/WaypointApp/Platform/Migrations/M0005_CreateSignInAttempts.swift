import Fluent
import SQLKit

struct M0005_CreateSignInAttempts: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("sign_in_attempts")
            .id()
            .field("email", .string, .required)
            .field("succeeded", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.sql.create(index: "sign_in_attempts_email_at").on("sign_in_attempts")
            .column("email").column("at").run()
    }
    func revert(on database: Database) async throws {
        try await database.schema("sign_in_attempts").delete()
    }
}
