import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// The journey's actions: a child on the register, referrals and screening, offences, hearings
/// and consultations, interventions, transfers, and a practitioner's stated reason to read.
extension CaseWork {
    /// The person doing something only a person can do (the operator cannot screen or allocate).
    func person(_ what: String) throws -> UUID {
        guard let id = agent.userID else {
            throw WaypointError.badRequest("\(what) is done by a signed-in person, not from the command line.")
        }
        return id
    }

    func addChild(_ details: ChildDetails, serviceID: UUID, externalID: String? = nil) async throws -> UUID {
        try authorize(.createChild)
        guard agent.worksIn(serviceID) else { throw WaypointError.forbidden("You can add children only to the services you work in.") }
        let a = agent
        return try await db.writeTransaction { db in
            let id = try await ChildStore.insert(details, serviceID: serviceID, on: db, now: a.now, externalID: externalID)
            try await Audit.record(
                on: db, at: a.now, userID: a.userID, userEmail: a.email, action: "create_child", serviceID: serviceID, childID: id,
                details: Audit.encode(details.asCreated))
            return id
        }
    }

    /// False when someone else changed the record since `version` (nothing is saved).
    func editChild(_ id: UUID, version: Int, to details: ChildDetails) async throws -> Bool {
        try authorize(.editChild)
        let child = try await child(id, .write)
        let changes = details.changes(from: child.details)
        let now = agent.now
        return try await db.writeTransaction { db -> Bool in
            guard try await ChildStore.update(child.id, expectedVersion: version, to: details, on: db, now: now) else { return false }
            try await audit("update_child", child, Audit.encode(changes), on: db)
            return true
        }
    }

    func recordReferral(_ input: ReferralInput, for childID: UUID) async throws -> UUID {
        try authorize(.recordReferral)
        let child = try await child(childID, .write)
        let (now, by) = (agent.now, agent.userID)
        return try await db.writeTransaction { db in
            let id = try await ReferralStore.insert(input, childID: child.id, serviceID: child.serviceID, recordedBy: by, on: db, now: now)
            try await audit("create_referral", child, "referral \(id.uuidString) from \(input.source.rawValue)", on: db)
            return id
        }
    }

    /// Screens a pending referral; returns the intervention an acceptance starts.
    func screen(_ referralID: UUID, _ input: ScreeningInput) async throws -> UUID? {
        try authorize(.screenReferral)
        guard let referral = try await ReferralStore.find(referralID, in: try await scope(), on: db) else {
            throw WaypointError.notFound("This referral could not be found. It may be in a service you do not have access to.")
        }
        let child = try await child(referral.child_id, .write)
        guard referral.decision == ScreeningDecision.pending.rawValue else {
            throw WaypointError.conflict("This referral has already been screened. Open it again to see the decision.")
        }
        let (now, by) = (agent.now, try person("Screening"))
        return try await db.writeTransaction { db in
            let id = try await ReferralStore.screen(referral, input, by: by, on: db, now: now)
            var details = "referral \(referral.id.uuidString) \(input.decision.rawValue)"
            if let d = input.destination { details += " to \(d.rawValue)" }
            if let t = input.interventionType { details += " as \(t.rawValue)" }
            try await audit("screen_referral", child, details, on: db)
            return id
        }
    }

    @discardableResult
    func recordOffence(_ o: OffenceInput, for childID: UUID) async throws -> UUID {
        try authorize(.recordReferral)
        let child = try await child(childID, .write)
        let now = agent.now
        return try await db.writeTransaction { db in
            let id = try await LegalStore.insertOffence(o, childID: child.id, serviceID: child.serviceID, on: db, now: now)
            try await audit("create_offence", child, "offence \(id.uuidString) \(o.category.rawValue) outcome \(o.outcome)", on: db)
            return id
        }
    }

    func recordHearing(_ h: HearingInput, for childID: UUID) async throws {
        try authorize(.recordReferral)
        let child = try await child(childID, .write)
        let now = agent.now
        try await db.writeTransaction { db in
            try await LegalStore.insertHearing(h, childID: child.id, serviceID: child.serviceID, on: db, now: now)
            try await audit("create_hearing", child, "hearing \(h.hearingDate.iso)", on: db)
        }
    }

    func recordConsultation(_ c: ConsultationInput, for childID: UUID) async throws {
        try authorize(.recordReferral)
        let child = try await child(childID, .write)
        let by = try person("A case consultation")
        let now = agent.now
        try await db.writeTransaction { db in
            try await LegalStore.insertConsultation(c, childID: child.id, serviceID: child.serviceID, by: by, on: db, now: now)
            try await audit("create_consultation", child, "consultation \(c.heldOn.iso)", on: db)
        }
    }

    /// Starts an intervention directly (a court order, or work without a referral).
    func startIntervention(_ input: InterventionInput, for childID: UUID) async throws -> UUID {
        try authorize(.manageInterventions)
        let child = try await child(childID, .write)
        let now = agent.now
        return try await db.writeTransaction { db in
            let id = try await InterventionStore.insert(
                input, childID: child.id, serviceID: child.serviceID, referralID: nil, on: db, now: now)
            try await audit("create_intervention", child, "intervention \(id.uuidString) \(input.type.rawValue)", on: db)
            return id
        }
    }

    /// The intervention, if its child is in the agent's services and reachable for this intent.
    func intervention(_ id: UUID, _ intent: Intent) async throws -> (InterventionRow, ChildRecord) {
        guard let i = try await InterventionStore.find(id, ofChildIn: try await scope(), on: db) else {
            throw WaypointError.notFound("This intervention could not be found. It may be in a service you do not have access to.")
        }
        return (i, try await child(i.child_id, intent))
    }

    func allocate(_ interventionID: UUID, caseManager: UUID, coWorker: UUID?, on date: LocalDate? = nil, overCapConfirmed: Bool)
        async throws
    {
        try authorize(.allocate)
        let (i, child) = try await intervention(interventionID, .write)
        let (day, now, by) = (date ?? agent.today, agent.now, try person("Allocation"))
        try await db.writeTransaction { db in
            try await InterventionStore.allocate(
                i, caseManager: caseManager, coWorker: coWorker, on: day, by: by, overCapConfirmed: overCapConfirmed, db: db, now: now)
            try await audit(
                "allocate_intervention", child,
                "intervention \(i.id.uuidString) to \(caseManager.uuidString)\(overCapConfirmed ? " past the caseload cap (confirmed)" : "")",
                on: db)
        }
    }

    /// Closes an intervention, with its end-of-intervention KPI answers when there are any.
    func close(_ interventionID: UUID, _ c: ClosureInput, kpi answers: RecordValues? = nil) async throws {
        try authorize(.closeIntervention)
        let (i, child) = try await intervention(interventionID, .write)
        guard i.end_date == nil else { throw WaypointError.conflict("This intervention has already been closed.") }
        let existing = answers == nil ? nil : try await KPIClosure.existingEnd(i.id, on: db)
        let (now, by) = (agent.now, agent.userID)
        try await db.writeTransaction { db in
            if let answers, let by {
                try await KPIClosure.save(answers, endDate: c.endDate, existing: existing, intervention: i, by: by, on: db, now: now)
            }
            try await InterventionStore.close(i.id, c, on: db)
            try await audit("close_intervention", child, "intervention \(i.id.uuidString) \(c.reason.rawValue) on \(c.endDate.iso)", on: db)
        }
    }

    /// Moves a child to another service: their record moves, their history stays (ServiceMoves).
    func transfer(_ childID: UUID, to target: UUID, on date: LocalDate, reason: String) async throws {
        try authorize(.transferChild)
        let child = try await child(childID, .write)
        let a = agent
        try await db.writeTransaction { db in
            try await ServiceMoves.transfer(child.id, to: target, on: date, reason: reason, actor: a, db: db, now: a.now)
        }
    }

    /// A practitioner's stated reason to read a child who is not theirs or their team's.
    func giveReason(_ reason: String, for childID: UUID) async throws {
        try authorize(.viewChild)
        guard let child = try await ChildStore.find(childID, in: try await scope(), on: db) else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        guard let userID = agent.userID else { return }
        let now = agent.now
        try await db.writeTransaction { db in
            try await db.sql.insert(into: "child_access_reasons").columns(
                "id", "user_id", "child_id", "service_id", "reason", "at", "until_at"
            )
            .values(
                SQLBind(UUID()), SQLBind(userID), SQLBind(child.id), SQLBind(child.serviceID), SQLBind(reason), SQLBind(now),
                SQLBind(now.addingTimeInterval(Double(ChildAccess.reasonHours) * 3600))
            ).run()
            try await audit("child_access_reason", child, reason, on: db)
        }
    }
}
