import Fluent
import Foundation
import WaypointDomain

/// A service as a form offers it (a choice of the user's services).
struct ServiceOption {
    let id: UUID
    let name: String
    init(id: UUID, name: String) {
        self.id = id
        self.name = name
    }
    init(_ s: Service) {
        id = s.id!
        name = s.name
    }
}
