import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct DisposalPanelRow: Decodable, Sendable {
    let id: UUID
    let service_id: UUID
    let held_on: String
    let place: String?
    let member_police: String?
    let member_youth_justice: String?
    let member_social_care: String?
    let member_health: String?
    let member_education: String?
    let member_other: String?

    func member(_ a: PanelAgency) -> String? {
        switch a {
        case .police: member_police
        case .youthJustice: member_youth_justice
        case .socialCare: member_social_care
        case .health: member_health
        case .education: member_education
        case .other: member_other
        }
    }
    var heldOn: LocalDate? { LocalDate(iso: held_on) }
}

/// A decision with who and what it was about, for the panel and scrutiny pages.
struct PanelDecisionRow: Decodable, Sendable {
    let id: UUID
    let panel_id: UUID
    let child_id: UUID
    let offence_id: UUID
    let decided_on: String
    let screening: String
    let outcome: String
    let rationale: String
    let conditions: String?
    let intervention_id: UUID?
    let given_name: String
    let family_name: String
    let offence_date: String
    let category: String
}

struct ScrutinyRow: Decodable, Sendable {
    let id: UUID
    let service_id: UUID
    let held_on: String
    let sample_from: String
    let sample_to: String
    let sample_size: Int
}

struct FindingRow: Decodable, Sendable {
    let decision_id: UUID
    let finding: String?
    let learning: String?
}

/// An offence a panel can decide: pending, in one of the services, with its child.
struct PendingOffence: Decodable, Sendable {
    let id: UUID
    let child_id: UUID
    let offence_date: String
    let category: String
    let given_name: String
    let family_name: String
}

/// Reads and writes of the joint out-of-court panels (issue 19).
enum OutOfCourtStore {
    static func panels(in services: [UUID], on db: Database) async throws -> [DisposalPanelRow] {
        guard !services.isEmpty else { return [] }
        return try await db.sql.select().column("*").from("disposal_panels").where("service_id", .in, SQLBind.group(services))
            .orderBy("held_on", .descending).orderBy("id").all(decoding: DisposalPanelRow.self)
    }

    static func panel(_ id: UUID, in services: [UUID], on db: Database) async throws -> DisposalPanelRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("disposal_panels").where("id", .equal, SQLBind(id))
            .where("service_id", .in, SQLBind.group(services)).first(decoding: DisposalPanelRow.self)
    }

    /// Decisions with their child and offence: of a panel, or by id.
    static func decisions(panel: UUID? = nil, ids: [UUID]? = nil, in services: [UUID], on db: Database) async throws -> [PanelDecisionRow] {
        guard !services.isEmpty else { return [] }
        let q = db.sql.select()
        for c in [
            "id", "panel_id", "child_id", "offence_id", "decided_on", "screening", "outcome", "rationale", "conditions", "intervention_id"
        ] {
            q.column(SQLColumn(c, table: "panel_decisions"))
        }
        q.column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
            .column(SQLColumn("offence_date", table: "offences")).column(SQLColumn("category", table: "offences"))
            .from("panel_decisions")
            .join("children", on: SQLColumn("id", table: "children"), .equal, SQLColumn("child_id", table: "panel_decisions"))
            .join("offences", on: SQLColumn("id", table: "offences"), .equal, SQLColumn("offence_id", table: "panel_decisions"))
            .where(SQLColumn("service_id", table: "panel_decisions"), .in, SQLBind.group(services))
        if let panel { q.where(SQLColumn("panel_id", table: "panel_decisions"), .equal, SQLBind(panel)) }
        if let ids {
            guard !ids.isEmpty else { return [] }
            q.where(SQLColumn("id", table: "panel_decisions"), .in, SQLBind.group(ids))
        }
        return try await q.orderBy(SQLColumn("family_name", table: "children")).orderBy(SQLColumn("id", table: "panel_decisions"))
            .all(decoding: PanelDecisionRow.self)
    }

    /// Offences still pending in a service, committed on or before `by` (most recent first, at most 500).
    static func pendingOffences(service: UUID, by: LocalDate, on db: Database) async throws -> [PendingOffence] {
        try await db.sql.select().column(SQLColumn("id", table: "offences")).column(SQLColumn("child_id", table: "offences"))
            .column(SQLColumn("offence_date", table: "offences")).column(SQLColumn("category", table: "offences"))
            .column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
            .from("offences").join("children", on: SQLColumn("id", table: "children"), .equal, SQLColumn("child_id", table: "offences"))
            .where(SQLColumn("outcome", table: "offences"), .equal, SQLBind("pending"))
            .where(SQLColumn("service_id", table: "children"), .equal, SQLBind(service))
            .where(SQLColumn("offence_date", table: "offences"), .lessThanOrEqual, SQLBind(by.iso))
            .orderBy(SQLColumn("offence_date", table: "offences") as any SQLExpression, SQLDirection.descending)
            .orderBy(SQLColumn("id", table: "offences")).limit(500)
            .all(decoding: PendingOffence.self)
    }

    static func scrutinies(in services: [UUID], on db: Database) async throws -> [ScrutinyRow] {
        guard !services.isEmpty else { return [] }
        return try await db.sql.select().column("*").from("scrutiny_panels").where("service_id", .in, SQLBind.group(services))
            .orderBy("held_on", .descending).orderBy("id").all(decoding: ScrutinyRow.self)
    }

    static func scrutiny(_ id: UUID, in services: [UUID], on db: Database) async throws -> ScrutinyRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("scrutiny_panels").where("id", .equal, SQLBind(id))
            .where("service_id", .in, SQLBind.group(services)).first(decoding: ScrutinyRow.self)
    }

    static func findings(_ scrutiny: UUID, on db: Database) async throws -> [FindingRow] {
        try await db.sql.select().columns("decision_id", "finding", "learning").from("scrutiny_findings")
            .where("scrutiny_id", .equal, SQLBind(scrutiny)).all(decoding: FindingRow.self)
    }

    /// How many decisions each panel made, and how many findings each scrutiny recorded of its sample.
    static func counts(on db: Database, panels: [UUID], scrutinies: [UUID]) async throws -> (
        decisions: [UUID: Int], findings: [UUID: (Int, Int)]
    ) {
        var decisions: [UUID: Int] = [:], findings: [UUID: (Int, Int)] = [:]
        struct D: Decodable { let panel_id: UUID; let n: Int }
        struct F: Decodable { let scrutiny_id: UUID; let n: Int; let done: Int }
        for chunk in panels.chunked() {
            for d in try await db.sql.select().column("panel_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("panel_decisions").where("panel_id", .in, SQLBind.group(chunk)).groupBy("panel_id").all(decoding: D.self)
            {
                decisions[d.panel_id] = d.n
            }
        }
        for chunk in scrutinies.chunked() {
            for f in try await db.sql.select().column("scrutiny_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .column(SQLFunction("COUNT", args: SQLColumn("finding")), as: "done")
                .from("scrutiny_findings").where("scrutiny_id", .in, SQLBind.group(chunk)).groupBy("scrutiny_id").all(decoding: F.self)
            {
                findings[f.scrutiny_id] = (f.done, f.n)
            }
        }
        return (decisions, findings)
    }
}

/// The joint panels' actions, through the one gate (design.md "use case").
extension CaseWork {
    func recordDisposalPanel(_ p: DisposalPanelInput, serviceID: UUID) async throws -> UUID {
        try authorize(.runOutOfCourtPanels)
        guard agent.worksIn(serviceID) else { throw WaypointError.forbidden("You can record panels only for the services you work in.") }
        let (a, id) = (agent, UUID())
        try await db.writeTransaction { db in
            try await db.sql.insert(into: "disposal_panels").columns(
                ["id", "service_id", "held_on", "place", "created_by", "created_at"] + PanelAgency.allCases.map { "member_\($0.rawValue)" }
            )
            .values(
                [SQLBind(id), SQLBind(serviceID), SQLBind(p.heldOn.iso), SQLBind(p.place), SQLBind(a.userID), SQLBind(a.now)]
                    + PanelAgency.allCases.map { SQLBind(p.members[$0]) }
            ).run()
            try await Audit.record(
                on: db, at: a.now, userID: a.userID, userEmail: a.email, action: "record_disposal_panel", serviceID: serviceID,
                details: "disposal panel \(id.uuidString) on \(p.heldOn.iso)")
        }
        return id
    }

    /// The panel's decision on one offence: recorded, written to the child's legal history (the
    /// offence's outcome, dated the panel's day) and, when work follows, started as an intervention.
    func decide(_ d: PanelDecisionInput, panelID: UUID) async throws -> UUID {
        try authorize(.runOutOfCourtPanels)
        let services = try await scope()
        guard let panel = try await OutOfCourtStore.panel(panelID, in: services, on: db), let held = panel.heldOn else {
            throw WaypointError.notFound("This panel could not be found. It may be in a service you do not have access to.")
        }
        guard let offenceID = UUID(uuidString: d.offenceID),
            let offence = try await OutOfCourtStore.pendingOffences(service: panel.service_id, by: held, on: db).first(where: {
                $0.id == offenceID
            })
        else {
            throw WaypointError.conflict("This offence has been decided already, or is not one of this service's. Choose another.")
        }
        let child = try await child(offence.child_id, .write)
        let (a, id) = (agent, UUID())
        let type = d.outcome.intervention
        return try await db.writeTransaction { db in
            var intervention: UUID?
            if let type {
                intervention = try await InterventionStore.insert(
                    InterventionInput(
                        type: type, startDate: held, plannedEndDate: Deadlines.plannedEnd(type: type, start: held, lengthMonths: nil)),
                    childID: child.id, serviceID: child.serviceID, referralID: nil, on: db, now: a.now)
            }
            try await db.sql.insert(into: "panel_decisions").columns(
                "id", "service_id", "panel_id", "child_id", "offence_id", "decided_on", "screening", "outcome", "rationale", "conditions",
                "intervention_id", "created_by", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(panel.service_id), SQLBind(panel.id), SQLBind(child.id), SQLBind(offenceID), SQLBind(held.iso),
                SQLBind(d.screening), SQLBind(d.outcome.rawValue), SQLBind(d.rationale), SQLBind(d.conditions), SQLBind(intervention),
                SQLBind(a.userID), SQLBind(a.now)
            ).run()
            try await db.sql.update("offences").set("outcome", to: SQLBind(d.outcome.rawValue)).set("outcome_date", to: SQLBind(held.iso))
                .where("id", .equal, SQLBind(offenceID)).where("outcome", .equal, SQLBind("pending")).run()
            try await audit(
                "panel_decision", child,
                "disposal panel \(panel.id.uuidString): offence \(offenceID.uuidString) outcome pending → \(d.outcome.rawValue) on \(held.iso)"
                    + (intervention.map { "; intervention \($0.uuidString) \(type!.rawValue)" } ?? ""), on: db)
            return id
        }
    }

    /// A scrutiny panel and its sample, drawn from the decisions of the period given.
    func startScrutiny(_ s: ScrutinyInput, serviceID: UUID) async throws -> UUID? {
        try authorize(.runOutOfCourtPanels)
        guard agent.worksIn(serviceID) else { throw WaypointError.forbidden("You can scrutinise only the services you work in.") }
        struct D: Decodable { let id: UUID }
        let pool = try await db.sql.select().column("id").from("panel_decisions").where("service_id", .equal, SQLBind(serviceID))
            .where("decided_on", .greaterThanOrEqual, SQLBind(s.from.iso)).where("decided_on", .lessThanOrEqual, SQLBind(s.to.iso))
            .all(decoding: D.self).map { $0.id.uuidString.lowercased() }
        guard !pool.isEmpty else { return nil }
        let (a, id) = (agent, UUID())
        // Seeded by the panel's own id, so the same draw can be made again to check it.
        let seed = withUnsafeBytes(of: id.uuid) { $0.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let sample = ScrutinySample.draw(pool, size: s.sampleSize, seed: seed)
        try await db.writeTransaction { db in
            try await db.sql.insert(into: "scrutiny_panels").columns(
                "id", "service_id", "held_on", "sample_from", "sample_to", "sample_size", "created_by", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(s.heldOn.iso), SQLBind(s.from.iso), SQLBind(s.to.iso), SQLBind(sample.count),
                SQLBind(a.userID), SQLBind(a.now)
            ).run()
            for d in sample.compactMap(UUID.init(uuidString:)) {
                try await db.sql.insert(into: "scrutiny_findings").columns("scrutiny_id", "decision_id").values(SQLBind(id), SQLBind(d))
                    .run()
            }
            try await Audit.record(
                on: db, at: a.now, userID: a.userID, userEmail: a.email, action: "start_scrutiny", serviceID: serviceID,
                details: "scrutiny \(id.uuidString): \(sample.count) of \(pool.count) decisions from \(s.from.iso) to \(s.to.iso)")
        }
        return id
    }

    func recordFinding(_ finding: ScrutinyFinding, learning: String?, scrutinyID: UUID, decision: PanelDecisionRow) async throws {
        try authorize(.runOutOfCourtPanels)
        let child = try await child(decision.child_id, .write)
        let a = agent
        try await db.writeTransaction { db in
            try await db.sql.update("scrutiny_findings").set("finding", to: SQLBind(finding.rawValue)).set(
                "learning", to: SQLBind(learning)
            )
            .set("recorded_by", to: SQLBind(a.userID)).set("recorded_at", to: SQLBind(a.now))
            .where("scrutiny_id", .equal, SQLBind(scrutinyID)).where("decision_id", .equal, SQLBind(decision.id)).run()
            try await audit(
                "scrutiny_finding", child, "scrutiny \(scrutinyID.uuidString): decision \(decision.id.uuidString) \(finding.rawValue)",
                on: db)
        }
    }
}
