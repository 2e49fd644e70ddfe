import Fluent
import SQLKit

/// Identity (issue 17): people set their own passwords (one-time codes from an admin or the
/// operator, never a password someone else knows), a second factor (TOTP and ten recovery
/// codes), which roles must use one, and sign-in in stages on the session.
struct M0028_Identity: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database.sql
        // Users: must set a password at next sign-in; the authenticator's secret and the last
        // step used (a code is never accepted twice).
        try await sql.alter(table: "users").column("must_set_password", type: .smallint, SQLColumnConstraintAlgorithm.default(0), .notNull)
            .run()
        try await sql.alter(table: "users").column("password_changed_at", type: .timestamp).run()
        try await sql.alter(table: "users").column("totp_secret", type: .text).run()
        try await sql.alter(table: "users").column("totp_last_step", type: .bigint).run()
        try await sql.alter(table: "users").column("totp_enrolled_at", type: .timestamp).run()
        // Sessions: the stage of sign-in reached ('full' once every step is done), the page to
        // go to after it, and a secret being set up but not yet confirmed.
        try await sql.alter(table: "sessions").column("stage", type: .text, SQLColumnConstraintAlgorithm.default("full"), .notNull).run()
        try await sql.alter(table: "sessions").column("next_path", type: .text).run()
        try await sql.alter(table: "sessions").column("pending_totp_secret", type: .text).run()

        try await database.schema("one_time_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("issued_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code_hash")
            .create()
        try await sql.create(index: "one_time_codes_user").on("one_time_codes").column("user_id").run()

        try await database.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await sql.create(index: "recovery_codes_user").on("recovery_codes").column("user_id").run()

        // Which roles must use a second factor: by default every role with case access.
        try await database.schema("second_factor_roles")
            .field("role", .string, .identifier(auto: false))
            .field("required", .bool, .required)
            .create()
        // Written out, not read from the Policy: a migration never reads live code.
        for (role, required) in [
            ("practitioner", true), ("manager", true), ("victim_worker", true), ("volunteer", true), ("analyst", true),
            ("board", false), ("admin", false)
        ] {
            try await sql.insert(into: "second_factor_roles").columns("role", "required").values(SQLBind(role), SQLBind(required)).run()
        }
    }

    func revert(on database: Database) async throws {
        try await database.schema("second_factor_roles").delete()
        try await database.schema("recovery_codes").delete()
        try await database.schema("one_time_codes").delete()
    }
}
