import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Assessments on an intervention: draft → submitted → signed off by a manager (or returned
/// with comments, then resubmitted). Completion (first submission) is judged on time or late
/// against the due date from the journey's timescales.
struct AssessmentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.newAssessment, use: new)
        routes.post(Paths.interventionAssessments, use: create)
        routes.get(Paths.assessment, use: show)
        routes.post(Paths.assessment, use: save)
        routes.post(Paths.signOffAssessment, use: signOff)
    }

    private func intervention(_ req: Request, _ user: CurrentUser) async throws -> (InterventionRow, ChildRecord) {
        guard let i = try await InterventionStore.find(try req.uuidParameter("interventionID"), in: user.serviceIDs, on: req.db),
            let child = try await req.child(i.child_id, user, .write)
        else {
            throw WaypointError.notFound("This intervention could not be found. It may be in a service you do not have access to.")
        }
        return (i, child)
    }

    private func load(_ req: Request, _ user: CurrentUser) async throws -> (AssessmentRow, ChildRecord) {
        guard let a = try await AssessmentStore.find(try req.uuidParameter("assessmentID"), in: user.serviceIDs, on: req.db),
            let child = try await req.child(a.child_id, user)
        else {
            throw WaypointError.notFound("This assessment could not be found. It may be in a service you do not have access to.")
        }
        return (a, child)
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.recordAssessment)
        let (i, child) = try await intervention(req, user)
        let type = AssessmentType.usual(for: i.interventionType ?? .prevention)
        return HTMLResponse.make(
            AssessmentViews.form(
                PageContext(req),
                AssessmentEdit(
                    child: ChildRef(child), action: Paths.interventionAssessments(i.id),
                    form: FormState(values: FormValues(["type": type.rawValue, "stage": AssessmentStage.start.rawValue])))))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.recordAssessment)
        let (i, child) = try await intervention(req, user)
        let values = try formValues(req)
        switch AssessmentForm.parse(values, forSubmission: false) {
        case .failure(let e):
            return HTMLResponse.make(
                AssessmentViews.form(
                    PageContext(req),
                    AssessmentEdit(
                        child: ChildRef(child), action: Paths.interventionAssessments(i.id),
                        form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let input):
            let id = try await CaseWork(req).startAssessment(input, interventionID: i.id)
            return req.redirect(to: Paths.assessment(id) + "?saved=draft")
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewCaseWork)
        let (a, child) = try await load(req, user)
        try await Audit.record(req, action: "view_assessment", serviceID: a.service_id, childID: child.id)
        let names = try await Workers.names([a.created_by, a.submitted_by, a.signed_off_by].compactMap { $0 }, on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "draft": "Draft saved"
            case "submitted": "Submitted for sign-off"
            case "signed_off": "Signed off"
            case "returned": "Returned to the author with your comments"
            default: nil
            }
        // The author edits a draft (or a returned one) in its form; everyone else reads it.
        if a.statusValue.editable && user.can(.recordAssessment, serviceID: a.service_id) {
            return HTMLResponse.make(
                AssessmentViews.form(
                    PageContext(req, notice: notice), AssessmentEdit(a, child: child, form: FormState(values: a.formValues))))
        }
        return HTMLResponse.make(
            AssessmentViews.show(
                PageContext(req, notice: notice),
                AssessmentShow(
                    a, child: child, names: names,
                    canSignOff: a.statusValue == .submitted && user.can(.signOffAssessment, serviceID: a.service_id),
                    form: FormState(values: FormValues()))))
    }

    /// Saves a draft, or submits it (`action=submit`), with optimistic locking.
    @Sendable func save(req: Request) async throws -> Response {
        let user = try req.authorize(.recordAssessment)
        let (a, child) = try await load(req, user)
        guard a.statusValue.editable else {
            throw WaypointError.conflict("This assessment has been submitted, so it can no longer be changed.")
        }
        let values = try formValues(req)
        let submit = values["action"] == "submit"
        guard let version = RequestNumbers.version(values["version"]) else {
            throw WaypointError.badRequest("The form is missing its version. Open the assessment again.")
        }
        switch AssessmentForm.parse(values, forSubmission: submit) {
        case .failure(let e):
            return HTMLResponse.make(
                AssessmentViews.form(
                    PageContext(req),
                    AssessmentEdit(a, child: child, form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let input):
            let saved = try await CaseWork(req).saveAssessment(a.id, version: version, input, submit: submit)
            guard saved else {
                return HTMLResponse.make(
                    AssessmentViews.form(
                        PageContext(req),
                        AssessmentEdit(
                            a, child: child, form: FormState(values: values, errors: [FieldError.staleEdit("type", "assessment")]))),
                    status: .conflict)
            }
            return req.redirect(to: Paths.assessment(a.id) + (submit ? "?saved=submitted" : "?saved=draft"))
        }
    }

    @Sendable func signOff(req: Request) async throws -> Response {
        let user = try req.authorize(.signOffAssessment)
        let (a, child) = try await load(req, user)
        guard a.statusValue == .submitted else {
            throw WaypointError.conflict("Only a submitted assessment can be signed off or returned.")
        }
        let values = try formValues(req)
        switch SignOffForm.parse(values) {
        case .failure(let e):
            let names = try await Workers.names([a.created_by, a.submitted_by, a.signed_off_by].compactMap { $0 }, on: req.db)
            return HTMLResponse.make(
                AssessmentViews.show(
                    PageContext(req),
                    AssessmentShow(a, child: child, names: names, canSignOff: true, form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let (decision, comments)):
            try await CaseWork(req).signOffAssessment(a.id, decision, comments: comments)
            return req.redirect(to: Paths.assessment(a.id) + (decision == .signOff ? "?saved=signed_off" : "?saved=returned"))
        }
    }
}

/// An assessment's form: whose, where it posts, whether it is new, the manager's comments when it
/// came back to its author, and what was typed.
struct AssessmentEdit {
    let child: ChildRef
    let action: String
    var isNew = true
    var returnedWith: String? = nil
    var form: FormState

    init(child: ChildRef, action: String, form: FormState) {
        self.child = child
        self.action = action
        self.form = form
    }

    /// The form of an assessment already started.
    init(_ a: AssessmentRow, child: ChildRecord, form: FormState) {
        self.init(child: ChildRef(child), action: Paths.assessment(a.id), form: form)
        isNew = false
        returnedWith = a.statusValue == .returned ? a.manager_comments : nil
    }
}

/// One assessment as its readers see it, with the sign-off form when the reader may sign it off.
struct AssessmentShow {
    let id: UUID
    let interventionID: UUID
    let child: ChildRef
    let title: String
    let stage: String
    let status: String
    /// When it was first submitted and by whom, and whether that was on time (nil with no due date).
    let completed: (text: String, onTime: Bool?)?
    let due: String?
    let signedOff: String?
    let managerComments: String?
    let childViews: String?
    let parentViews: String?
    /// The sections written, in the assessment's order.
    let sections: [(label: String, text: String)]
    let likelihoodOfReoffending: String?
    let riskOfSeriousHarm: String?
    let safetyAndWellbeing: String?
    let canSignOff: Bool
    var form: FormState

    init(_ a: AssessmentRow, child: ChildRecord, names: [UUID: String], canSignOff: Bool, form: FormState) {
        func by(_ id: UUID?) -> String { id.flatMap { names[$0] }.map { " by \($0)" } ?? "" }
        id = a.id
        interventionID = a.intervention_id
        self.child = ChildRef(child)
        title = (AssessmentType(rawValue: a.type) ?? .preventionDiversion).label
        stage = Show.label(AssessmentStage.self, a.stage)
        status = a.statusValue.label
        completed = a.submitted_on.map { s in
            let onTime = a.due_on.flatMap(LocalDate.init(iso:)).flatMap { due in
                LocalDate(iso: s).map { Timeliness.onTime(completed: $0, due: due) }
            }
            return (Show.date(s) + by(a.submitted_by), onTime)
        }
        due = a.due_on.map { Show.date($0) }
        signedOff = a.signed_off_on.map { Show.date($0) + by(a.signed_off_by) }
        managerComments = a.manager_comments
        childViews = a.child_views
        parentViews = a.parent_views
        sections = AssessmentSection.allCases.compactMap { s in a.section(s).map { (s.label, $0) } }
        likelihoodOfReoffending = a.likelihood_of_reoffending.map { Show.label(ThreeLevel.self, $0) }
        riskOfSeriousHarm = a.risk_of_serious_harm.map { Show.label(FourLevel.self, $0) }
        safetyAndWellbeing = a.safety_and_wellbeing.map { Show.label(FourLevel.self, $0) }
        self.canSignOff = canSignOff
        self.form = form
    }
}

enum AssessmentViews {
    static func form(_ ctx: PageContext, _ m: AssessmentEdit) -> String {
        let (v, errors, err) = (m.form.values, m.form.errors, m.form.messages)
        var fields: [H] = [
            Layout.csrfField(ctx.csrf),
            voidEl(.input, [.type: "hidden", .name: "version", .value: v.values["version"]]),
            C.select(
                "type", label: "Type of assessment", options: AssessmentType.options, selected: v["type"], error: err("type"), blank: nil),
            C.radios("stage", legend: "Stage", options: AssessmentStage.options, selected: v["stage"], error: err("stage"), inline: true)
        ]
        if let comments = m.returnedWith {
            fields.insert(C.insetText([el(.strong, [:], "Returned by the manager: "), txt(comments)]), at: 0)
        }
        for s in AssessmentSection.allCases {
            fields.append(C.textarea(s.rawValue, label: s.label, value: v[s.rawValue], error: err(s.rawValue), rows: 5))
        }
        fields += [
            C.textarea(
                "child_views", label: "The child's views, in their own words", value: v["child_views"], error: err("child_views"), rows: 5),
            C.textarea(
                "parent_views", label: "The parent's or carer's views, in their own words (optional)", value: v["parent_views"],
                error: err("parent_views"), rows: 4),
            C.radios(
                "likelihood_of_reoffending", legend: "Likelihood of reoffending", options: ThreeLevel.options,
                selected: v["likelihood_of_reoffending"],
                error: err("likelihood_of_reoffending"), inline: true),
            C.radios(
                "risk_of_serious_harm", legend: "Risk of serious harm (statutory assessments)", options: FourLevel.options,
                selected: v["risk_of_serious_harm"],
                error: err("risk_of_serious_harm"), inline: true),
            C.radios(
                "safety_and_wellbeing", legend: "Safety and wellbeing", options: FourLevel.options, selected: v["safety_and_wellbeing"],
                error: err("safety_and_wellbeing"), inline: true),
            el(
                .div, [.class: "button-group"],
                [
                    C.button("Save draft", secondary: true, name: "action", value: "save"),
                    m.isNew ? group([]) : C.button("Submit for sign-off", name: "action", value: "submit")
                ])
        ]
        return Layout.page(
            title: "Assessment", ctx, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors),
                                C.h1(m.isNew ? "Start an assessment" : "Assessment", caption: m.child.name),
                                C.p(
                                    "Save a draft at any time. Submitting needs every section this type of assessment uses, the ratings, and the child's views."
                                ),
                                el(.form, [.method: "post", .action: m.action, .novalidate: ""], fields)
                            ])
                    ])
            ])
    }

    static func show(_ ctx: PageContext, _ m: AssessmentShow) -> String {
        let (errors, err) = (m.form.errors, m.form.messages)
        var rows: [(key: String, value: H)] = [
            ("Child", C.link(m.child.name, Paths.child(m.child.id))),
            ("Stage", txt(m.stage)),
            ("Status", txt(m.status))
        ]
        if let c = m.completed {
            rows.append(
                (
                    "Completed",
                    group([
                        txt(c.text + " "),
                        c.onTime.map { $0 ? C.tag("On time", colour: "green") : C.tag("Late", colour: "red") } ?? group([])
                    ])
                ))
        }
        if let d = m.due { rows.append(("Was due", txt(d))) }
        if let s = m.signedOff { rows.append(("Signed off", txt(s))) }
        if let c = m.managerComments { rows.append(("Manager's comments", C.multiline(c))) }
        var content: [H] = [C.errorSummary(errors), C.h1(m.title, caption: m.child.name), C.summaryList(rows)]
        content.append(el(.h2, [.class: "heading-m"], "The child's views"))
        content.append(el(.p, [.class: "body"], [C.multiline(m.childViews)]))
        if m.parentViews != nil {
            content.append(el(.h2, [.class: "heading-m"], "The parent's or carer's views"))
            content.append(el(.p, [.class: "body"], [C.multiline(m.parentViews)]))
        }
        for s in m.sections {
            content.append(el(.h2, [.class: "heading-m"], s.label))
            content.append(el(.p, [.class: "body"], [C.multiline(s.text)]))
        }
        content.append(
            C.summaryList([
                ("Likelihood of reoffending", C.value(m.likelihoodOfReoffending)),
                ("Risk of serious harm", C.value(m.riskOfSeriousHarm)),
                ("Safety and wellbeing", C.value(m.safetyAndWellbeing))
            ]))
        if m.canSignOff {
            content.append(el(.h2, [.class: "heading-m", .id: "sign-off"], "Sign-off"))
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.signOffAssessment(m.id), .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.radios(
                            "decision", legend: "Decision",
                            options: [("sign_off", "Sign off"), ("return", "Return to the author for changes")], selected: "",
                            error: err("decision")),
                        C.textarea("comments", label: "Comments (needed when returning it)", value: "", error: err("comments")),
                        C.button("Record decision")
                    ]))
        }
        content.append(el(.p, [.class: "body"], [C.link("Back to the intervention", Paths.intervention(m.interventionID))]))
        return Layout.page(
            title: m.title, ctx, hasErrors: !errors.isEmpty,
            [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])])
    }
}
