import Fluent
import Vapor
import WaypointDomain

/// Offences and outcomes, court hearings, and case consultations on a child's record.
struct LegalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.newOffence, use: newOffence)
        routes.post(Paths.childOffences, use: createOffence)
        routes.get(Paths.newHearing, use: newHearing)
        routes.post(Paths.childHearings, use: createHearing)
        routes.get(Paths.newConsultation, use: newConsultation)
        routes.post(Paths.childConsultations, use: createConsultation)
    }

    @Sendable func newOffence(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user, .write)
        // Retired codes are not offered for new records.
        let outcomes = try await req.referenceData().outcomeTypes.filter { !$0.retired }
        return HTMLResponse.make(
            LegalViews.offenceForm(
                PageContext(req),
                OffenceFormModel(child: ChildRef(child), outcomes: outcomes, form: FormState(values: FormValues(["outcome": "pending"])))))
    }

    @Sendable func createOffence(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user)
        let outcomes = try await req.referenceData().outcomeTypes.filter { !$0.retired }
        let values = try formValues(req)
        switch OffenceForm.parse(values, outcomes: Set(outcomes.map(\.code)), today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                LegalViews.offenceForm(
                    PageContext(req),
                    OffenceFormModel(child: ChildRef(child), outcomes: outcomes, form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let o):
            try await CaseWork(req).recordOffence(o, for: child.id)
            return req.redirect(to: Paths.child(child.id) + "?saved=offence#legal-history")
        }
    }

    @Sendable func newHearing(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user, .write)
        return HTMLResponse.make(LegalViews.hearingForm(PageContext(req), FormAboutChild(child, values: FormValues())))
    }

    @Sendable func createHearing(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user)
        let values = try formValues(req)
        switch HearingForm.parse(values, today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                LegalViews.hearingForm(PageContext(req), FormAboutChild(child, values: values, errors: e.errors)),
                status: .unprocessableEntity)
        case .success(let h):
            try await CaseWork(req).recordHearing(h, for: child.id)
            return req.redirect(to: Paths.child(child.id) + "?saved=hearing#legal-history")
        }
    }

    @Sendable func newConsultation(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user, .write)
        return HTMLResponse.make(
            LegalViews.consultationForm(PageContext(req), FormAboutChild(child, values: FormValues(todayValues("held", req.today)))))
    }

    @Sendable func createConsultation(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user)
        let values = try formValues(req)
        switch ConsultationForm.parse(values, today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                LegalViews.consultationForm(PageContext(req), FormAboutChild(child, values: values, errors: e.errors)),
                status: .unprocessableEntity)
        case .success(let c):
            try await CaseWork(req).recordConsultation(c, for: child.id)
            return req.redirect(to: Paths.child(child.id) + "?saved=consultation")
        }
    }
}

/// The offence form's model: whose record, the outcome codes it offers (retired ones left out),
/// and what was typed.
struct OffenceFormModel {
    let child: ChildRef
    let outcomes: [(code: String, label: String)]
    var form: FormState

    init(child: ChildRef, outcomes: [OutcomeType], form: FormState) {
        self.child = child
        self.outcomes = outcomes.map { ($0.code, $0.label) }
        self.form = form
    }
}

enum LegalViews {
    static func offenceForm(_ ctx: PageContext, _ m: OffenceFormModel) -> String {
        let (child, v, err) = (m.child, m.form.values, m.form.messages)
        return FormPage(
            title: "Record an offence", caption: child.name, errors: m.form.errors, action: Paths.childOffences(child.id),
            submit: "Record offence",
            cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                C.dateInput(
                    "offence", legend: "Offence date", values: v, error: err.date("offence")),
                C.select("category", label: "Category", options: OffenceCategory.options, selected: v["category"], error: err("category")),
                C.textarea("description", label: "Description (optional)", value: v["description"], error: err("description"), rows: 3),
                C.select(
                    "gravity", label: "Gravity score (optional)", options: (1...5).map { (String($0), String($0)) }, selected: v["gravity"],
                    error: err("gravity"), hint: "The NPCC child gravity matrix score, 1 to 5", blank: "Not known"),
                C.select(
                    "outcome", label: "Outcome", options: m.outcomes, selected: v["outcome"],
                    error: err("outcome"), blank: nil),
                C.dateInput(
                    "outcome_date", legend: "Outcome date (leave blank while pending)", values: v,
                    error: err.date("outcome_date"))
            ])
    }

    static func hearingForm(_ ctx: PageContext, _ m: FormAboutChild) -> String {
        let (child, v, err) = (m.child, m.form.values, m.form.messages)
        return FormPage(
            title: "Record a court hearing", caption: child.name, errors: m.form.errors, action: Paths.childHearings(child.id),
            submit: "Record hearing",
            cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                C.dateInput(
                    "hearing", legend: "Hearing date", values: v, error: err.date("hearing")),
                C.textInput("court", label: "Court", value: v["court"], error: err("court"), width: "input--width-30"),
                C.textarea("result", label: "Result", value: v["result"], error: err("result"), rows: 3)
            ])
    }

    static func consultationForm(_ ctx: PageContext, _ m: FormAboutChild) -> String {
        let (child, v, err) = (m.child, m.form.values, m.form.messages)
        return FormPage(
            title: "Record a case consultation", caption: child.name, errors: m.form.errors, action: Paths.childConsultations(child.id),
            submit: "Record consultation",
            cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                C.dateInput(
                    "held", legend: "Date of the consultation", values: v, error: err.date("held")),
                C.textInput(
                    "known_to", label: "Service the child is known to", value: v["known_to"], error: err("known_to"),
                    hint: "For example, children's social care or the family hub", width: "input--width-30"),
                C.textarea("discussion", label: "What was discussed", value: v["discussion"], error: err("discussion")),
                C.textarea("outcome", label: "Outcome", value: v["outcome"], error: err("outcome"), rows: 3)
            ])
    }
}
