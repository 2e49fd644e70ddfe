import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// The one gate for every read and write of case data, and one function per action on it
/// (design.md "use case"). Each action asks the Policy with the agent's role, reaches the child
/// through `reach` (their services, then their relationship to the child), runs its transaction
/// and writes its audit entry in it. The web, the importer, the demo loader and the commands all
/// come through here, so no path can skip a check or an audit entry.
struct CaseWork: Sendable {
    let agent: Agent
    let db: any Database

    init(_ agent: Agent, on db: any Database) {
        self.agent = agent
        self.db = db
    }

    /// For a web request: the signed-in user, on the request's database.
    init(_ req: Request) throws {
        self.init(try req.agent(), on: req.db)
    }

    /// Whether the child is being read, or changed (a form to change a record counts as changing:
    /// nobody is shown a form they cannot send).
    enum Intent: Sendable { case read, write }

    /// A child reached through the gate, and why the agent may reach them (for the audit trail).
    struct Reached: Sendable {
        let child: ChildRecord
        let why: String
    }

    /// Refuses (403) when the agent's role may never do this.
    func authorize(_ action: Action) throws {
        guard agent.can(action) else {
            throw WaypointError.forbidden("Your role (\(agent.role?.label ?? "operator")) does not give access to this page.")
        }
    }

    /// The services the agent may reach: their own, or every service for the operator.
    func scope() async throws -> [UUID] {
        if let s = agent.serviceIDs { return s }
        struct S: Decodable { let id: UUID }
        return try await db.sql.select().column("id").from("services").all(decoding: S.self).map(\.id)
    }

    /// The gate. The child must be in one of the agent's services (else not found, whether or not
    /// they exist elsewhere); a practitioner then needs a relationship: their own children to
    /// change, their own and their team's to read, and a stated reason for any other child.
    /// Throws `NeedsReason` when a reason must be given first, and a 403 when never allowed.
    func reach(_ id: UUID, _ intent: Intent) async throws -> Reached {
        guard let reached = try await reachAll([id], intent)[id] else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        return reached
    }

    /// The gate for several children at once, in the same few queries whatever their number (a
    /// group session's children). Children not in the agent's services are left out; the first
    /// child the agent may not reach refuses the whole (403, or `NeedsReason`), as `reach` would.
    func reachAll(_ ids: [UUID], _ intent: Intent) async throws -> [UUID: Reached] {
        let children = try await ChildStore.findAll(ids, in: try await scope(), on: db)
        guard let role = agent.role else { return children.mapValues { Reached(child: $0, why: "server operator") } }
        guard role == .practitioner, let userID = agent.userID else {
            return children.mapValues { Reached(child: $0, why: Self.roleWhy(role)) }
        }
        let found = ids.filter { children[$0] != nil }
        let standing = try await ChildAccessStore.standing(userID, found, today: agent.today, now: agent.now, on: db)
        let relationships = standing.relationships
        var out: [UUID: Reached] = [:]
        for id in found {
            guard let child = children[id] else { continue }
            let relationship = relationships[id] ?? .service
            // A reason counts only where one is needed: reading a child of the service.
            let reason = intent == .read && relationship == .service ? standing.reasons[id] : nil
            switch ChildAccess.decide(role, relationship, write: intent == .write, reasoned: reason != nil) {
            case .allowed:
                switch relationship {
                case .own: out[id] = Reached(child: child, why: "case manager or co-worker")
                case .team: out[id] = Reached(child: child, why: "their team's child")
                case .service: out[id] = Reached(child: child, why: "reason given: \(reason ?? "")")
                }
            case .needsReason: throw NeedsReason(childID: child.id)
            case .refused:
                throw WaypointError.forbidden(
                    "Only the child's case manager or co-worker can change their record. Ask a manager to allocate you if you are working with them."
                )
            }
        }
        return out
    }

    /// The child, through the gate.
    func child(_ id: UUID, _ intent: Intent) async throws -> ChildRecord { try await reach(id, intent).child }

    static func roleWhy(_ role: Role) -> String {
        switch role {
        case .manager: "manager of the child's service"
        case .victimWorker: "victim work"
        case .volunteer: "sits on the child's panel"
        default: role.label.lowercased()
        }
    }

    /// Writes an audit entry for one child, on `db` (the action's transaction).
    func audit(_ action: String, _ child: ChildRecord, _ details: String? = nil, on db: (any Database)? = nil) async throws {
        try await Audit.record(
            on: db ?? self.db, at: agent.now, userID: agent.userID, userEmail: agent.email, action: action,
            serviceID: child.serviceID, childID: child.id, details: details)
    }

    /// Records that the agent was shown a child's record, and why they could see it.
    func viewed(_ action: String, _ reached: Reached, _ details: String? = nil) async throws {
        try await audit(action, reached.child, Audit.withWhy(details, reached.why))
    }
}
