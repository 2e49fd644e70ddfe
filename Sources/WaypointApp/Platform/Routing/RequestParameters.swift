import Foundation
import Vapor
import WaypointDomain

extension Request {
    /// The child in the path, if it is in one of the user's services (else 404).
    func childInScope(_ user: CurrentUser, parameter: String = "childID", _ intent: CaseWork.Intent? = nil) async throws -> ChildRecord {
        guard let id = parameters.get(parameter).flatMap(UUID.init(uuidString:)),
            let child = try await child(id, user, intent)
        else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        return child
    }

    func uuidParameter(_ name: String) throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else {
            throw WaypointError.notFound("Page not found. Check the address, or go back to the home page.")
        }
        return id
    }
}
