import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Joint out-of-court decision panels and their scrutiny (issue 19, seed 002). Managers run them:
/// a panel with its members by agency; a decision for each child's offence, written to the legal
/// history and started as work; a scrutiny panel that samples past decisions and records a finding
/// on each. Every page that shows a child is audited on that child.
struct DisposalPanelsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.disposalPanels, use: index)
        routes.get(path: Paths.newDisposalPanel, use: newPanel)
        routes.post(path: Paths.disposalPanels, use: createPanel)
        routes.get(Paths.disposalPanel, use: panel)
        routes.post(Paths.panelDecisions, use: decide)
        routes.get(path: Paths.newScrutinyPanel, use: newScrutiny)
        routes.post(path: Paths.scrutinyPanels, use: createScrutiny)
        routes.get(Paths.scrutinyPanel, use: scrutiny)
        routes.get(Paths.scrutinyDecision, use: finding)
        routes.post(Paths.scrutinyDecision, use: recordFinding)
    }

    // MARK: The list

    @Sendable func index(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let model = try await DisposalPanelQuery.index(user, page: try req.pageNumber(), on: req.db)
        let notice = req.query[String.self, at: "saved"] == "panel" ? "Panel recorded" : nil
        return HTMLResponse.make(DisposalPanelViews.index(PageContext(req, notice: notice), model))
    }

    // MARK: A panel

    static func chosenService(_ v: FormValues, _ services: [ServiceOption], errors e: inout FormErrors) -> UUID? {
        if services.count == 1 { return services[0].id }
        let s = v.trimmed("service").flatMap(UUID.init(uuidString:)).flatMap { s in services.contains { $0.id == s } ? s : nil }
        if s == nil { e.add("service", "Select the service") }
        return s
    }

    @Sendable func newPanel(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let services = try await ServiceOption.granted(user, on: req.db)
        return HTMLResponse.make(
            DisposalPanelViews.newPanel(PageContext(req), InServiceForm(services: services, form: FormState(values: FormValues()))))
    }

    @Sendable func createPanel(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let v = try formValues(req)
        let services = try await ServiceOption.granted(user, on: req.db)
        var e = FormErrors()
        let service = Self.chosenService(v, services, errors: &e)
        let parsed = DisposalPanelForms.panel(v, today: req.today)
        if case .failure(let more) = parsed { for x in more.errors { e.add(x.field, x.message) } }
        guard e.isEmpty, case .success(let input) = parsed, let service else {
            return HTMLResponse.make(
                DisposalPanelViews.newPanel(
                    PageContext(req), InServiceForm(services: services, form: FormState(values: v, errors: e.errors))),
                status: .unprocessableEntity)
        }
        let id = try await CaseWork(req).recordDisposalPanel(input, serviceID: service)
        return req.redirect(to: Paths.disposalPanel(id) + "?saved=panel")
    }

    /// The panel page; every child it shows is a look at that child's record.
    private func panelPage(
        _ req: Request, _ user: CurrentUser, _ p: DisposalPanelRow, _ form: FormState, notice: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let (model, shown) = try await DisposalPanelQuery.panel(p, user, form: form, today: req.today, on: req.db)
        try await Audit.recordViews(
            req, action: "view_panel_decision", children: shown.map { (p.service_id, $0.child_id) },
            details: "disposal panel \(p.id.uuidString)")
        return HTMLResponse.make(DisposalPanelViews.panel(PageContext(req, notice: notice), model), status: status)
    }

    static func loadPanel(_ req: Request, _ user: CurrentUser) async throws -> DisposalPanelRow {
        guard let p = try await OutOfCourtStore.panel(try req.uuidParameter("disposalPanelID"), in: user.serviceIDs, on: req.db) else {
            throw WaypointError.notFound("This panel could not be found. It may be in a service you do not have access to.")
        }
        return p
    }

    @Sendable func panel(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let p = try await Self.loadPanel(req, user)
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "panel": "Panel recorded. Record its decisions below."
            case "decision": "Decision recorded, and written to the child's legal history"
            default: nil
            }
        return try await panelPage(req, user, p, FormState(values: FormValues()), notice: notice)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let p = try await Self.loadPanel(req, user)
        let v = try formValues(req)
        let pending = try await OutOfCourtStore.pendingOffences(service: p.service_id, by: p.heldOn ?? req.today, on: req.db)
        switch DisposalPanelForms.decision(v, offences: Set(pending.map { $0.id.uuidString.lowercased() })) {
        case .failure(let e):
            return try await panelPage(req, user, p, FormState(values: v, errors: e.errors), status: .unprocessableEntity)
        case .success(let input):
            _ = try await CaseWork(req).decide(input, panelID: p.id)
            return req.redirect(to: Paths.disposalPanel(p.id) + "?saved=decision#decisions")
        }
    }

    // MARK: Scrutiny

    @Sendable func newScrutiny(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let services = try await ServiceOption.granted(user, on: req.db)
        return HTMLResponse.make(
            DisposalPanelViews.newScrutiny(
                PageContext(req), InServiceForm(services: services, form: FormState(values: FormValues(["sample_size": "10"])))))
    }

    @Sendable func createScrutiny(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let v = try formValues(req)
        let services = try await ServiceOption.granted(user, on: req.db)
        var e = FormErrors()
        let service = Self.chosenService(v, services, errors: &e)
        let parsed = DisposalPanelForms.scrutiny(v, today: req.today)
        if case .failure(let more) = parsed { for x in more.errors { e.add(x.field, x.message) } }
        func again(_ errors: [FieldError]) -> Response {
            HTMLResponse.make(
                DisposalPanelViews.newScrutiny(
                    PageContext(req), InServiceForm(services: services, form: FormState(values: v, errors: errors))),
                status: .unprocessableEntity)
        }
        guard e.isEmpty, case .success(let input) = parsed, let service else { return again(e.errors) }
        guard let id = try await CaseWork(req).startScrutiny(input, serviceID: service) else {
            return again([FieldError(field: "from-day", message: "No panel decided anything between these dates: choose other dates")])
        }
        return req.redirect(to: Paths.scrutinyPanel(id))
    }

    static func loadScrutiny(_ req: Request, _ user: CurrentUser) async throws -> ScrutinyRow {
        guard let s = try await OutOfCourtStore.scrutiny(try req.uuidParameter("scrutinyID"), in: user.serviceIDs, on: req.db) else {
            throw WaypointError.notFound("This scrutiny panel could not be found. It may be in a service you do not have access to.")
        }
        return s
    }

    @Sendable func scrutiny(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let s = try await Self.loadScrutiny(req, user)
        let (model, shown) = try await DisposalPanelQuery.scrutiny(s, user, on: req.db)
        try await Audit.recordViews(
            req, action: "view_panel_decision", children: shown.map { (s.service_id, $0.child_id) }, details: "scrutiny \(s.id.uuidString)")
        let notice = req.query[String.self, at: "saved"] == "finding" ? "Finding recorded" : nil
        return HTMLResponse.make(DisposalPanelViews.scrutiny(PageContext(req, notice: notice), model))
    }

    /// The finding form; showing it is a look at the decision's child.
    private func findingPage(
        _ req: Request, _ s: ScrutinyRow, _ d: PanelDecisionRow, _ form: FormState, status: HTTPStatus = .ok
    ) async throws -> Response {
        try await Audit.record(
            req, action: "view_panel_decision", serviceID: s.service_id, childID: d.child_id, details: "scrutiny \(s.id.uuidString)")
        return HTMLResponse.make(DisposalPanelViews.finding(PageContext(req), DisposalPanelQuery.finding(s, d, form: form)), status: status)
    }

    static func loadFinding(_ req: Request, _ user: CurrentUser) async throws -> (ScrutinyRow, PanelDecisionRow, FindingRow) {
        let s = try await loadScrutiny(req, user)
        let id = try req.uuidParameter("decisionID")
        guard let f = try await OutOfCourtStore.findings(s.id, on: req.db).first(where: { $0.decision_id == id }),
            let d = try await OutOfCourtStore.decisions(ids: [id], in: user.serviceIDs, on: req.db).first
        else {
            throw WaypointError.notFound("This decision is not in the scrutiny panel's sample.")
        }
        return (s, d, f)
    }

    @Sendable func finding(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let (s, d, f) = try await Self.loadFinding(req, user)
        let v = FormValues(["finding": f.finding ?? "", "learning": f.learning ?? ""])
        return try await findingPage(req, s, d, FormState(values: v))
    }

    @Sendable func recordFinding(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let (s, d, _) = try await Self.loadFinding(req, user)
        let v = try formValues(req)
        switch DisposalPanelForms.finding(v) {
        case .failure(let e):
            return try await findingPage(req, s, d, FormState(values: v, errors: e.errors), status: .unprocessableEntity)
        case .success(let (finding, learning)):
            try await CaseWork(req).recordFinding(finding, learning: learning, scrutinyID: s.id, decision: d)
            return req.redirect(to: Paths.scrutinyPanel(s.id) + "?saved=finding")
        }
    }
}
