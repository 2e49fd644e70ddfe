import Fluent
import Foundation
import WaypointDomain

/// A service as a page offers it (a choice of services, an export link).
struct ServiceOption {
    let id: UUID
    let code: String
    let name: String
    init(id: UUID, code: String, name: String) {
        self.id = id
        self.code = code
        self.name = name
    }
    init(_ s: Service) {
        id = s.id!
        code = s.code
        name = s.name
    }
}
