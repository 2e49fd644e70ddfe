import Fluent
import Foundation
import Vapor
import WaypointDomain

final class Service: Model, @unchecked Sendable {
    static let schema = "services"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "caseload_cap") var caseloadCap: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
    init(id: UUID? = nil, code: String, name: String, caseloadCap: Int = 25) {
        self.id = id
        self.code = code
        self.name = name
        self.caseloadCap = caseloadCap
    }
}

final class User: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
    init(id: UUID? = nil, email: String, name: String, passwordHash: String, role: Role, active: Bool = true) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.active = active
    }
}

final class UserService: Model, @unchecked Sendable {
    static let schema = "user_services"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "service_id") var serviceID: UUID
    init() {}
    init(userID: UUID, serviceID: UUID) {
        self.userID = userID
        self.serviceID = serviceID
    }
}

final class UserSession: Model, @unchecked Sendable {
    static let schema = "sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    init() {}
}

final class SignInAttempt: Model, @unchecked Sendable {
    static let schema = "sign_in_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "at") var at: Date
    /// The client address the attempt came from.
    @OptionalField(key: "address") var address: String?
    /// False once the attempt no longer counts towards throttling (refused while waiting, or
    /// cleared by a successful sign-in or an administrator's unlock).
    @Field(key: "counts") var counts: Bool
    init() {}
    init(email: String, succeeded: Bool, at: Date, address: String? = nil, counts: Bool = true) {
        self.email = email
        self.succeeded = succeeded
        self.at = at
        self.address = address
        self.counts = counts
    }
}

/// Normalised email: trimmed, lower case.
func normaliseEmail(_ s: String) -> String {
    s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
}
