import Fluent
import SQLKit

/// Single sign-on (issue 17): a user linked to the provider by its issuer and subject id (never
/// by email alone), sign-ins in flight (state, nonce and PKCE verifier, used once), people the
/// provider signed in whom Waypoint does not know yet (for an admin to approve or link), and
/// whether everyone but admins must use single sign-on.
struct M0029_SingleSignOn: AsyncMigration {
    func prepare(on database: Database) async throws {
        let sql = database.sql
        try await sql.alter(table: "users").column("oidc_issuer", type: .text).run()
        try await sql.alter(table: "users").column("oidc_subject", type: .text).run()
        try await sql.create(index: "users_oidc_identity").on("users").column("oidc_issuer").column("oidc_subject").unique().run()
        try await database.schema("oidc_requests")
            .field("state_hash", .string, .identifier(auto: false))
            .field("nonce", .string, .required)
            .field("verifier", .string, .required)
            .field("next_path", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("sso_requests")
            .id()
            .field("issuer", .string, .required)
            .field("subject", .string, .required)
            .field("email", .string)
            .field("name", .string)
            .field("groups", .string, .required)
            .field("at", .datetime, .required)
            .unique(on: "issuer", "subject")
            .create()
        try await database.schema("sign_in_settings")
            .field("id", .int, .identifier(auto: false))
            .field("require_sso", .bool, .required)
            .create()
        try await sql.insert(into: "sign_in_settings").columns("id", "require_sso").values(SQLBind(1), SQLBind(false)).run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("sign_in_settings").delete()
        try await database.schema("sso_requests").delete()
        try await database.schema("oidc_requests").delete()
    }
}
