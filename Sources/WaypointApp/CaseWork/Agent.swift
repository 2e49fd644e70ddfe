import Foundation
import Vapor
import WaypointDomain

/// Who is acting on case data, and when: a signed-in user through the web, or the server's
/// operator through a command or the demo loader. Every use case in `CaseWork` takes one, asks
/// the Policy with its role, and writes its name on the audit record.
struct Agent: Sendable {
    let userID: UUID?
    /// The name written on the audit record (a user's email, or "command line").
    let email: String
    /// Nil for the server's operator, who has the database itself and so every service; the
    /// operator's actions are audited like anyone's.
    let role: Role?
    /// The services the agent works in; nil for the operator (every service).
    let serviceIDs: [UUID]?
    let today: LocalDate
    let now: Date

    init(userID: UUID?, email: String, role: Role?, serviceIDs: [UUID]?, today: LocalDate, now: Date) {
        self.userID = userID
        self.email = email
        self.role = role
        self.serviceIDs = serviceIDs
        self.today = today
        self.now = now
    }

    /// A signed-in user.
    init(_ user: CurrentUser, today: LocalDate, now: Date) {
        self.init(userID: user.id, email: user.email, role: user.role, serviceIDs: user.serviceIDs, today: today, now: now)
    }

    /// The server's operator at the command line (or the demo loader), named on the audit record.
    static func commandLine(_ label: String = "command line", today: LocalDate? = nil, now: Date = Date()) -> Agent {
        Agent(userID: nil, email: label, role: nil, serviceIDs: nil, today: today ?? LocalDate.today(at: now), now: now)
    }

    /// Whether the role may do this at all (the operator may do anything a manager may).
    func can(_ action: Action) -> Bool { Policy.allows(role ?? .manager, action) }

    /// Whether a record of this service is one the agent works in.
    func worksIn(_ serviceID: UUID) -> Bool { serviceIDs?.contains(serviceID) ?? true }

    /// The same agent at another moment (the demo loader writes a history).
    func at(_ now: Date, today: LocalDate) -> Agent {
        Agent(userID: userID, email: email, role: role, serviceIDs: serviceIDs, today: today, now: now)
    }
}

extension Request {
    /// The signed-in user as the agent of a use case.
    func agent() throws -> Agent { Agent(try user(), today: today, now: now) }
}
