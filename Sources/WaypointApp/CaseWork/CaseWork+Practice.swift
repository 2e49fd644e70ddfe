import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// Practice records (described once as a `RecordSpec`) and assessments.
extension CaseWork {
    /// Refuses (403) a role that may never record this kind.
    func authorize(recording spec: RecordSpec) throws {
        guard agent.can(spec.recordAction) else {
            throw WaypointError.forbidden(
                "Your role (\(agent.role?.label ?? "operator")) does not give access to this page: it cannot record \(spec.plural.lowercased())."
            )
        }
    }

    /// Where a new record of `spec` goes: the child's intervention, or the child for child-level kinds.
    func parent(_ spec: RecordSpec, childID: UUID?, interventionID: UUID?, _ intent: Intent) async throws -> PracticeController.Parent {
        if let interventionID {
            guard spec.parent == .intervention else {
                throw WaypointError.notFound("Page not found. Check the address, or go back to the home page.")
            }
            let (i, child) = try await intervention(interventionID, intent)
            guard spec.appliesTo(i.interventionType ?? .prevention) else {
                throw WaypointError.notFound("\(spec.plural) are not recorded on this type of intervention.")
            }
            return PracticeController.Parent(spec: spec, child: child, intervention: i)
        }
        guard spec.parent == .child, let childID else {
            throw WaypointError.notFound("Page not found. Check the address, or go back to the home page.")
        }
        return PracticeController.Parent(spec: spec, child: try await child(childID, intent), intervention: nil)
    }

    /// Records a practice record; returns its id and any compliance notice (a missed contact).
    @discardableResult
    func recordPractice(_ parsed: RecordValues, in p: PracticeController.Parent, panelMembers: [UUID] = []) async throws -> (UUID, String?)
    {
        // The gate again, whoever built the parent.
        try await recordPractice(parsed, p.spec, childID: p.child.id, interventionID: p.intervention?.id, panelMembers: panelMembers)
    }

    /// Records a practice record of `spec` on the child, or on their intervention.
    @discardableResult
    func recordPractice(_ parsed: RecordValues, _ spec: RecordSpec, childID: UUID, interventionID: UUID?, panelMembers: [UUID] = [])
        async throws -> (UUID, String?)
    {
        try authorize(recording: spec)
        let p = try await parent(spec, childID: childID, interventionID: interventionID, .write)
        let (now, today, by) = (agent.now, agent.today, agent.userID)
        return try await db.writeTransaction { db -> (UUID, String?) in
            let id = try await RecordStore.insert(
                p.spec, parsed, serviceID: p.serviceID, childID: p.child.id, interventionID: p.intervention?.id, by: by, on: db, now: now)
            if p.spec.kind == .panel { try await RecordStore.setPanelMembers(id, panelMembers, on: db) }
            let notice = try await ComplianceHook.afterContact(
                p, contactID: id, old: nil, new: parsed, by: by, today: today, on: db, now: now)
            try await audit(
                "create_\(p.spec.kind.rawValue)", p.child,
                "\(p.spec.kind.rawValue) \(id.uuidString) " + PracticeController.changes(p.spec, old: [:], new: parsed), on: db)
            return (id, notice)
        }
    }

    /// Changes a practice record; nil when someone else changed it since `version` (nothing saved).
    func updatePractice(
        _ r: PracticeRecord, in p: PracticeController.Parent, version: Int, to parsed: RecordValues, formFields: [FieldSpec]? = nil,
        system: RecordValues = [:], panelMembers: [UUID] = []
    ) async throws -> (saved: Bool, notice: String?) {
        try authorize(recording: p.spec)
        let child = try await child(r.childID, .write)
        let fields = formFields ?? p.spec.fields.filter { !$0.system }
        let (now, today, by) = (agent.now, agent.today, agent.userID)
        return try await db.writeTransaction { db -> (Bool, String?) in
            guard
                try await RecordStore.update(
                    p.spec, r.id, version: version, values: parsed, formFields: fields, system: system, on: db, now: now)
            else {
                return (false, nil)
            }
            if p.spec.kind == .panel { try await RecordStore.setPanelMembers(r.id, panelMembers, on: db) }
            let notice = try await ComplianceHook.afterContact(
                p, contactID: r.id, old: r, new: parsed, by: by, today: today, on: db, now: now)
            try await audit(
                "update_\(p.spec.kind.rawValue)", child,
                "\(p.spec.kind.rawValue) \(r.id.uuidString) " + PracticeController.changes(p.spec, old: r.values, new: parsed), on: db)
            return (true, notice)
        }
    }

    func startAssessment(_ input: AssessmentInput, interventionID: UUID) async throws -> UUID {
        try authorize(.recordAssessment)
        let (i, child) = try await intervention(interventionID, .write)
        guard let by = agent.userID else { throw WaypointError.badRequest("An assessment is written by a person: sign in to start one.") }
        let now = agent.now
        return try await db.writeTransaction { db in
            let id = try await AssessmentStore.insert(input, intervention: i, by: by, on: db, now: now)
            try await audit("create_assessment", child, "assessment \(id.uuidString)", on: db)
            return id
        }
    }

    /// The assessment, if its child is reachable for this intent.
    func assessment(_ id: UUID, _ intent: Intent) async throws -> (AssessmentRow, ChildRecord) {
        guard let a = try await AssessmentStore.find(id, in: try await scope(), on: db) else {
            throw WaypointError.notFound("This assessment could not be found. It may be in a service you do not have access to.")
        }
        return (a, try await child(a.child_id, intent))
    }

    /// Saves a draft, or submits it; false when someone else changed it since `version`.
    func saveAssessment(_ id: UUID, version: Int, _ input: AssessmentInput, submit: Bool) async throws -> Bool {
        try authorize(.recordAssessment)
        let (a, child) = try await assessment(id, .write)
        guard a.statusValue.editable else {
            throw WaypointError.conflict("This assessment has been submitted, so it can no longer be changed.")
        }
        var extra: [(String, any SQLExpression)] = []
        if submit {
            extra.append(("status", SQLBind(AssessmentStatus.submitted.rawValue)))
            extra.append(("submitted_by", SQLBind(agent.userID)))
            if a.submitted_on == nil {
                extra.append(("submitted_on", SQLBind(agent.today.iso)))
                // The due date it is judged against, as it stands at completion.
                if let i = try await InterventionStore.find(a.intervention_id, in: try await scope(), on: db),
                    let allocated = i.allocated_on.flatMap(LocalDate.init(iso:))
                {
                    let reference = try await ReferenceData.read(on: db)
                    let t = reference.timescales(for: i.service_id)
                    let due = reference.calendar.adding(
                        workingDays: t.assessmentDays(for: i.interventionType ?? .prevention), to: allocated)
                    extra.append(("due_on", SQLBind(due.iso)))
                }
            }
        }
        let (now, changes) = (agent.now, extra)
        return try await db.writeTransaction { db -> Bool in
            guard try await AssessmentStore.save(a.id, version: version, content: input, set: changes, on: db, now: now) else {
                return false
            }
            try await audit(submit ? "submit_assessment" : "update_assessment", child, "assessment \(a.id.uuidString)", on: db)
            return true
        }
    }

    /// Signs off a submitted assessment, or returns it to its author with comments.
    func signOffAssessment(_ id: UUID, _ decision: SignOffForm.Decision, comments: String?) async throws {
        try authorize(.signOffAssessment)
        let (a, child) = try await assessment(id, .write)
        guard a.statusValue == .submitted else {
            throw WaypointError.conflict("Only a submitted assessment can be signed off or returned.")
        }
        var extra: [(String, any SQLExpression)] = [("manager_comments", SQLBind(comments))]
        if decision == .signOff {
            extra += [
                ("status", SQLBind(AssessmentStatus.signedOff.rawValue)), ("signed_off_on", SQLBind(agent.today.iso)),
                ("signed_off_by", SQLBind(agent.userID))
            ]
        } else {
            extra += [("status", SQLBind(AssessmentStatus.returned.rawValue))]
        }
        let (now, changes) = (agent.now, extra)
        let saved = try await db.writeTransaction { db -> Bool in
            guard try await AssessmentStore.save(a.id, version: a.version, content: nil, set: changes, on: db, now: now) else {
                return false
            }
            try await audit(
                decision == .signOff ? "sign_off_assessment" : "return_assessment", child, "assessment \(a.id.uuidString)", on: db)
            return true
        }
        guard saved else { throw WaypointError.conflict("Someone else changed this assessment at the same time. Open it again.") }
    }
}
