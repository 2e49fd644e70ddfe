import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The intervention page, as data: the work, who holds it, what is due, its assessments and
/// practice records, its allocation history, and the closing form. `InterventionShowQuery` reads
/// it; `InterventionViews.show` renders it.
struct InterventionShow {
    struct Assessment {
        let id: UUID
        let type: String
        let stage: String
        let status: AssessmentStatus
        let completed: LocalDate?
        /// Nil when the assessment had no due date or is not completed.
        let onTime: Bool?
    }

    struct Allocation {
        let allocatedOn: String
        let caseManager: String
        let coWorker: String?
        let overCapConfirmed: Bool
    }

    let id: UUID
    let type: String
    let child: ChildRecord
    let startDate: String
    let plannedEndDate: String?
    let custodyEndDate: String?
    /// Requirement codes of a youth rehabilitation order.
    let requirements: [String]
    let isAllocated: Bool
    let caseManager: String?
    let coWorker: String?
    let allocatedOn: String?
    /// Nil while the work is open.
    let endDate: String?
    let closureReason: String?
    let outcome: String?
    var due: [DueItem] = []
    var assessments: [Assessment] = []
    var practice: [PracticeSection] = []
    var history: [Allocation] = []
    var canAllocate = false
    var canClose = false
    var canAssess = false
    var closeForm: FormState

    var isOpen: Bool { endDate == nil }
}

enum InterventionShowQuery {
    /// Everything the intervention page shows `user`, whom the gate has let see `child`.
    static func load(
        _ req: Request, _ user: CurrentUser, _ i: InterventionRow, _ child: ChildRecord, closeForm: FormState
    ) async throws -> InterventionShow {
        let db = req.db
        let history = try await InterventionStore.allocationHistory(i.id, on: db)
        let names = try await Workers.names(
            history.flatMap { [$0.case_manager_id, $0.co_worker_id].compactMap { $0 } }
                + [i.case_manager_id, i.co_worker_id].compactMap { $0 }, on: db)
        var page = InterventionShow(
            id: i.id, type: i.type, child: child, startDate: i.start_date, plannedEndDate: i.planned_end_date,
            custodyEndDate: i.custody_end_date, requirements: i.requirements.map { $0.split(separator: ",").map(String.init) } ?? [],
            isAllocated: i.case_manager_id != nil, caseManager: i.case_manager_id.flatMap { names[$0] },
            coWorker: i.co_worker_id.flatMap { names[$0] }, allocatedOn: i.allocated_on, endDate: i.end_date,
            closureReason: i.closure_reason, outcome: i.outcome, closeForm: closeForm)
        if let facts = i.facts {
            let practice = try await PracticeFacts.load(child: i.child_id, on: db)[i.id]
            let reference = try await req.referenceData()
            page.due = Deadlines.outstanding(
                PracticeFacts.apply(facts, practice), timescales: reference.timescales(for: i.service_id),
                calendar: reference.calendar, today: req.today)
        }
        page.assessments = try await AssessmentStore.forIntervention(i.id, on: db).map { a in
            let due = a.due_on.flatMap(LocalDate.init(iso:))
            let done = a.submitted_on.flatMap(LocalDate.init(iso:))
            return .init(
                id: a.id, type: a.type, stage: a.stage, status: a.statusValue, completed: done,
                onTime: done.flatMap { d in due.map { Timeliness.onTime(completed: d, due: $0) } })
        }
        page.practice = try await PracticeSections.forIntervention(req, user, i, child)
        page.history = history.map { h in
            .init(
                allocatedOn: h.allocated_on, caseManager: names[h.case_manager_id] ?? "Unknown",
                coWorker: h.co_worker_id.flatMap { names[$0] }, overCapConfirmed: h.over_cap_confirmed)
        }
        page.canAllocate = user.can(.allocate, serviceID: i.service_id)
        page.canClose = user.can(.closeIntervention, serviceID: i.service_id)
        page.canAssess = user.can(.recordAssessment, serviceID: i.service_id)
        return page
    }
}
