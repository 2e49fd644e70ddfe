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

    /// The user's own services, by name.
    static func granted(_ user: CurrentUser, on db: Database) async throws -> [ServiceOption] {
        guard !user.serviceIDs.isEmpty else { return [] }
        return try await Service.query(on: db).filter(\.$id ~~ user.serviceIDs).sort(\.$name).all().map(ServiceOption.init)
    }
}

/// A form for something one of the user's services does (an out-of-court panel, a scrutiny panel,
/// a board meeting): the services it can be for, and what was typed.
struct InServiceForm {
    let services: [ServiceOption]
    var form: FormState
}

extension C {
    /// The choice of service on an `InServiceForm`, shown only when the user has more than one.
    static func serviceChoice(_ m: InServiceForm) -> [H] {
        guard m.services.count > 1 else { return [] }
        return [
            C.select(
                "service", label: "Service", options: m.services.map { ($0.id.uuidString.lowercased(), $0.name) },
                selected: m.form.values["service"], error: m.form.messages("service"))
        ]
    }
}
