import Fluent
import Vapor
import WaypointDomain

/// Interventions: view, allocate (with caseloads against the cap), close, and start directly.
struct InterventionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.intervention, use: show)
        routes.get(Paths.allocate, use: allocationForm)
        routes.post(Paths.allocate, use: allocate)
        routes.post(Paths.closeIntervention, use: close)
        routes.get(Paths.newIntervention, use: new)
        routes.post(Paths.childInterventions, use: create)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewCaseWork)
        let (i, child) = try await load(req, user)
        try await Audit.record(req, action: "view_intervention", serviceID: i.service_id, childID: child.id)
        if i.case_manager_id == user.id { try await InterventionStore.markSeen(childID: child.id, by: user.id, on: req.db, now: req.now) }
        var values = FormValues(todayValues("end", req.today))
        if let end = try await KPIClosure.existingEnd(i.id, on: req.db) {
            values.values.merge(RecordForm.values(RecordKind.kpi.spec, end.values).values) { a, _ in a }
        }
        return try await render(req, user, i, child, values: values, errors: [], notice: noticeText(req))
    }

    private func noticeText(_ req: Request) -> String? {
        switch req.query[String.self, at: "saved"] {
        case "allocated": "Allocated"
        case "closed": "Intervention closed"
        case "created": "Intervention started"
        default: nil
        }
    }

    private func render(
        _ req: Request, _ user: CurrentUser, _ i: InterventionRow, _ child: ChildRecord, values: FormValues, errors: [FieldError],
        notice: String?, status: HTTPStatus = .ok
    ) async throws -> Response {
        let page = try await InterventionShowQuery.load(req, user, i, child, closeForm: FormState(values: values, errors: errors))
        return HTMLResponse.make(InterventionViews.show(PageContext(req, notice: notice), page), status: status)
    }

    @Sendable func allocationForm(req: Request) async throws -> Response {
        let user = try req.authorize(.allocate)
        let (i, child) = try await load(req, user)
        guard i.end_date == nil else { throw WaypointError.badRequest("This intervention has ended, so it cannot be allocated.") }
        let values = FormValues(["case_manager": i.case_manager_id?.uuidString ?? "", "co_worker": i.co_worker_id?.uuidString ?? ""])
        return try await allocationPage(req, i, child, values: values, errors: [], overCap: nil)
    }

    private func allocationPage(
        _ req: Request, _ i: InterventionRow, _ child: ChildRecord, values: FormValues, errors: [FieldError],
        overCap: String?, status: HTTPStatus = .ok
    ) async throws -> Response {
        let workers = try await Workers.inService(i.service_id, on: req.db)
        let caseloads = try await InterventionStore.caseloads(in: [i.service_id], on: req.today, db: req.db)
        let timescales = try await req.referenceData().timescales(for: i.service_id)
        let page = InterventionViews.allocation(
            PageContext(req),
            AllocationPage(
                id: i.id, child: ChildRef(child), type: Show.label(InterventionType.self, i.type), reallocating: i.case_manager_id != nil,
                workers: workers.map { .init(id: $0.id, name: $0.name, caseload: caseloads[$0.id] ?? 0) }, cap: timescales.caseloadCap,
                assessmentDays: timescales.assessmentDays(for: i.interventionType ?? .prevention),
                overCap: overCap, form: FormState(values: values, errors: errors)))
        return HTMLResponse.make(page, status: status)
    }

    @Sendable func allocate(req: Request) async throws -> Response {
        let user = try req.authorize(.allocate)
        let (i, child) = try await load(req, user)
        guard i.end_date == nil else { throw WaypointError.badRequest("This intervention has ended, so it cannot be allocated.") }
        let values = try formValues(req)
        let workers = try await Workers.inService(i.service_id, on: req.db)
        var errors = FormErrors()
        let manager = values.trimmed("case_manager").flatMap { UUID(uuidString: $0) }
        let coWorker = values.trimmed("co_worker").flatMap { UUID(uuidString: $0) }
        if manager == nil || !workers.contains(where: { $0.id == manager }) { errors.add("case_manager", "Select the case manager") }
        if values.trimmed("co_worker") != nil && (coWorker == nil || !workers.contains(where: { $0.id == coWorker })) {
            errors.add("co_worker", "Select a co-worker from the list, or none")
        } else if coWorker != nil && coWorker == manager {
            errors.add("co_worker", "The co-worker must be someone other than the case manager")
        }
        guard errors.isEmpty, let manager else {
            return try await allocationPage(
                req, i, child, values: values, errors: errors.errors, overCap: nil, status: .unprocessableEntity)
        }
        let caseloads = try await InterventionStore.caseloads(in: [i.service_id], on: req.today, db: req.db)
        let cap = try await req.referenceData().timescales(for: i.service_id).caseloadCap
        let current = caseloads[manager] ?? 0
        let alreadyTheirs = i.case_manager_id == manager
        let exceeds = !alreadyTheirs && Caseload.wouldExceedCap(current: current, cap: cap)
        if exceeds && values["confirm_over_cap"] != "yes" {
            let name = workers.first { $0.id == manager }?.name ?? "This worker"
            return try await allocationPage(
                req, i, child, values: values, errors: [],
                overCap: "\(name) already has \(current) children, and the service's cap is \(cap). Allocating takes them past the cap.",
                status: .unprocessableEntity)
        }
        try await CaseWork(req).allocate(i.id, caseManager: manager, coWorker: coWorker, overCapConfirmed: exceeds)
        return req.redirect(to: Paths.intervention(i.id) + "?saved=allocated")
    }

    @Sendable func close(req: Request) async throws -> Response {
        let user = try req.authorize(.closeIntervention)
        let (i, child) = try await load(req, user)
        guard i.end_date == nil else { throw WaypointError.conflict("This intervention has already been closed.") }
        let values = try formValues(req)
        let closure = ClosureForm.parse(values, startDate: i.startDate, today: req.today)
        let kpi = KPIClosure.parse(values, today: req.today)
        var errors = FormErrors()
        if case .failure(let e) = closure { errors = e }
        if case .failure(let e) = kpi { e.errors.forEach { errors.add($0.field, $0.message) } }
        switch (closure, kpi) {
        case (.success(let c), .success(let answers)):
            try await CaseWork(req).close(i.id, c, kpi: answers)
            return req.redirect(to: Paths.intervention(i.id) + "?saved=closed")
        default:
            return try await render(req, user, i, child, values: values, errors: errors.errors, notice: nil, status: .unprocessableEntity)
        }
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.manageInterventions)
        let child = try await req.childInScope(user, .write)
        return HTMLResponse.make(
            InterventionViews.newForm(PageContext(req), FormAboutChild(child, values: FormValues(todayValues("start", req.today)))))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.manageInterventions)
        let child = try await req.childInScope(user)
        let values = try formValues(req)
        switch InterventionForm.parse(values, today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                InterventionViews.newForm(PageContext(req), FormAboutChild(child, values: values, errors: e.errors)),
                status: .unprocessableEntity)
        case .success(let input):
            let id = try await CaseWork(req).startIntervention(input, for: child.id)
            return req.redirect(to: Paths.allocate(id))
        }
    }

    private func load(_ req: Request, _ user: CurrentUser, _ intent: CaseWork.Intent? = nil) async throws -> (InterventionRow, ChildRecord)
    {
        guard let i = try await InterventionStore.find(try req.uuidParameter("interventionID"), ofChildIn: user.serviceIDs, on: req.db),
            let child = try await req.child(i.child_id, user, intent)
        else {
            throw WaypointError.notFound("This intervention could not be found. It may be in a service you do not have access to.")
        }
        return (i, child)
    }
}

/// The allocation form: the work, the service's workers with their caseloads today, the cap, the
/// assessment timescale, the warning when a choice goes past the cap, and what was typed.
struct AllocationPage {
    struct Worker {
        let id: UUID
        let name: String
        let caseload: Int
    }
    let id: UUID
    let child: ChildRef
    let type: String
    let reallocating: Bool
    let workers: [Worker]
    let cap: Int
    let assessmentDays: Int
    /// Why the chosen case manager would be past the cap, when they would.
    let overCap: String?
    var form: FormState
}

enum InterventionViews {
    static func show(_ ctx: PageContext, _ m: InterventionShow) -> String {
        let v = m.closeForm.values
        let errors = m.closeForm.errors
        let err = m.closeForm.messages
        let type = Show.label(InterventionType.self, m.type)
        let open = m.isOpen
        var content: [H] = [
            C.errorSummary(errors),
            C.h1(type, caption: m.child.details.fullName),
            open
                ? (!m.isAllocated ? C.tag("Not allocated", colour: "yellow") : C.tag("Open", colour: "green"))
                : C.tag("Closed", colour: "grey")
        ]
        var rows: [(key: String, value: H)] = [
            ("Child", C.link(m.child.details.fullName, Paths.child(m.child.id))),
            ("Started", txt(Show.date(m.startDate))),
            ("Planned end", C.value(m.plannedEndDate.map { Show.date($0) }))
        ]
        if let c = m.custodyEndDate { rows.append(("Custody part ends", txt(Show.date(c)))) }
        if !m.requirements.isEmpty {
            rows.append(("Requirements", txt(m.requirements.map { Show.label(YRORequirement.self, $0) }.joined(separator: ", "))))
        }
        rows.append(("Case manager", C.value(m.caseManager)))
        rows.append(("Co-worker", C.value(m.coWorker)))
        if let a = m.allocatedOn { rows.append(("Allocated", txt(Show.date(a)))) }
        if !open {
            rows.append(("Ended", txt(Show.date(m.endDate))))
            rows.append(("Closure reason", txt(Show.label(ClosureReason.self, m.closureReason))))
            rows.append(("Outcome", C.multiline(m.outcome)))
        }
        content.append(C.summaryList(rows))
        if open && m.canAllocate {
            content.append(
                C.buttonLink(
                    !m.isAllocated ? "Allocate" : "Reallocate", Paths.allocate(m.id), secondary: m.isAllocated))
        }
        if open {
            content.append(el(.h2, [.class: "heading-m"], "What is due"))
            content.append(
                m.due.isEmpty
                    ? C.p(!m.isAllocated ? "Deadlines start when the intervention is allocated." : "Nothing is due.")
                    : el(.ul, [.class: "list due-list"], m.due.map { d in el(.li, [:], [Show.dueTag(d), txt(" " + Show.dueText(d))]) }))
        }
        content.append(el(.h2, [.class: "heading-m", .id: "assessments"], "Assessments"))
        if m.assessments.isEmpty {
            content.append(C.p("No assessments yet."))
        } else {
            content.append(
                C.table(
                    caption: nil, headers: ["Assessment", "Stage", "Status", "Completed"],
                    rows: m.assessments.map { a in
                        var completed: H = C.notRecorded()
                        if let done = a.completed {
                            completed = group([
                                txt(done.longFormat + " "),
                                a.onTime.map { $0 ? C.tag("On time", colour: "green") : C.tag("Late", colour: "red") } ?? group([])
                            ])
                        }
                        return [
                            C.link(Show.label(AssessmentType.self, a.type), Paths.assessment(a.id)),
                            txt(Show.label(AssessmentStage.self, a.stage)),
                            C.tag(
                                a.status.label,
                                colour: a.status == .signedOff ? "green" : (a.status == .returned ? "red" : "yellow")), completed
                        ]
                    }))
        }
        if open && m.canAssess {
            content.append(C.buttonLink("Start an assessment", Paths.newAssessment(m.id), secondary: true))
        }
        content += m.practice.map(PracticeViews.section)
        if !m.history.isEmpty {
            content.append(el(.h2, [.class: "heading-m"], "Allocation history"))
            content.append(
                C.table(
                    caption: nil, headers: ["Allocated", "Case manager", "Co-worker", "Past the cap"],
                    rows: m.history.map { h in
                        [
                            txt(Show.date(h.allocatedOn)), txt(h.caseManager), C.value(h.coWorker),
                            txt(h.overCapConfirmed ? "Yes, confirmed" : "No")
                        ]
                    }))
        }
        if open && m.canClose {
            content.append(el(.h2, [.class: "heading-m", .id: "close"], "Close this intervention"))
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.closeIntervention(m.id), .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.dateInput("end", legend: "End date", values: v, error: err.date("end")),
                        C.radios(
                            "closure_reason", legend: "Why is it closing?", options: ClosureReason.options, selected: v["closure_reason"],
                            error: err("closure_reason")),
                        C.textarea("outcome", label: "Outcome for the child", value: v["outcome"], error: err("outcome")),
                        el(.h3, [.class: "heading-s"], "Where the child stands at the end (KPI data)"),
                        C.p(KPIFields.intro, "body-s"),
                        group(KPIFields.answers.map { PracticeViews.input($0, values: v, errors: errors, lookups: [:]) }),
                        C.button("Close intervention", warning: true)
                    ]))
        }
        return Layout.page(
            title: "\(type) for \(m.child.details.fullName)", ctx, hasErrors: !errors.isEmpty,
            [
                el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])
            ])
    }

    /// The allocation form: the work, the workers with their caseloads, the cap, what was typed.
    static func allocation(_ ctx: PageContext, _ m: AllocationPage) -> String {
        let (v, errors, err, overCap, type) = (m.form.values, m.form.errors, m.form.messages, m.overCap, m.type.lowercased())
        var content: [H] = [C.errorSummary(errors)]
        if let overCap {
            content.append(
                el(
                    .div, [.class: "duplicate-warning", .role: "alert", .tabindex: "-1", .id: "over-cap"],
                    [
                        el(.h2, [.class: "heading-m"], "This takes the worker past the caseload cap"),
                        C.p(overCap)
                    ]))
        }
        content += [
            C.h1(m.reallocating ? "Reallocate \(type)" : "Allocate \(type)", caption: m.child.name),
            C.p(
                "The assessment and plan will be due \(m.assessmentDays) working days after allocation. The service's caseload cap is \(m.cap) children per worker."
            ),
            el(
                .form, [.method: "post", .action: Paths.allocate(m.id), .novalidate: ""],
                [
                    Layout.csrfField(ctx.csrf),
                    m.workers.isEmpty
                        ? C.warning("No practitioners or managers work in this service yet. An administrator can add them.")
                        : C.radios(
                            "case_manager", legend: "Case manager",
                            options: m.workers.map { w in
                                (
                                    w.id.uuidString,
                                    "\(w.name) — \(w.caseload) \(w.caseload == 1 ? "child" : "children")\(w.caseload >= m.cap ? " (at or past the cap)" : "")"
                                )
                            }, selected: v["case_manager"], error: err("case_manager")),
                    C.select(
                        "co_worker", label: "Co-worker (optional)", options: m.workers.map { ($0.id.uuidString, $0.name) },
                        selected: v["co_worker"],
                        error: err("co_worker"), blank: "None"),
                    overCap == nil
                        ? group([])
                        : C.checkbox("confirm_over_cap", label: "I confirm this allocation past the cap"),
                    el(.div, [.class: "button-group"], [C.button("Allocate"), C.link("Cancel", Paths.intervention(m.id), "link")])
                ])
        ]
        return Layout.page(
            title: "Allocate \(type)", ctx, hasErrors: !errors.isEmpty,
            [
                el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])
            ])
    }

    static func newForm(_ ctx: PageContext, _ m: FormAboutChild) -> String {
        let (child, v, err) = (m.child, m.form.values, m.form.messages)
        return FormPage(
            title: "Start an intervention", caption: child.name,
            intro:
                "For a court order or out-of-court work that did not come through a referral. Referrals are accepted from the referral page.",
            errors: m.form.errors, action: Paths.childInterventions(child.id), submit: "Start and allocate", cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                C.select(
                    "type", label: "Type", options: InterventionType.options, selected: v["type"],
                    error: err("type")),
                C.dateInput(
                    "start", legend: "Start date (for an order, the date of the order)", values: v,
                    error: err.date("start")),
                C.textInput(
                    "length_months", label: "Length in months (orders only)", value: v["length_months"],
                    error: err("length_months"),
                    hint:
                        "Referral order 3 to 12; detention and training order 4 to 24. Prevention and out-of-court work take their usual length.",
                    width: "input--width-4"),
                C.checkboxes(
                    "requirements", legend: "Requirements (youth rehabilitation orders only)",
                    options: YRORequirement.options,
                    selected: v.list("requirements"), error: err("requirements"))
            ])
    }
}
