import Fluent
import Vapor
import WaypointDomain

/// Referrals: record one for a child; the manager's queue; screening (gatekeeping).
struct ReferralsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.referralQueue, use: queue)
        routes.get(Paths.newReferral, use: new)
        routes.post(Paths.childReferrals, use: create)
        routes.get(Paths.referral, use: show)
        routes.post(Paths.screenReferral, use: screen)
    }

    @Sendable func queue(req: Request) async throws -> Response {
        let user = try req.authorize(.viewServiceWork)
        let model = try await ReferralQueueQuery.load(
            user, page: try req.pageNumber(), today: req.today, calendar: try await req.referenceData().calendar, on: req.db)
        try await Audit.recordViews(
            req, action: "view_worklist", children: Array(Set(model.referrals.map(\.childID))).map { (nil, $0) },
            details: "referral queue")
        return HTMLResponse.make(ReferralViews.queue(PageContext(req), model))
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user, .write)
        var v = todayValues("received", req.today)
        v["consent"] = ""
        return HTMLResponse.make(ReferralViews.form(PageContext(req), FormAboutChild(child, values: FormValues(v))))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let child = try await req.childInScope(user)
        let values = try formValues(req)
        switch ReferralForm.parse(values, today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                ReferralViews.form(PageContext(req), FormAboutChild(child, values: values, errors: e.errors)), status: .unprocessableEntity)
        case .success(let input):
            let id = try await CaseWork(req).recordReferral(input, for: child.id)
            return req.redirect(to: Paths.referral(id) + "?saved=created")
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.recordReferral)
        let (referral, child) = try await load(req, user)
        try await Audit.record(req, action: "view_referral", serviceID: child.serviceID, childID: child.id)
        let names = try await Workers.names([referral.decided_by].compactMap { $0 }, on: req.db)
        var values = FormValues(todayValues("decided", req.today))
        values.values["intervention_type"] = InterventionType.prevention.rawValue
        let notice: String? =
            req.query[String.self, at: "saved"] == "created"
            ? "Referral recorded" : (req.query[String.self, at: "saved"] == "screened" ? "Decision recorded" : nil)
        return HTMLResponse.make(
            ReferralViews.show(
                PageContext(req, notice: notice),
                ReferralShow(
                    referral, child: child, deciderName: referral.decided_by.flatMap { names[$0] },
                    canScreen: user.can(.screenReferral, serviceID: referral.service_id), form: FormState(values: values))))
    }

    @Sendable func screen(req: Request) async throws -> Response {
        let user = try req.authorize(.screenReferral)
        let (referral, child) = try await load(req, user)
        guard referral.decision == ScreeningDecision.pending.rawValue else {
            throw WaypointError.conflict("This referral has already been screened. Open it again to see the decision.")
        }
        let values = try formValues(req)
        switch ScreeningForm.parse(values, receivedOn: referral.receivedOn ?? req.today, today: req.today) {
        case .failure(let e):
            return HTMLResponse.make(
                ReferralViews.show(
                    PageContext(req),
                    ReferralShow(
                        referral, child: child, deciderName: nil, canScreen: true, form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let input):
            let interventionID = try await CaseWork(req).screen(referral.id, input)
            if let interventionID { return req.redirect(to: Paths.allocate(interventionID)) }
            return req.redirect(to: Paths.referral(referral.id) + "?saved=screened")
        }
    }

    private func load(_ req: Request, _ user: CurrentUser) async throws -> (ReferralRow, ChildRecord) {
        guard let referral = try await ReferralStore.find(try req.uuidParameter("referralID"), in: user.serviceIDs, on: req.db),
            let child = try await req.child(referral.child_id, user)
        else {
            throw WaypointError.notFound("This referral could not be found. It may be in a service you do not have access to.")
        }
        return (referral, child)
    }
}

/// One referral: whose, when and from whom, why, and the screening decision (or, while it waits,
/// the screening form when the reader may screen).
struct ReferralShow {
    struct Decision {
        let label: String
        let accepted: Bool
        /// The date, and who decided when known.
        let decided: String
        let reasons: String?
        /// Where a screened-out referral went, with the service's name when given.
        let referredOn: String?
        /// The work an accepted referral started.
        let intervention: (label: String, id: UUID?)?
    }
    let id: UUID
    let child: ChildRef
    let received: String
    /// The source, with the referrer's name and organisation when given.
    let from: String
    let reasons: String
    let consent: String
    let policeReference: String?
    /// Nil while the referral waits for screening.
    let decision: Decision?
    let canScreen: Bool
    var form: FormState

    init(_ r: ReferralRow, child: ChildRecord, deciderName: String?, canScreen: Bool, form: FormState) {
        id = r.id
        self.child = ChildRef(child)
        received = Show.date(r.received_on)
        from =
            Show.label(ReferralSource.self, r.source)
            + [r.referrer_name, r.referrer_organisation].compactMap { $0 }.map { ", " + $0 }.joined()
        reasons = r.reasons
        consent = Show.label(Consent.self, r.consent)
        policeReference = r.police_reference
        let status = ScreeningDecision(rawValue: r.decision) ?? .pending
        decision =
            status == .pending
            ? nil
            : Decision(
                label: status.label, accepted: status == .accepted,
                decided: Show.date(r.decided_on) + (deciderName.map { " by \($0)" } ?? ""), reasons: r.decision_reasons,
                referredOn: r.destination.map {
                    Show.label(ScreenOutDestination.self, $0) + (r.destination_service.map { ": \($0)" } ?? "")
                },
                intervention: r.intervention_type.map { (Show.label(InterventionType.self, $0), r.intervention_id) })
        self.canScreen = canScreen
        self.form = form
    }
}

/// The referrals waiting for screening in the user's services (a page of them), oldest first,
/// each with how long it has waited in working days.
struct ReferralQueue {
    struct Referral {
        let id: UUID
        let childID: UUID
        let childName: String
        let received: String
        let source: String
        let workingDaysWaiting: Int
    }
    var referrals: [Referral] = []
    var total = 0
    var page = 1
    var totalPages = 1
}

enum ReferralQueueQuery {
    static func load(_ user: CurrentUser, page: Int, today: LocalDate, calendar: WorkingDayCalendar, on db: Database) async throws
        -> ReferralQueue
    {
        let result = try await ReferralStore.queue(in: user.serviceIDs, page: page, on: db)
        var m = ReferralQueue()
        m.referrals = result.rows.map { r in
            .init(
                id: r.id, childID: r.child_id, childName: "\(r.given_name) \(r.family_name)", received: Show.date(r.received_on),
                source: Show.label(ReferralSource.self, r.source),
                workingDaysWaiting: LocalDate(iso: r.received_on).map { calendar.workingDays(from: $0, to: today) } ?? 0)
        }
        m.total = result.total
        m.page = page
        m.totalPages = max(1, (result.total + ReferralStore.pageSize - 1) / ReferralStore.pageSize)
        return m
    }
}

enum ReferralViews {
    static func queue(_ ctx: PageContext, _ m: ReferralQueue) -> String {
        Layout.page(
            title: "Referral queue", ctx, wide: true,
            [
                C.h1("Referral queue"),
                C.p(
                    "Referrals waiting for a screening decision, oldest first. Age is counted in working days (weekends and bank holidays are not counted)."
                ),
                m.referrals.isEmpty
                    ? C.p("There are no referrals waiting for screening.")
                    : C.table(
                        caption: "\(m.total) waiting", headers: ["Child", "Received", "From", "Waiting"],
                        rows: m.referrals.map { r in
                            [
                                C.link(r.childName, Paths.referral(r.id)), txt(r.received), txt(r.source),
                                txt("\(r.workingDaysWaiting) working day\(r.workingDaysWaiting == 1 ? "" : "s")")
                            ]
                        }, numeric: [3]),
                C.pagination(page: m.page, totalPages: m.totalPages) { Paths.with(Paths.referralQueue, [("page", String($0))]) }
            ])
    }

    static func form(_ ctx: PageContext, _ m: FormAboutChild) -> String {
        let (child, v, err) = (m.child, m.form.values, m.form.messages)
        return FormPage(
            title: "Record a referral", caption: child.name, errors: m.form.errors, action: Paths.childReferrals(child.id),
            submit: "Record referral", cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                C.radios(
                    "source", legend: "Who referred the child?", options: ReferralSource.options,
                    selected: v["source"], error: err("source")),
                C.textInput(
                    "referrer_name", label: "Referrer's name (optional)", value: v["referrer_name"],
                    error: err("referrer_name"), width: "input--width-20"),
                C.textInput(
                    "referrer_organisation", label: "Organisation or team (optional)",
                    value: v["referrer_organisation"], error: err("referrer_organisation"), width: "input--width-30"
                ),
                C.dateInput(
                    "received", legend: "Date received", values: v,
                    error: err.date("received")),
                C.textarea(
                    "reasons", label: "Reasons for the referral and any concerns", value: v["reasons"],
                    error: err("reasons"), rows: 6),
                C.radios(
                    "consent", legend: "Do the child and family consent?", options: Consent.options,
                    selected: v["consent"], error: err("consent"),
                    hint: "Prevention and Turnaround support is voluntary"),
                C.textInput(
                    "police_reference", label: "Police incident or crime reference (optional)",
                    value: v["police_reference"],
                    error: err("police_reference"), width: "input--width-20")
            ])
    }

    /// One referral, with its screening form when the reader may screen.
    static func show(_ ctx: PageContext, _ m: ReferralShow) -> String {
        let (v, err, errors) = (m.form.values, m.form.messages, m.form.errors)
        var content: [H] = [
            C.errorSummary(errors),
            C.h1("Referral", caption: m.child.name),
            m.decision.map { C.tag($0.label, colour: $0.accepted ? "green" : "blue") } ?? C.tag("Waiting for screening", colour: "yellow"),
            C.summaryList([
                ("Child", C.link(m.child.name, Paths.child(m.child.id))),
                ("Received", txt(m.received)),
                ("From", txt(m.from)),
                ("Reasons and concerns", C.multiline(m.reasons)),
                ("Consent", txt(m.consent)),
                ("Police reference", C.value(m.policeReference))
            ])
        ]
        if let d = m.decision {
            var rows: [(key: String, value: H)] = [
                ("Decision", txt(d.label)),
                ("Decided", txt(d.decided)),
                ("Reasons", C.multiline(d.reasons))
            ]
            if let on = d.referredOn { rows.append(("Referred on to", txt(on))) }
            if let i = d.intervention {
                rows.append(("Intervention", i.id.map { C.link(i.label, Paths.intervention($0)) } ?? txt(i.label)))
            }
            content.append(el(.h2, [.class: "heading-m"], "Screening decision"))
            content.append(C.summaryList(rows))
        } else if m.canScreen {
            content.append(el(.h2, [.class: "heading-m", .id: "screening"], "Screening decision"))
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.screenReferral(m.id), .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.radios(
                            "decision", legend: "Decision",
                            options: [
                                (ScreeningDecision.accepted.rawValue, "Accept to an intervention"),
                                (ScreeningDecision.screenedOut.rawValue, "Screen out to another service"),
                                (ScreeningDecision.noFurtherAction.rawValue, "No further action")
                            ], selected: v["decision"], error: err("decision")),
                        C.select(
                            "intervention_type", label: "If accepted: intervention", options: InterventionType.options,
                            selected: v["intervention_type"],
                            error: err("intervention_type"), blank: nil),
                        C.radios(
                            "destination", legend: "If screened out: referred on to", options: ScreenOutDestination.options,
                            selected: v["destination"],
                            error: err("destination")),
                        C.textInput(
                            "destination_service", label: "Name of the service (optional; needed for 'Another service')",
                            value: v["destination_service"],
                            error: err("destination_service"), hint: "For example, the family hub or the CAMHS team",
                            width: "input--width-30"),
                        C.dateInput(
                            "decided", legend: "Date of decision", values: v,
                            error: err.date("decided")),
                        C.textarea(
                            "decision_reasons", label: "Reasons for the decision", value: v["decision_reasons"],
                            error: err("decision_reasons")),
                        C.button("Record decision")
                    ]))
        } else {
            content.append(C.insetText([txt("A manager will screen this referral.")]))
        }
        return Layout.page(
            title: "Referral for \(m.child.name)", ctx, hasErrors: !errors.isEmpty,
            [
                el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])
            ])
    }
}
