import Fluent
import SQLKit

/// Sign-in throttling per client address, and attempts that stop counting (refused while the
/// account waits, cleared by a successful sign-in or an administrator's unlock).
struct M0021_SignInThrottle: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.sql.raw("ALTER TABLE sign_in_attempts ADD COLUMN address TEXT").run()
        try await database.sql.raw("ALTER TABLE sign_in_attempts ADD COLUMN counts BOOLEAN NOT NULL DEFAULT TRUE").run()
        try await database.sql.create(index: "sign_in_attempts_address_at").on("sign_in_attempts").column("address").column("at").run()
    }
    func revert(on database: Database) async throws {
        try await database.sql.drop(index: "sign_in_attempts_address_at").run()
        try await database.sql.raw("ALTER TABLE sign_in_attempts DROP COLUMN counts").run()
        try await database.sql.raw("ALTER TABLE sign_in_attempts DROP COLUMN address").run()
    }
}
