import Fluent
import Foundation
import Vapor
import WaypointDomain

// The out-of-court panel pages as data: each page's model, the query that reads it, and the view
// that renders it. `DisposalPanelsController` authorises, loads, audits and renders.

/// The list of panels (a page of them) and the latest scrutiny panels.
struct PanelIndex {
    struct Panel {
        let id: UUID
        let held: String
        let place: String?
        let police: String?
        let youthJustice: String?
        let decisions: Int
    }
    struct Scrutiny {
        let id: UUID
        let held: String
        let sample: String
        let done: Int
        let sampled: Int
    }
    var panels: [Panel] = []
    var page = 1
    var totalPages = 1
    var scrutinies: [Scrutiny] = []
}

/// One panel: its members, its decisions, and the form for the next decision (the offences still
/// waiting for an outcome in its service).
struct PanelShow {
    struct Decision {
        let childID: UUID
        let childName: String
        let offence: String
        let outcome: String
        let rationale: String
        let conditions: String?
    }
    let id: UUID
    let held: String
    let place: String?
    /// Each agency with the members named for it.
    let members: [(agency: String, names: String?)]
    let decisions: [Decision]
    /// The offences it can decide, as the form offers them.
    let pending: [(code: String, label: String)]
    var form: FormState
}

/// A scrutiny panel: its sample of decisions and the finding recorded on each.
struct ScrutinyShow {
    struct Row {
        let decisionID: UUID
        let childName: String
        let decided: String
        let outcome: String
        /// Nil while the decision is still to review.
        let finding: String?
    }
    let id: UUID
    let held: String
    let sampleFrom: String
    let sampleTo: String
    let rows: [Row]
    var done: Int { rows.filter { $0.finding != nil }.count }
}

/// The finding form for one sampled decision, with the decision it reviews.
struct FindingForm {
    let scrutinyID: UUID
    let decisionID: UUID
    let scrutinyHeld: String
    let childName: String
    let offence: String
    let decided: String
    let screening: String
    let outcome: String
    let rationale: String
    let conditions: String?
    var form: FormState
}

enum DisposalPanelQuery {
    static func index(_ user: CurrentUser, page requested: Int, on db: Database) async throws -> PanelIndex {
        let panels = try await OutOfCourtStore.panels(in: user.serviceIDs, on: db)
        let scrutinies = Array(try await OutOfCourtStore.scrutinies(in: user.serviceIDs, on: db).prefix(20))
        let (slice, pages) = WorklistViews.paged(panels, page: requested)
        let counts = try await OutOfCourtStore.counts(on: db, panels: slice.map(\.id), scrutinies: scrutinies.map(\.id))
        var m = PanelIndex()
        m.page = min(max(1, requested), pages)
        m.totalPages = pages
        m.panels = slice.map { p in
            PanelIndex.Panel(
                id: p.id, held: p.heldOn?.longFormat ?? p.held_on, place: p.place, police: p.member_police,
                youthJustice: p.member_youth_justice, decisions: counts.decisions[p.id] ?? 0)
        }
        m.scrutinies = scrutinies.map { s in
            let (done, n) = counts.findings[s.id] ?? (0, 0)
            return PanelIndex.Scrutiny(
                id: s.id, held: Show.date(s.held_on), sample: "\(Show.date(s.sample_from)) to \(Show.date(s.sample_to))", done: done,
                sampled: n)
        }
        return m
    }

    static func offence(_ category: String, _ date: String) -> String {
        "\(Show.label(OffenceCategory.self, category)) on \(Show.date(date))"
    }

    static func outcome(_ code: String) -> String { PanelOutcome(rawValue: code)?.label ?? code }

    /// The panel and the decisions it shows (the handler audits a look at each decision's child).
    static func panel(_ p: DisposalPanelRow, _ user: CurrentUser, form: FormState, today: LocalDate, on db: Database) async throws -> (
        PanelShow, shown: [PanelDecisionRow]
    ) {
        let held = p.heldOn ?? today
        let decisions = try await OutOfCourtStore.decisions(panel: p.id, in: user.serviceIDs, on: db)
        let pending = try await OutOfCourtStore.pendingOffences(service: p.service_id, by: held, on: db)
        let m = PanelShow(
            id: p.id, held: held.longFormat, place: p.place,
            members: PanelAgency.allCases.map { a in (a.label, p.member(a)) },
            decisions: decisions.map { d in
                PanelShow.Decision(
                    childID: d.child_id, childName: "\(d.given_name) \(d.family_name)", offence: offence(d.category, d.offence_date),
                    outcome: outcome(d.outcome), rationale: d.rationale, conditions: d.conditions)
            },
            pending: pending.map { o in
                (o.id.uuidString.lowercased(), "\(o.given_name) \(o.family_name): \(offence(o.category, o.offence_date))")
            },
            form: form)
        return (m, decisions)
    }

    static func scrutiny(_ s: ScrutinyRow, _ user: CurrentUser, on db: Database) async throws -> (
        ScrutinyShow, shown: [PanelDecisionRow]
    ) {
        let findings = try await OutOfCourtStore.findings(s.id, on: db)
        let byDecision = Dictionary(findings.map { ($0.decision_id, $0) }, uniquingKeysWith: { a, _ in a })
        let decisions = try await OutOfCourtStore.decisions(ids: findings.map(\.decision_id), in: user.serviceIDs, on: db)
        let m = ScrutinyShow(
            id: s.id, held: Show.date(s.held_on), sampleFrom: Show.date(s.sample_from), sampleTo: Show.date(s.sample_to),
            rows: decisions.map { d in
                ScrutinyShow.Row(
                    decisionID: d.id, childName: "\(d.given_name) \(d.family_name)", decided: Show.date(d.decided_on),
                    outcome: outcome(d.outcome),
                    finding: byDecision[d.id]?.finding.flatMap(ScrutinyFinding.init(rawValue:))?.label)
            })
        return (m, decisions)
    }

    static func finding(_ s: ScrutinyRow, _ d: PanelDecisionRow, form: FormState) -> FindingForm {
        FindingForm(
            scrutinyID: s.id, decisionID: d.id, scrutinyHeld: Show.date(s.held_on), childName: "\(d.given_name) \(d.family_name)",
            offence: offence(d.category, d.offence_date), decided: Show.date(d.decided_on), screening: d.screening,
            outcome: outcome(d.outcome), rationale: d.rationale, conditions: d.conditions, form: form)
    }
}

enum DisposalPanelViews {
    static let title = "Out-of-court decision panels"

    static func index(_ ctx: PageContext, _ m: PanelIndex) -> String {
        let content: [H] = [
            C.h1(title),
            C.p(
                "The police and the youth justice service decide together, at a panel, which out-of-court outcome a child gets, after the service has screened the child. Each decision is written to the child's legal history and the work that follows is started, so nothing is typed twice."
            ),
            el(
                .div, [.class: "button-group"],
                [
                    C.buttonLink("Record a panel", Paths.newDisposalPanel),
                    C.buttonLink("Start a scrutiny panel", Paths.newScrutinyPanel, secondary: true)
                ]),
            el(.h2, [.class: "heading-m"], "Panels"),
            m.panels.isEmpty
                ? C.p("No panels recorded yet.")
                : C.table(
                    caption: nil, headers: ["Date", "Place", "Police", "Youth justice service", "Decisions"],
                    rows: m.panels.map { p in
                        [
                            C.link(p.held, Paths.disposalPanel(p.id)), C.value(p.place), C.value(p.police), C.value(p.youthJustice),
                            txt(String(p.decisions))
                        ]
                    }, numeric: [4]),
            C.pagination(page: m.page, totalPages: m.totalPages) { "\(Paths.disposalPanels)?page=\($0)" },
            el(.h2, [.class: "heading-m"], "Scrutiny panels"),
            m.scrutinies.isEmpty
                ? C.p("No scrutiny panels yet. A scrutiny panel reviews a sample of past decisions, and its findings are reported.")
                : C.table(
                    caption: nil, headers: ["Date", "Decisions sampled from", "Findings recorded"],
                    rows: m.scrutinies.map { s in
                        [C.link(s.held, Paths.scrutinyPanel(s.id)), txt(s.sample), txt("\(s.done) of \(s.sampled)")]
                    }),
            el(
                .p, [.class: "body"],
                [txt("The figures: "), C.link("out-of-court decisions report", Paths.report(OutOfCourtDecisions.name)), txt(".")])
        ]
        return Layout.page(title: title, ctx, wide: true, content)
    }

    static func newPanel(_ ctx: PageContext, _ m: InServiceForm) -> String {
        let (v, err) = (m.form.values, m.form.messages)
        var fields: [H] = C.serviceChoice(m)
        fields.append(C.dateInput("held_on", legend: "Date of the panel", values: v, error: err("held_on-day")))
        fields.append(C.textInput("place", label: "Place (optional)", value: v["place"], error: err("place")))
        fields.append(el(.h2, [.class: "heading-m"], "Members"))
        fields.append(
            C.p("Name the members who sat, by agency. The police and the youth justice service are both needed: the decision is joint."))
        for a in PanelAgency.allCases {
            fields.append(
                C.textInput(
                    "member_\(a.rawValue)", label: a.label + (a.required ? "" : " (optional)"), value: v["member_\(a.rawValue)"],
                    error: err("member_\(a.rawValue)"), hint: "Names and roles, separated by commas"))
        }
        return FormPage(
            title: "Record a panel", caption: title, errors: m.form.errors, action: Paths.disposalPanels, submit: "Save the panel",
            cancel: Paths.disposalPanels
        ).render(ctx, fields)
    }

    static func panel(_ ctx: PageContext, _ m: PanelShow) -> String {
        let (v, err) = (m.form.values, m.form.messages)
        var content: [H] = [
            C.errorSummary(m.form.errors), C.h1(m.held, caption: title),
            C.summaryList([("Place", C.value(m.place))] + m.members.map { ($0.agency, C.value($0.names)) }),
            el(.h2, [.class: "heading-m", .id: "decisions"], "Decisions"),
            m.decisions.isEmpty
                ? C.p("No decisions recorded yet.")
                : C.table(
                    caption: nil, headers: ["Child", "Offence", "Decision", "Rationale", "Conditions"],
                    rows: m.decisions.map { d in
                        [
                            C.link(d.childName, Paths.child(d.childID)), txt(d.offence), txt(d.outcome), C.multiline(d.rationale),
                            C.value(d.conditions)
                        ]
                    }),
            el(.h2, [.class: "heading-m", .id: "record"], "Record a decision")
        ]
        if m.pending.isEmpty {
            content.append(C.p("No offences are waiting for an outcome in this service (committed on or before the panel's date)."))
        } else {
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.panelDecisions(m.id), .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.select(
                            "offence_id", label: "Child and offence", options: m.pending, selected: v["offence_id"],
                            error: err("offence_id"), hint: "Offences still waiting for an outcome"),
                        C.textarea(
                            "screening", label: "Screening summary", value: v["screening"], error: err("screening"),
                            hint:
                                "What the service's screening found: the child's needs, views, and any safeguarding or exploitation concern"
                        ),
                        C.radios(
                            "outcome", legend: "The panel's decision", options: PanelOutcome.allCases.map { ($0.rawValue, $0.label) },
                            selected: v["outcome"], error: err("outcome")),
                        C.textarea("rationale", label: "Rationale", value: v["rationale"], error: err("rationale")),
                        C.textarea(
                            "conditions", label: "Conditions (optional)", value: v["conditions"], error: err("conditions"),
                            hint: "Needed for a youth conditional caution"),
                        C.button("Record the decision")
                    ]))
        }
        content.append(el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)]))
        return Layout.page(title: m.held + " – " + title, ctx, hasErrors: m.form.hasErrors, wide: true, content)
    }

    static func newScrutiny(_ ctx: PageContext, _ m: InServiceForm) -> String {
        let (v, err) = (m.form.values, m.form.messages)
        let fields: [H] =
            C.serviceChoice(m) + [
                C.dateInput("held_on", legend: "Date of the scrutiny panel", values: v, error: err("held_on-day")),
                C.dateInput("from", legend: "Sample decisions made from", values: v, error: err("from-day")),
                C.dateInput("to", legend: "To (inclusive)", values: v, error: err("to-day")),
                C.textInput(
                    "sample_size", label: "How many decisions to sample", value: v["sample_size"], error: err("sample_size"),
                    hint: "From 1 to 50. They are drawn at random from the decisions made in those dates.")
            ]
        return FormPage(
            title: "Start a scrutiny panel", caption: title,
            intro:
                "A scrutiny panel reviews a sample of past decisions and records, for each, whether it was appropriate and what can be learned.",
            errors: m.form.errors, action: Paths.scrutinyPanels, submit: "Draw the sample", cancel: Paths.disposalPanels
        ).render(ctx, fields)
    }

    static func scrutiny(_ ctx: PageContext, _ m: ScrutinyShow) -> String {
        let content: [H] = [
            C.h1("Scrutiny panel, \(m.held)", caption: title),
            C.p(
                "\(m.rows.count) decisions drawn at random from those made from \(m.sampleFrom) to \(m.sampleTo). Findings recorded: \(m.done) of \(m.rows.count)."
            ),
            C.table(
                caption: nil, headers: ["Child", "Decided", "Decision", "Finding", ""],
                rows: m.rows.map { r in
                    [
                        txt(r.childName), txt(r.decided), txt(r.outcome), r.finding.map { txt($0) } ?? C.tag("To review", colour: "yellow"),
                        C.link(r.finding == nil ? "Review" : "Change", Paths.scrutinyDecision(m.id, r.decisionID))
                    ]
                }),
            el(.p, [.class: "body"], [C.link("Back to the panels", Paths.disposalPanels)])
        ]
        return Layout.page(title: "Scrutiny panel – \(title)", ctx, wide: true, content)
    }

    static func finding(_ ctx: PageContext, _ m: FindingForm) -> String {
        let (v, err) = (m.form.values, m.form.messages)
        let content: [H] = [
            C.errorSummary(m.form.errors), C.h1(m.childName, caption: "Scrutiny panel, \(m.scrutinyHeld)"),
            C.summaryList([
                ("Offence", txt(m.offence)),
                ("Panel date", txt(m.decided)),
                ("Screening summary", C.multiline(m.screening)),
                ("Decision", txt(m.outcome)),
                ("Rationale", C.multiline(m.rationale)),
                ("Conditions", C.value(m.conditions))
            ]),
            el(
                .form, [.method: "post", .action: Paths.scrutinyDecision(m.scrutinyID, m.decisionID), .novalidate: ""],
                [
                    Layout.csrfField(ctx.csrf),
                    C.radios(
                        "finding", legend: "Was the decision appropriate?",
                        options: ScrutinyFinding.allCases.map { ($0.rawValue, $0.label) },
                        selected: v["finding"], error: err("finding")),
                    C.textarea(
                        "learning", label: "Learning", value: v["learning"], error: err("learning"),
                        hint: "Needed unless the decision was appropriate without learning"),
                    C.button("Save the finding")
                ]),
            el(.p, [.class: "body"], [C.link("Back to the scrutiny panel", Paths.scrutinyPanel(m.scrutinyID))])
        ]
        return Layout.page(title: "Scrutiny finding – \(title)", ctx, hasErrors: m.form.hasErrors, content)
    }
}
