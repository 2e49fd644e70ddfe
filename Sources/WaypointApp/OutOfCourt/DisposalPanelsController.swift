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

    static let title = "Out-of-court decision panels"

    // MARK: The list

    @Sendable func index(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let panels = try await OutOfCourtStore.panels(in: user.serviceIDs, on: req.db)
        let scrutinies = try await OutOfCourtStore.scrutinies(in: user.serviceIDs, on: req.db)
        let page = try req.pageNumber()
        let (slice, pages) = WorklistViews.paged(panels, page: page)
        let counts = try await OutOfCourtStore.counts(on: req.db, panels: slice.map(\.id), scrutinies: scrutinies.prefix(20).map(\.id))
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "panel": "Panel recorded"
            default: nil
            }
        var content: [H] = [
            C.h1(Self.title),
            C.p(
                "The police and the youth justice service decide together, at a panel, which out-of-court outcome a child gets, after the service has screened the child. Each decision is written to the child's legal history and the work that follows is started, so nothing is typed twice."
            ),
            el(
                .div, [.class: "button-group"],
                [
                    C.buttonLink("Record a panel", Paths.newDisposalPanel),
                    C.buttonLink("Start a scrutiny panel", Paths.newScrutinyPanel, secondary: true)
                ]),
            el(.h2, [.class: "heading-m"], "Panels")
        ]
        content.append(
            panels.isEmpty
                ? C.p("No panels recorded yet.")
                : C.table(
                    caption: nil, headers: ["Date", "Place", "Police", "Youth justice service", "Decisions"],
                    rows: slice.map { p in
                        [
                            C.link(p.heldOn?.longFormat ?? p.held_on, Paths.disposalPanel(p.id)), C.value(p.place),
                            C.value(p.member_police),
                            C.value(p.member_youth_justice), txt(String(counts.decisions[p.id] ?? 0))
                        ]
                    }, numeric: [4]))
        content.append(C.pagination(page: page, totalPages: pages) { "\(Paths.disposalPanels)?page=\($0)" })
        content.append(el(.h2, [.class: "heading-m"], "Scrutiny panels"))
        content.append(
            scrutinies.isEmpty
                ? C.p("No scrutiny panels yet. A scrutiny panel reviews a sample of past decisions, and its findings are reported.")
                : C.table(
                    caption: nil, headers: ["Date", "Decisions sampled from", "Findings recorded"],
                    rows: scrutinies.prefix(20).map { s in
                        let (done, n) = counts.findings[s.id] ?? (0, 0)
                        return [
                            C.link(Show.date(s.held_on), Paths.scrutinyPanel(s.id)),
                            txt("\(Show.date(s.sample_from)) to \(Show.date(s.sample_to))"), txt("\(done) of \(n)")
                        ]
                    }))
        content.append(
            el(
                .p, [.class: "body"],
                [txt("The figures: "), C.link("out-of-court decisions report", Paths.report(OutOfCourtDecisions.name)), txt(".")]))
        return HTMLResponse.make(Layout.page(title: Self.title, PageContext(req, notice: notice), wide: true, content))
    }

    // MARK: A panel

    struct S: Decodable { let id: UUID; let name: String }
    static func services(_ req: Request, _ user: CurrentUser) async throws -> [S] {
        user.serviceIDs.isEmpty
            ? []
            : try await req.db.sql.select().columns("id", "name").from("services").where("id", .in, SQLBind.group(user.serviceIDs))
                .orderBy("name").all(decoding: S.self)
    }

    static func panelForm(_ req: Request, _ services: [S], values v: FormValues, errors: [FieldError]) -> String {
        let e = FormErrors(errors)
        var fields: [H] = [Layout.csrfField(req.csrfToken)]
        if services.count > 1 {
            fields.append(
                C.select(
                    "service", label: "Service", options: services.map { ($0.id.uuidString.lowercased(), $0.name) }, selected: v["service"],
                    error: e.message(for: "service")))
        }
        fields.append(C.dateInput("held_on", legend: "Date of the panel", values: v, error: e.message(for: "held_on-day")))
        fields.append(C.textInput("place", label: "Place (optional)", value: v["place"], error: e.message(for: "place")))
        fields.append(el(.h2, [.class: "heading-m"], "Members"))
        fields.append(
            C.p("Name the members who sat, by agency. The police and the youth justice service are both needed: the decision is joint."))
        for a in PanelAgency.allCases {
            fields.append(
                C.textInput(
                    "member_\(a.rawValue)", label: a.label + (a.required ? "" : " (optional)"), value: v["member_\(a.rawValue)"],
                    error: e.message(for: "member_\(a.rawValue)"), hint: "Names and roles, separated by commas"))
        }
        fields.append(C.button("Save the panel"))
        let content: [H] = [
            C.errorSummary(errors), C.h1("Record a panel", caption: title),
            el(.form, [.method: "post", .action: Paths.disposalPanels, .novalidate: ""], fields),
            el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)])
        ]
        return Layout.page(title: "Record a panel", PageContext(req), hasErrors: !errors.isEmpty, content)
    }

    static func chosenService(_ v: FormValues, _ services: [S], errors e: inout FormErrors) -> UUID? {
        if services.count == 1 { return services[0].id }
        let s = v.trimmed("service").flatMap(UUID.init(uuidString:)).flatMap { s in services.contains { $0.id == s } ? s : nil }
        if s == nil { e.add("service", "Select the service") }
        return s
    }

    @Sendable func newPanel(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        return HTMLResponse.make(Self.panelForm(req, try await Self.services(req, user), values: FormValues(), errors: []))
    }

    @Sendable func createPanel(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let v = try formValues(req)
        let services = try await Self.services(req, user)
        var e = FormErrors()
        let service = Self.chosenService(v, services, errors: &e)
        let parsed = DisposalPanelForms.panel(v, today: req.today)
        if case .failure(let more) = parsed { for x in more.errors { e.add(x.field, x.message) } }
        guard e.isEmpty, case .success(let input) = parsed, let service else {
            return HTMLResponse.make(Self.panelForm(req, services, values: v, errors: e.errors), status: .unprocessableEntity)
        }
        let id = try await CaseWork(req).recordDisposalPanel(input, serviceID: service)
        return req.redirect(to: Paths.disposalPanel(id) + "?saved=panel")
    }

    static func panelPage(
        _ req: Request, _ user: CurrentUser, _ p: DisposalPanelRow, values v: FormValues, errors: [FieldError], notice: String? = nil
    ) async throws -> String {
        let held = p.heldOn ?? req.today
        let decisions = try await OutOfCourtStore.decisions(panel: p.id, in: user.serviceIDs, on: req.db)
        // Every child the page shows is a look at that child's record.
        for d in decisions {
            try await Audit.record(
                req, action: "view_panel_decision", serviceID: p.service_id, childID: d.child_id,
                details: "disposal panel \(p.id.uuidString)")
        }
        let pending = try await OutOfCourtStore.pendingOffences(service: p.service_id, by: held, on: req.db)
        let e = FormErrors(errors)
        var content: [H] = [
            C.errorSummary(errors), C.h1(held.longFormat, caption: title),
            C.summaryList(
                [("Place", C.value(p.place))] + PanelAgency.allCases.map { a in (a.label, C.value(p.member(a))) }),
            el(.h2, [.class: "heading-m", .id: "decisions"], "Decisions")
        ]
        content.append(
            decisions.isEmpty
                ? C.p("No decisions recorded yet.")
                : C.table(
                    caption: nil, headers: ["Child", "Offence", "Decision", "Rationale", "Conditions"],
                    rows: decisions.map { d in
                        [
                            C.link("\(d.given_name) \(d.family_name)", Paths.child(d.child_id)),
                            txt("\(Show.label(OffenceCategory.self, d.category)) on \(Show.date(d.offence_date))"),
                            txt(PanelOutcome(rawValue: d.outcome)?.label ?? d.outcome), C.multiline(d.rationale), C.value(d.conditions)
                        ]
                    }))
        content.append(el(.h2, [.class: "heading-m", .id: "record"], "Record a decision"))
        if pending.isEmpty {
            content.append(C.p("No offences are waiting for an outcome in this service (committed on or before the panel's date)."))
        } else {
            let options = pending.map { o in
                (
                    o.id.uuidString.lowercased(),
                    "\(o.given_name) \(o.family_name): \(Show.label(OffenceCategory.self, o.category)) on \(Show.date(o.offence_date))"
                )
            }
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.panelDecisions(p.id), .novalidate: ""],
                    [
                        Layout.csrfField(req.csrfToken),
                        C.select(
                            "offence_id", label: "Child and offence", options: options, selected: v["offence_id"],
                            error: e.message(for: "offence_id"), hint: "Offences still waiting for an outcome"),
                        C.textarea(
                            "screening", label: "Screening summary", value: v["screening"], error: e.message(for: "screening"),
                            hint:
                                "What the service's screening found: the child's needs, views, and any safeguarding or exploitation concern"
                        ),
                        C.radios(
                            "outcome", legend: "The panel's decision", options: PanelOutcome.allCases.map { ($0.rawValue, $0.label) },
                            selected: v["outcome"], error: e.message(for: "outcome")),
                        C.textarea("rationale", label: "Rationale", value: v["rationale"], error: e.message(for: "rationale")),
                        C.textarea(
                            "conditions", label: "Conditions (optional)", value: v["conditions"], error: e.message(for: "conditions"),
                            hint: "Needed for a youth conditional caution"),
                        C.button("Record the decision")
                    ]))
        }
        content.append(el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)]))
        return Layout.page(
            title: held.longFormat + " – " + title, PageContext(req, notice: notice), hasErrors: !errors.isEmpty, wide: true, content)
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
        return HTMLResponse.make(try await Self.panelPage(req, user, p, values: FormValues(), errors: [], notice: notice))
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let p = try await Self.loadPanel(req, user)
        let v = try formValues(req)
        let pending = try await OutOfCourtStore.pendingOffences(service: p.service_id, by: p.heldOn ?? req.today, on: req.db)
        switch DisposalPanelForms.decision(v, offences: Set(pending.map { $0.id.uuidString.lowercased() })) {
        case .failure(let e):
            return HTMLResponse.make(try await Self.panelPage(req, user, p, values: v, errors: e.errors), status: .unprocessableEntity)
        case .success(let input):
            _ = try await CaseWork(req).decide(input, panelID: p.id)
            return req.redirect(to: Paths.disposalPanel(p.id) + "?saved=decision#decisions")
        }
    }

    // MARK: Scrutiny

    static func scrutinyForm(_ req: Request, _ services: [S], values v: FormValues, errors: [FieldError]) -> String {
        let e = FormErrors(errors)
        var fields: [H] = [Layout.csrfField(req.csrfToken)]
        if services.count > 1 {
            fields.append(
                C.select(
                    "service", label: "Service", options: services.map { ($0.id.uuidString.lowercased(), $0.name) }, selected: v["service"],
                    error: e.message(for: "service")))
        }
        fields += [
            C.dateInput("held_on", legend: "Date of the scrutiny panel", values: v, error: e.message(for: "held_on-day")),
            C.dateInput("from", legend: "Sample decisions made from", values: v, error: e.message(for: "from-day")),
            C.dateInput("to", legend: "To (inclusive)", values: v, error: e.message(for: "to-day")),
            C.textInput(
                "sample_size", label: "How many decisions to sample", value: v["sample_size"].isEmpty ? "" : v["sample_size"],
                error: e.message(for: "sample_size"), hint: "From 1 to 50. They are drawn at random from the decisions made in those dates."
            ),
            C.button("Draw the sample")
        ]
        let content: [H] = [
            C.errorSummary(errors), C.h1("Start a scrutiny panel", caption: title),
            C.p(
                "A scrutiny panel reviews a sample of past decisions and records, for each, whether it was appropriate and what can be learned."
            ),
            el(.form, [.method: "post", .action: Paths.scrutinyPanels, .novalidate: ""], fields),
            el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)])
        ]
        return Layout.page(title: "Start a scrutiny panel", PageContext(req), hasErrors: !errors.isEmpty, content)
    }

    @Sendable func newScrutiny(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        return HTMLResponse.make(
            Self.scrutinyForm(req, try await Self.services(req, user), values: FormValues(["sample_size": "10"]), errors: []))
    }

    @Sendable func createScrutiny(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let v = try formValues(req)
        let services = try await Self.services(req, user)
        var e = FormErrors()
        let service = Self.chosenService(v, services, errors: &e)
        let parsed = DisposalPanelForms.scrutiny(v, today: req.today)
        if case .failure(let more) = parsed { for x in more.errors { e.add(x.field, x.message) } }
        guard e.isEmpty, case .success(let input) = parsed, let service else {
            return HTMLResponse.make(Self.scrutinyForm(req, services, values: v, errors: e.errors), status: .unprocessableEntity)
        }
        guard let id = try await CaseWork(req).startScrutiny(input, serviceID: service) else {
            return HTMLResponse.make(
                Self.scrutinyForm(
                    req, services, values: v,
                    errors: [FieldError(field: "from-day", message: "No panel decided anything between these dates: choose other dates")]),
                status: .unprocessableEntity)
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
        let findings = try await OutOfCourtStore.findings(s.id, on: req.db)
        let byDecision = Dictionary(findings.map { ($0.decision_id, $0) }, uniquingKeysWith: { a, _ in a })
        let decisions = try await OutOfCourtStore.decisions(ids: findings.map(\.decision_id), in: user.serviceIDs, on: req.db)
        for d in decisions {
            try await Audit.record(
                req, action: "view_panel_decision", serviceID: s.service_id, childID: d.child_id, details: "scrutiny \(s.id.uuidString)")
        }
        let done = findings.filter { $0.finding != nil }.count
        let content: [H] = [
            C.h1("Scrutiny panel, \(Show.date(s.held_on))", caption: Self.title),
            C.p(
                "\(decisions.count) decisions drawn at random from those made from \(Show.date(s.sample_from)) to \(Show.date(s.sample_to)). Findings recorded: \(done) of \(decisions.count)."
            ),
            C.table(
                caption: nil, headers: ["Child", "Decided", "Decision", "Finding", ""],
                rows: decisions.map { d in
                    let f = byDecision[d.id]
                    return [
                        txt("\(d.given_name) \(d.family_name)"), txt(Show.date(d.decided_on)),
                        txt(PanelOutcome(rawValue: d.outcome)?.label ?? d.outcome),
                        f?.finding.flatMap(ScrutinyFinding.init(rawValue:)).map { txt($0.label) } ?? C.tag("To review", colour: "yellow"),
                        C.link(f?.finding == nil ? "Review" : "Change", Paths.scrutinyDecision(s.id, d.id))
                    ]
                }),
            el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)])
        ]
        let notice = req.query[String.self, at: "saved"] == "finding" ? "Finding recorded" : nil
        return HTMLResponse.make(
            Layout.page(title: "Scrutiny panel – \(Self.title)", PageContext(req, notice: notice), wide: true, content))
    }

    static func findingPage(
        _ req: Request, _ s: ScrutinyRow, _ d: PanelDecisionRow, values v: FormValues, errors: [FieldError]
    ) async throws -> String {
        try await Audit.record(
            req, action: "view_panel_decision", serviceID: s.service_id, childID: d.child_id, details: "scrutiny \(s.id.uuidString)")
        let e = FormErrors(errors)
        let content: [H] = [
            C.errorSummary(errors), C.h1("\(d.given_name) \(d.family_name)", caption: "Scrutiny panel, \(Show.date(s.held_on))"),
            C.summaryList([
                ("Offence", txt("\(Show.label(OffenceCategory.self, d.category)) on \(Show.date(d.offence_date))")),
                ("Panel date", txt(Show.date(d.decided_on))),
                ("Screening summary", C.multiline(d.screening)),
                ("Decision", txt(PanelOutcome(rawValue: d.outcome)?.label ?? d.outcome)),
                ("Rationale", C.multiline(d.rationale)),
                ("Conditions", C.value(d.conditions))
            ]),
            el(
                .form, [.method: "post", .action: Paths.scrutinyDecision(s.id, d.id), .novalidate: ""],
                [
                    Layout.csrfField(req.csrfToken),
                    C.radios(
                        "finding", legend: "Was the decision appropriate?",
                        options: ScrutinyFinding.allCases.map { ($0.rawValue, $0.label) },
                        selected: v["finding"], error: e.message(for: "finding")),
                    C.textarea(
                        "learning", label: "Learning", value: v["learning"], error: e.message(for: "learning"),
                        hint: "Needed unless the decision was appropriate without learning"),
                    C.button("Save the finding")
                ]),
            el(.p, [.class: "body"], [C.link("Back to the scrutiny panel", Paths.scrutinyPanel(s.id))])
        ]
        return Layout.page(title: "Scrutiny finding – \(Self.title)", PageContext(req), hasErrors: !errors.isEmpty, content)
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
        return HTMLResponse.make(try await Self.findingPage(req, s, d, values: v, errors: []))
    }

    @Sendable func recordFinding(req: Request) async throws -> Response {
        let user = try req.authorize(.runOutOfCourtPanels)
        let (s, d, _) = try await Self.loadFinding(req, user)
        let v = try formValues(req)
        switch DisposalPanelForms.finding(v) {
        case .failure(let e):
            return HTMLResponse.make(try await Self.findingPage(req, s, d, values: v, errors: e.errors), status: .unprocessableEntity)
        case .success(let (finding, learning)):
            try await CaseWork(req).recordFinding(finding, learning: learning, scrutinyID: s.id, decision: d)
            return req.redirect(to: Paths.scrutinyPanel(s.id) + "?saved=finding")
        }
    }
}
