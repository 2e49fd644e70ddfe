import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct Count: Decodable { let n: Int }

/// Reference data and service settings the journey rules need.
enum ServiceRules {
    static func calendar(on db: Database) async throws -> WorkingDayCalendar {
        struct Row: Decodable { let date: String }
        let rows = try await db.sql.select().column("date").from("bank_holidays").all(decoding: Row.self)
        return WorkingDayCalendar(holidays: Set(rows.compactMap { LocalDate(iso: $0.date) }))
    }

    static func timescales(for serviceID: UUID, on db: Database) async throws -> Timescales {
        var t = Timescales()
        if let service = try await Service.find(serviceID, on: db) { t.caseloadCap = service.caseloadCap }
        struct Row: Decodable { let setting: String; let intervention_type: String; let value: Int }
        let rows = try await db.sql.select().columns("setting", "intervention_type", "value").from("timescale_settings")
            .where("service_id", .equal, SQLBind(serviceID)).all(decoding: Row.self)
        for r in rows {
            switch (r.setting, InterventionType(rawValue: r.intervention_type)) {
            case ("assessment_working_days", nil): t.assessmentWorkingDays = r.value
            case ("assessment_working_days", let type?): t.assessmentWorkingDaysByType[type] = r.value
            case ("initial_panel_working_days", _): t.initialPanelWorkingDays = r.value
            case ("review_months", nil): t.reviewMonths = r.value
            case ("review_months", let type?): t.reviewMonthsByType[type] = r.value
            default: break
            }
        }
        return t
    }

    static func outcomeTypes(on db: Database) async throws -> [OutcomeType] {
        struct Row: Decodable {
            let code: String; let label: String; let tier: String; let counts_as_entry: Bool; let conviction: Bool; let custodial: Bool
            let disposal_group: String; let retired: Bool
        }
        return try await db.sql.select().columns(
            "code", "label", "tier", "counts_as_entry", "conviction", "custodial", "disposal_group", "retired"
        )
        .from("outcome_types").orderBy("sort_order").orderBy("code").all(decoding: Row.self)
        .map {
            OutcomeType(
                code: $0.code, label: $0.label, tier: $0.tier, countsAsEntry: $0.counts_as_entry, conviction: $0.conviction,
                custodial: $0.custodial,
                disposalGroup: OutcomeType.DisposalGroup(rawValue: $0.disposal_group) ?? .none, retired: $0.retired)
        }
    }
}

// MARK: - Referrals

struct ReferralRow: Decodable {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let received_on: String
    let source: String
    let referrer_name: String?
    let referrer_organisation: String?
    let reasons: String
    let consent: String
    let police_reference: String?
    let decision: String
    let decided_on: String?
    let decided_by: UUID?
    let decision_reasons: String?
    let destination: String?
    let destination_service: String?
    let intervention_type: String?
    let intervention_id: UUID?

    var receivedOn: LocalDate? { LocalDate(iso: received_on) }
}

/// A pending referral on the manager's queue, with the child's name.
struct QueueRow: Decodable {
    let id: UUID
    let child_id: UUID
    let given_name: String
    let family_name: String
    let received_on: String
    let source: String
}

enum ReferralStore {
    static let pageSize = 25

    static func insert(_ r: ReferralInput, childID: UUID, serviceID: UUID, recordedBy: UUID?, on db: Database, now: Date) async throws
        -> UUID
    {
        let id = UUID()
        try await db.sql.insert(into: "referrals")
            .columns(
                "id", "service_id", "child_id", "received_on", "source", "referrer_name", "referrer_organisation", "reasons",
                "consent", "police_reference", "decision", "recorded_by", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(r.receivedOn.iso), SQLBind(r.source.rawValue),
                SQLBind(r.referrerName), SQLBind(r.referrerOrganisation), SQLBind(r.reasons), SQLBind(r.consent.rawValue),
                SQLBind(r.policeReference), SQLBind(ScreeningDecision.pending.rawValue), SQLBind(recordedBy), SQLBind(now)
            )
            .run()
        return id
    }

    static func find(_ id: UUID, in services: [UUID], on db: Database) async throws -> ReferralRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("referrals")
            .where("id", .equal, SQLBind(id)).where("service_id", .in, SQLBind.group(services))
            .first(decoding: ReferralRow.self)
    }

    static func forChild(_ childID: UUID, on db: Database) async throws -> [ReferralRow] {
        try await db.sql.select().column("*").from("referrals").where("child_id", .equal, SQLBind(childID))
            .orderBy("received_on", .descending).all(decoding: ReferralRow.self)
    }

    /// Pending referrals, oldest first.
    static func queue(in services: [UUID], page: Int, on db: Database) async throws -> (rows: [QueueRow], total: Int) {
        guard !services.isEmpty else { return ([], 0) }
        func base(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            b.from("referrals")
                .join("children", on: SQLColumn("child_id", table: "referrals"), .equal, SQLColumn("id", table: "children"))
                .where(SQLColumn("service_id", table: "referrals"), .in, SQLBind.group(services))
                .where(SQLColumn("decision", table: "referrals"), .equal, SQLBind(ScreeningDecision.pending.rawValue))
        }
        let total =
            try await base(db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")).first(decoding: Count.self)?.n ?? 0
        let rows = try await base(
            db.sql.select()
                .column(SQLColumn("id", table: "referrals")).column(SQLColumn("child_id", table: "referrals"))
                .column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
                .column(SQLColumn("received_on", table: "referrals")).column(SQLColumn("source", table: "referrals"))
        )
        .orderBy(SQLColumn("received_on", table: "referrals")).orderBy(SQLColumn("id", table: "referrals"))
        .limit(pageSize).offset((page - 1) * pageSize)
        .all(decoding: QueueRow.self)
        return (rows, total)
    }

    /// Records the decision; an acceptance starts the intervention (unallocated). Returns its id.
    static func screen(_ referral: ReferralRow, _ s: ScreeningInput, by userID: UUID, on db: Database, now: Date) async throws -> UUID? {
        var interventionID: UUID?
        if s.decision == .accepted, let type = s.interventionType {
            interventionID = try await InterventionStore.insert(
                InterventionInput(
                    type: type, startDate: s.decidedOn,
                    plannedEndDate: Deadlines.plannedEnd(type: type, start: s.decidedOn, lengthMonths: nil),
                    requirements: [], custodyEndDate: nil),
                childID: referral.child_id, serviceID: referral.service_id, referralID: referral.id, on: db, now: now)
        }
        let updated = try await db.sql.update("referrals")
            .set("decision", to: SQLBind(s.decision.rawValue))
            .set("decided_on", to: SQLBind(s.decidedOn.iso))
            .set("decided_at", to: SQLBind(now))
            .set("decided_by", to: SQLBind(userID))
            .set("decision_reasons", to: SQLBind(s.reasons))
            .set("destination", to: SQLBind(s.destination?.rawValue))
            .set("destination_service", to: SQLBind(s.destinationService))
            .set("intervention_type", to: SQLBind(s.interventionType?.rawValue))
            .set("intervention_id", to: SQLBind(interventionID))
            .where("id", .equal, SQLBind(referral.id))
            .where("decision", .equal, SQLBind(ScreeningDecision.pending.rawValue))
            .returning("id").all()
        guard !updated.isEmpty else {
            throw WaypointError.conflict("This referral has already been screened by someone else. Open it again to see the decision.")
        }
        return interventionID
    }
}

// MARK: - Interventions

struct InterventionRow: Decodable {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let referral_id: UUID?
    let type: String
    let start_date: String
    let planned_end_date: String?
    let end_date: String?
    let closure_reason: String?
    let outcome: String?
    let requirements: String?
    let custody_end_date: String?
    let case_manager_id: UUID?
    let co_worker_id: UUID?
    let allocated_on: String?
    let first_seen_at: Date?

    var interventionType: InterventionType? { InterventionType(rawValue: type) }
    var startDate: LocalDate { LocalDate(iso: start_date)! }

    func isOpen(on date: LocalDate) -> Bool {
        guard let start = LocalDate(iso: start_date), start <= date else { return false }
        guard let end = end_date.flatMap(LocalDate.init(iso:)) else { return true }
        return end >= date
    }

    var facts: InterventionFacts? {
        guard let type = interventionType, let start = LocalDate(iso: start_date) else { return nil }
        return InterventionFacts(
            type: type, startDate: start, plannedEndDate: planned_end_date.flatMap(LocalDate.init(iso:)),
            endDate: end_date.flatMap(LocalDate.init(iso:)), allocatedOn: allocated_on.flatMap(LocalDate.init(iso:)))
    }
}

enum InterventionStore {
    static func insert(_ i: InterventionInput, childID: UUID, serviceID: UUID, referralID: UUID?, on db: Database, now: Date) async throws
        -> UUID
    {
        let id = UUID()
        try await db.sql.insert(into: "interventions")
            .columns(
                "id", "service_id", "child_id", "referral_id", "type", "start_date", "planned_end_date", "requirements",
                "custody_end_date", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(referralID), SQLBind(i.type.rawValue),
                SQLBind(i.startDate.iso), SQLBind(i.plannedEndDate?.iso),
                SQLBind(i.requirements.isEmpty ? nil : i.requirements.map(\.rawValue).joined(separator: ",")),
                SQLBind(i.custodyEndDate?.iso), SQLBind(now)
            )
            .run()
        return id
    }

    static func find(_ id: UUID, in services: [UUID], on db: Database) async throws -> InterventionRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("interventions")
            .where("id", .equal, SQLBind(id)).where("service_id", .in, SQLBind.group(services))
            .first(decoding: InterventionRow.self)
    }

    /// An intervention of a child held by one of `services`, whichever service held the
    /// intervention (after a transfer, the receiving service opens the child's earlier work too).
    static func find(_ id: UUID, ofChildIn services: [UUID], on db: Database) async throws -> InterventionRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("interventions"))).from("interventions")
            .join("children", on: SQLColumn("id", table: "children"), .equal, SQLColumn("child_id", table: "interventions"))
            .where(SQLColumn("id", table: "interventions"), .equal, SQLBind(id)).where(
                SQLColumn("service_id", table: "children"), .in, SQLBind.group(services)
            )
            .first(decoding: InterventionRow.self)
    }

    static func forChild(_ childID: UUID, on db: Database) async throws -> [InterventionRow] {
        try await db.sql.select().column("*").from("interventions").where("child_id", .equal, SQLBind(childID))
            .orderBy("start_date", .descending).all(decoding: InterventionRow.self)
    }

    /// Children with an open intervention managed (or co-worked) by each worker, as at `date`.
    static func caseloads(in services: [UUID], on date: LocalDate, db: Database) async throws -> [UUID: Int] {
        guard !services.isEmpty else { return [:] }
        struct Row: Decodable { let worker: UUID; let n: Int }
        let rows = try await db.sql.select()
            .column(SQLColumn("case_manager_id"), as: "worker")
            .column(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("child_id"))), as: "n")
            .from("interventions")
            .where("service_id", .in, SQLBind.group(services))
            .where("case_manager_id", .isNot, SQLLiteral.null)
            .where("start_date", .lessThanOrEqual, SQLBind(date.iso))
            .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(date.iso)) }
            .groupBy("case_manager_id")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.worker, $0.n) })
    }

    static func allocate(
        _ i: InterventionRow, caseManager: UUID, coWorker: UUID?, on date: LocalDate, by: UUID, overCapConfirmed: Bool,
        db: Database, now: Date
    ) async throws {
        try await db.sql.update("interventions")
            .set("case_manager_id", to: SQLBind(caseManager))
            .set("co_worker_id", to: SQLBind(coWorker))
            .set("allocated_on", to: SQLBind(date.iso))
            .set("first_seen_at", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(i.id)).run()
        try await db.sql.insert(into: "allocations")
            .columns("id", "intervention_id", "case_manager_id", "co_worker_id", "allocated_on", "allocated_by", "at", "over_cap_confirmed")
            .values(
                SQLBind(UUID()), SQLBind(i.id), SQLBind(caseManager), SQLBind(coWorker), SQLBind(date.iso), SQLBind(by), SQLBind(now),
                SQLBind(overCapConfirmed)
            )
            .run()
    }

    struct AllocationRow: Decodable {
        let case_manager_id: UUID
        let co_worker_id: UUID?
        let allocated_on: String
        let at: Date
        let over_cap_confirmed: Bool
    }

    static func allocationHistory(_ id: UUID, on db: Database) async throws -> [AllocationRow] {
        try await db.sql.select().columns("case_manager_id", "co_worker_id", "allocated_on", "at", "over_cap_confirmed")
            .from("allocations").where("intervention_id", .equal, SQLBind(id)).orderBy("at", .descending).all(decoding: AllocationRow.self)
    }

    static func close(_ id: UUID, _ c: ClosureInput, on db: Database) async throws {
        try await db.sql.update("interventions")
            .set("end_date", to: SQLBind(c.endDate.iso))
            .set("closure_reason", to: SQLBind(c.reason.rawValue))
            .set("outcome", to: SQLBind(c.outcome))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// The case manager has opened the child's record since allocation: no longer "new".
    static func markSeen(childID: UUID, by userID: UUID, on db: Database, now: Date) async throws {
        try await db.sql.update("interventions")
            .set("first_seen_at", to: SQLBind(now))
            .where("child_id", .equal, SQLBind(childID))
            .where("case_manager_id", .equal, SQLBind(userID))
            .where("first_seen_at", .is, SQLLiteral.null)
            .run()
    }
}

// MARK: - Legal history

struct OffenceRow: Decodable {
    let id: UUID
    let offence_date: String
    let category: String
    let description: String?
    let gravity: Int?
    let outcome: String
    let outcome_date: String?
}

struct HearingRow: Decodable {
    let id: UUID
    let hearing_date: String
    let court: String
    let result: String
}

struct ConsultationRow: Decodable {
    let id: UUID
    let held_on: String
    let known_to: String
    let discussion: String
    let outcome: String
}

enum LegalStore {
    static func insertOffence(_ o: OffenceInput, childID: UUID, serviceID: UUID, on db: Database, now: Date) async throws -> UUID {
        let id = UUID()
        try await db.sql.insert(into: "offences")
            .columns(
                "id", "service_id", "child_id", "offence_date", "category", "description", "gravity", "outcome", "outcome_date",
                "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(o.offenceDate.iso), SQLBind(o.category.rawValue),
                SQLBind(o.description), SQLBind(o.gravity), SQLBind(o.outcome), SQLBind(o.outcomeDate?.iso), SQLBind(now)
            )
            .run()
        return id
    }

    static func offences(_ childID: UUID, on db: Database) async throws -> [OffenceRow] {
        try await db.sql.select().columns("id", "offence_date", "category", "description", "gravity", "outcome", "outcome_date")
            .from("offences").where("child_id", .equal, SQLBind(childID)).orderBy("offence_date").all(decoding: OffenceRow.self)
    }

    static func insertHearing(_ h: HearingInput, childID: UUID, serviceID: UUID, on db: Database, now: Date) async throws {
        try await db.sql.insert(into: "court_hearings")
            .columns("id", "service_id", "child_id", "hearing_date", "court", "result", "created_at")
            .values(
                SQLBind(UUID()), SQLBind(serviceID), SQLBind(childID), SQLBind(h.hearingDate.iso), SQLBind(h.court), SQLBind(h.result),
                SQLBind(now)
            )
            .run()
    }

    static func hearings(_ childID: UUID, on db: Database) async throws -> [HearingRow] {
        try await db.sql.select().columns("id", "hearing_date", "court", "result").from("court_hearings")
            .where("child_id", .equal, SQLBind(childID)).orderBy("hearing_date").all(decoding: HearingRow.self)
    }

    static func insertConsultation(_ c: ConsultationInput, childID: UUID, serviceID: UUID, by: UUID, on db: Database, now: Date)
        async throws
    {
        try await db.sql.insert(into: "case_consultations")
            .columns("id", "service_id", "child_id", "held_on", "known_to", "discussion", "outcome", "recorded_by", "created_at")
            .values(
                SQLBind(UUID()), SQLBind(serviceID), SQLBind(childID), SQLBind(c.heldOn.iso), SQLBind(c.knownTo), SQLBind(c.discussion),
                SQLBind(c.outcome), SQLBind(by), SQLBind(now)
            )
            .run()
    }

    static func consultations(_ childID: UUID, on db: Database) async throws -> [ConsultationRow] {
        try await db.sql.select().columns("id", "held_on", "known_to", "discussion", "outcome").from("case_consultations")
            .where("child_id", .equal, SQLBind(childID)).orderBy("held_on", .descending).all(decoding: ConsultationRow.self)
    }
}

// MARK: - People

struct WorkerRow: Decodable {
    let id: UUID
    let name: String
    let role: String
    let team_id: UUID?
}

enum Workers {
    /// Puts a user in a team (or none) from `date` on, keeping who was in which team when: the
    /// one way to change a user's team.
    static func setTeam(_ userID: UUID, _ teamID: UUID?, from date: LocalDate, on db: Database, now: Date) async throws {
        struct Row: Decodable { let team_id: UUID? }
        let current = try await db.sql.select().column("team_id").from("users").where("id", .equal, SQLBind(userID)).first(
            decoding: Row.self)
        let history = try await db.sql.select().column("id").from("team_memberships").where("user_id", .equal, SQLBind(userID)).first()
        guard current?.team_id != teamID || history == nil else { return }
        try await db.sql.update("users").set("team_id", to: SQLBind(teamID)).where("id", .equal, SQLBind(userID)).run()
        if history == nil {
            // No history yet: until this change they were in the team they are in now (or none).
            try await db.sql.insert(into: "team_memberships").columns("id", "user_id", "team_id", "from_on", "at")
                .values(SQLBind(UUID()), SQLBind(userID), SQLBind(current?.team_id), SQLBind("1900-01-01"), SQLBind(now)).run()
            if current?.team_id == teamID { return }
        }
        // A change on the same day replaces that day's row.
        try await db.sql.delete(from: "team_memberships").where("user_id", .equal, SQLBind(userID)).where(
            "from_on", .equal, SQLBind(date.iso)
        ).run()
        try await db.sql.insert(into: "team_memberships").columns("id", "user_id", "team_id", "from_on", "at")
            .values(SQLBind(UUID()), SQLBind(userID), SQLBind(teamID), SQLBind(date.iso), SQLBind(now)).run()
    }

    /// Practitioners and managers who work in the service and can hold cases.
    static func inService(_ serviceID: UUID, roles: [Role] = [.practitioner, .manager], on db: Database) async throws -> [WorkerRow] {
        try await db.sql.select()
            .column(SQLColumn("id", table: "users")).column(SQLColumn("name", table: "users"))
            .column(SQLColumn("role", table: "users")).column(SQLColumn("team_id", table: "users"))
            .from("users")
            .join("user_services", on: SQLColumn("user_id", table: "user_services"), .equal, SQLColumn("id", table: "users"))
            .where(SQLColumn("service_id", table: "user_services"), .equal, SQLBind(serviceID))
            .where(SQLColumn("active", table: "users"), .equal, SQLBind(true))
            .where(SQLColumn("role", table: "users"), .in, SQLBind.group(roles.map(\.rawValue)))
            .orderBy(SQLColumn("name", table: "users"))
            .all(decoding: WorkerRow.self)
    }

    static func names(_ ids: [UUID], on db: Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ unique).all().map { ($0.id!, $0.name) })
    }
}
