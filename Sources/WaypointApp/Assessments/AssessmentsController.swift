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
                .init(
                    child: child, action: Paths.interventionAssessments(i.id),
                    values: FormValues(["type": type.rawValue, "stage": AssessmentStage.start.rawValue]), errors: [], row: nil))
        )
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
                    .init(
                        child: child, action: Paths.interventionAssessments(i.id), values: values,
                        errors: e.errors, row: nil)), status: .unprocessableEntity)
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
        return HTMLResponse.make(
            AssessmentViews.show(
                PageContext(req, notice: notice),
                .init(
                    a, child: child, names: names,
                    canEdit: a.statusValue.editable && user.can(.recordAssessment, serviceID: a.service_id),
                    canSignOff: a.statusValue == .submitted && user.can(.signOffAssessment, serviceID: a.service_id), errors: [])))
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
                    .init(
                        child: child, action: Paths.assessment(a.id), values: values, errors: e.errors,
                        row: a)), status: .unprocessableEntity)
        case .success(let input):
            let saved = try await CaseWork(req).saveAssessment(a.id, version: version, input, submit: submit)
            guard saved else {
                return HTMLResponse.make(
                    AssessmentViews.form(
                        PageContext(req),
                        .init(
                            child: child, action: Paths.assessment(a.id), values: values,
                            errors: [
                                FieldError.staleEdit("type", "assessment")
                            ],
                            row: a)), status: .conflict)
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
                    PageContext(req), .init(a, child: child, names: names, canEdit: false, canSignOff: true, errors: e.errors)),
                status: .unprocessableEntity)
        case .success(let (decision, comments)):
            try await CaseWork(req).signOffAssessment(a.id, decision, comments: comments)
            return req.redirect(to: Paths.assessment(a.id) + (decision == .signOff ? "?saved=signed_off" : "?saved=returned"))
        }
    }
}

enum AssessmentViews {
    /// An assessment's form: whose, where it posts, what was typed, and the assessment when editing.
    struct AssessmentEdit {
        let child: ChildRecord
        let action: String
        let values: FormValues
        let errors: [FieldError]
        let row: AssessmentRow?

        init(child: ChildRecord, action: String, values v: FormValues, errors: [FieldError], row: AssessmentRow?) {
            self.child = child
            self.action = action
            self.values = v
            self.errors = errors
            self.row = row
        }
    }

    static func form(_ ctx: PageContext, _ m: AssessmentEdit) -> String {
        let (child, action, v, errors, row) = (m.child, m.action, m.values, m.errors, m.row)
        let err = FieldMessages(errors)
        var fields: [H] = [
            Layout.csrfField(ctx.csrf),
            voidEl(.input, [.type: "hidden", .name: "version", .value: v.values["version"]]),
            C.select(
                "type", label: "Type of assessment", options: AssessmentType.options, selected: v["type"], error: err("type"), blank: nil),
            C.radios("stage", legend: "Stage", options: AssessmentStage.options, selected: v["stage"], error: err("stage"), inline: true)
        ]
        if let comments = row?.manager_comments, row?.statusValue == .returned {
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
                    row == nil ? group([]) : C.button("Submit for sign-off", name: "action", value: "submit")
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
                                C.h1(row == nil ? "Start an assessment" : "Assessment", caption: child.details.fullName),
                                C.p(
                                    "Save a draft at any time. Submitting needs every section this type of assessment uses, the ratings, and the child's views."
                                ),
                                el(.form, [.method: "post", .action: action, .novalidate: ""], fields)
                            ])
                    ])
            ])
    }

    /// One assessment, with what the reader may do to it.
    struct AssessmentShow {
        let a: AssessmentRow
        let child: ChildRecord
        let names: [UUID: String]
        let canEdit: Bool
        let canSignOff: Bool
        let errors: [FieldError]

        init(_ a: AssessmentRow, child: ChildRecord, names: [UUID: String], canEdit: Bool, canSignOff: Bool, errors: [FieldError]) {
            self.a = a
            self.child = child
            self.names = names
            self.canEdit = canEdit
            self.canSignOff = canSignOff
            self.errors = errors
        }
    }

    static func show(_ ctx: PageContext, _ m: AssessmentShow) -> String {
        let (a, child, names, canEdit, canSignOff, errors) = (m.a, m.child, m.names, m.canEdit, m.canSignOff, m.errors)
        if canEdit {
            return form(
                ctx, .init(child: child, action: Paths.assessment(a.id), values: a.formValues, errors: errors, row: a))
        }
        let err = FieldMessages(errors)
        let type = AssessmentType(rawValue: a.type) ?? .preventionDiversion
        var rows: [(key: String, value: H)] = [
            ("Child", C.link(child.details.fullName, Paths.child(child.id))),
            ("Stage", txt(Show.label(AssessmentStage.self, a.stage))),
            ("Status", txt(a.statusValue.label))
        ]
        if let s = a.submitted_on {
            let timely = a.due_on.flatMap(LocalDate.init(iso:)).flatMap { due in
                LocalDate(iso: s).map { Timeliness.onTime(completed: $0, due: due) }
            }
            rows.append(
                (
                    "Completed",
                    group([
                        txt(Show.date(s) + (a.submitted_by.flatMap { names[$0] }.map { " by \($0)" } ?? "") + " "),
                        timely == nil ? group([]) : (timely! ? C.tag("On time", colour: "green") : C.tag("Late", colour: "red"))
                    ])
                ))
        }
        if let d = a.due_on { rows.append(("Was due", txt(Show.date(d)))) }
        if let s = a.signed_off_on {
            rows.append(("Signed off", txt(Show.date(s) + (a.signed_off_by.flatMap { names[$0] }.map { " by \($0)" } ?? ""))))
        }
        if let c = a.manager_comments { rows.append(("Manager's comments", C.multiline(c))) }
        var content: [H] = [C.errorSummary(errors), C.h1(type.label, caption: child.details.fullName), C.summaryList(rows)]
        content.append(el(.h2, [.class: "heading-m"], "The child's views"))
        content.append(el(.p, [.class: "body"], [C.multiline(a.child_views)]))
        if a.parent_views != nil {
            content.append(el(.h2, [.class: "heading-m"], "The parent's or carer's views"))
            content.append(el(.p, [.class: "body"], [C.multiline(a.parent_views)]))
        }
        for s in AssessmentSection.allCases where a.section(s) != nil {
            content.append(el(.h2, [.class: "heading-m"], s.label))
            content.append(el(.p, [.class: "body"], [C.multiline(a.section(s))]))
        }
        content.append(
            C.summaryList([
                ("Likelihood of reoffending", C.value(a.likelihood_of_reoffending.map { Show.label(ThreeLevel.self, $0) })),
                ("Risk of serious harm", C.value(a.risk_of_serious_harm.map { Show.label(FourLevel.self, $0) })),
                ("Safety and wellbeing", C.value(a.safety_and_wellbeing.map { Show.label(FourLevel.self, $0) }))
            ]))
        if canSignOff {
            content.append(el(.h2, [.class: "heading-m", .id: "sign-off"], "Sign-off"))
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.signOffAssessment(a.id), .novalidate: ""],
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
        content.append(el(.p, [.class: "body"], [C.link("Back to the intervention", Paths.intervention(a.intervention_id))]))
        return Layout.page(
            title: type.label, ctx, hasErrors: !errors.isEmpty,
            [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])])
    }
}
