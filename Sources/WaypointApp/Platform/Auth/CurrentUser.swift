import Foundation
import Vapor
import WaypointDomain

/// The signed-in user for this request, with the services they may work in.
struct CurrentUser: Authenticatable, Sendable {
    let id: UUID
    let email: String
    let name: String
    let role: Role
    let serviceIDs: [UUID]
    let sessionID: UUID
    let csrfToken: String
    /// An authenticator secret being set up on this session, not yet confirmed.
    var pendingSecret: String? = nil

    func can(_ action: Action) -> Bool { Policy.allows(role, action) }
    func can(_ action: Action, serviceID: UUID) -> Bool {
        Policy.allows(role, action, on: RecordContext(inGrantedService: serviceIDs.contains(serviceID)))
    }
}

extension Request {
    var currentUser: CurrentUser? { auth.get(CurrentUser.self) }

    /// The signed-in user; routes behind `RequireSignIn` always have one.
    func user() throws -> CurrentUser {
        guard let u = currentUser else { throw Abort(.unauthorized) }
        return u
    }

    /// Asks the policy; refuses with 403 and a clear message when the role may not.
    @discardableResult
    func authorize(_ action: Action) throws -> CurrentUser {
        let u = try user()
        guard u.can(action) else {
            logger.info("forbidden", metadata: ["action": .string(action.rawValue), "user": .string(u.id.uuidString)])
            throw WaypointError.forbidden("Your role (\(u.role.label)) does not give access to this page.")
        }
        return u
    }

    /// True when the request wants JSON rather than a page.
    var wantsJSON: Bool {
        let accept = headers.first(name: .accept) ?? ""
        return accept.contains("application/json") || accept.contains("application/problem+json")
    }
}
