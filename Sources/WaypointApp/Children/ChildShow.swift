import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The child's page, as data: who the child is, their work, history and records, and what the
/// reader may do (decided before the page is built, carried here as plain flags). `ChildShowQuery`
/// reads it; `ChildShowView` renders it.
struct ChildShow {
    struct CurrentWork {
        let id: UUID
        let type: String
        let startDate: String
        /// The case manager's name; nil when the work is not allocated.
        let caseManager: String?
        let due: [DueItem]
    }

    struct PastWork {
        let id: UUID
        let type: String
        let startDate: String
        let endDate: String?
        let closureReason: String?
    }

    struct Offence {
        let date: String
        let category: String
        let description: String?
        let gravity: Int?
        /// The outcome's label (its code when the code is not known).
        let outcome: String
        let outcomeDate: String?
    }

    struct Hearing {
        let date: String
        let court: String
        let result: String
    }

    struct Referral {
        let id: UUID
        let receivedOn: String
        let source: String
        let decision: String
        let destination: String?
    }

    struct Consultation {
        let heldOn: String
        let knownTo: String
        let outcome: String
    }

    let record: ChildRecord
    let serviceName: String
    let today: LocalDate
    var canEdit = false
    var canSeeAudit = false
    var canRecord = false
    var canStartIntervention = false
    /// Victim workers: the child's summary, legal history and victims only.
    var summaryOnly = false
    var currentWork: [CurrentWork] = []
    var pastWork: [PastWork] = []
    var offences: [Offence] = []
    var hearings: [Hearing] = []
    var referrals: [Referral] = []
    var consultations: [Consultation] = []
    /// Victims, shown with the legal history.
    var victims: PracticeSection?
    /// Care history, exploitation concerns and achievements (case workers only).
    var childRecords: [PracticeSection] = []
    /// The reader is the case manager of work they have not opened yet (the page marks it seen).
    var firstLookByCaseManager = false
}

enum ChildShowQuery {
    /// The child's record tables the page reads only when they hold something (`ChildTables`).
    static let recordTables =
        ["offences", "court_hearings", "referrals", "case_consultations"] + PracticeSections.childKinds.map(\.spec.table)

    /// Everything the child's page shows `user`, whom the gate has let see `child`.
    static func load(_ req: Request, _ user: CurrentUser, _ child: ChildRecord) async throws -> ChildShow {
        let db = req.db
        let today = req.today
        let reference = try await req.referenceData()
        let withManagers = try await InterventionStore.forChildWithManagers(child.id, on: db)
        let interventions = withManagers.map(\.0)
        let names = Dictionary(withManagers.compactMap { i, name in name.map { (i.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let current = interventions.filter { i in i.end_date.flatMap(LocalDate.init(iso:)).map { $0 >= today } ?? true }
        let calendar = reference.calendar
        let timescales = reference.timescales(for: child.serviceID)
        let practice = current.isEmpty ? [:] : try await PracticeFacts.load(child: child.id, on: db)
        let outcomes = Dictionary(uniqueKeysWithValues: reference.outcomeTypes.map { ($0.code, $0) })
        let holding = try await ChildTables.holding(recordTables, child: child.id, on: db)
        let offences = holding.contains("offences") ? try await LegalStore.offences(child.id, on: db) : []
        let own = try await PracticeSections.forChild(req, user, child, offences: offences, holding: holding)

        var page = ChildShow(record: child, serviceName: reference.services[child.serviceID]?.name ?? "", today: today)
        page.canEdit = user.can(.editChild, serviceID: child.serviceID)
        page.canSeeAudit = user.can(.viewChildAudit, serviceID: child.serviceID)
        page.canRecord = user.can(.recordReferral, serviceID: child.serviceID)
        page.canStartIntervention = user.can(.manageInterventions, serviceID: child.serviceID)
        page.summaryOnly = user.role == .victimWorker
        page.currentWork = current.map { i in
            .init(
                id: i.id, type: i.type, startDate: i.start_date, caseManager: names[i.id],
                due: i.facts.map {
                    Deadlines.outstanding(PracticeFacts.apply($0, practice[i.id]), timescales: timescales, calendar: calendar, today: today)
                } ?? [])
        }
        page.pastWork = interventions.filter { i in !current.contains { $0.id == i.id } }.map {
            .init(id: $0.id, type: $0.type, startDate: $0.start_date, endDate: $0.end_date, closureReason: $0.closure_reason)
        }
        page.offences = offences.map {
            .init(
                date: $0.offence_date, category: $0.category, description: $0.description, gravity: $0.gravity,
                outcome: outcomes[$0.outcome]?.label ?? $0.outcome, outcomeDate: $0.outcome_date)
        }
        page.hearings = (holding.contains("court_hearings") ? try await LegalStore.hearings(child.id, on: db) : []).map {
            .init(date: $0.hearing_date, court: $0.court, result: $0.result)
        }
        page.referrals = (holding.contains("referrals") ? try await ReferralStore.forChild(child.id, on: db) : []).map {
            .init(id: $0.id, receivedOn: $0.received_on, source: $0.source, decision: $0.decision, destination: $0.destination)
        }
        page.consultations = (holding.contains("case_consultations") ? try await LegalStore.consultations(child.id, on: db) : []).map {
            .init(heldOn: $0.held_on, knownTo: $0.known_to, outcome: $0.outcome)
        }
        page.victims = own.victims
        page.childRecords = own.records
        page.firstLookByCaseManager = interventions.contains { $0.case_manager_id == user.id && $0.first_seen_at == nil }
        return page
    }
}
