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
        let page = try req.pageNumber()
        let result = try await ReferralStore.queue(in: user.serviceIDs, page: page, on: req.db)
        try await Audit.recordViews(
            req, action: "view_worklist", children: Array(Set(result.rows.map(\.child_id))).map { (nil, $0) }, details: "referral queue")
        let calendar = try await ServiceRules.calendar(on: req.db)
        let today = req.today
        let rows: [[H]] = result.rows.map { r in
            let received = LocalDate(iso: r.received_on)
            let age = received.map { calendar.workingDays(from: $0, to: today) } ?? 0
            return [
                C.link("\(r.given_name) \(r.family_name)", Paths.referral(r.id)),
                txt(Show.date(r.received_on)),
                txt(Show.label(ReferralSource.self, r.source)),
                txt("\(age) working day\(age == 1 ? "" : "s")")
            ]
        }
        let totalPages = max(1, (result.total + ReferralStore.pageSize - 1) / ReferralStore.pageSize)
        return HTMLResponse.make(
            Layout.page(
                title: "Referral queue", PageContext(req), wide: true,
                [
                    C.h1("Referral queue"),
                    C.p(
                        "Referrals waiting for a screening decision, oldest first. Age is counted in working days (weekends and bank holidays are not counted)."
                    ),
                    result.rows.isEmpty
                        ? C.p("There are no referrals waiting for screening.")
                        : C.table(
                            caption: "\(result.total) waiting", headers: ["Child", "Received", "From", "Waiting"], rows: rows, numeric: [3]),
                    C.pagination(page: page, totalPages: totalPages) { Paths.with(Paths.referralQueue, [("page", String($0))]) }
                ]))
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
                .init(
                    referral: referral, child: child, deciderName: referral.decided_by.flatMap { names[$0] },
                    canScreen: user.can(.screenReferral, serviceID: referral.service_id), values: values, errors: [])))
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
                    .init(
                        referral: referral, child: child, deciderName: nil, canScreen: true,
                        values: values, errors: e.errors)), status: .unprocessableEntity)
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

enum ReferralViews {
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
    struct ReferralShow {
        let referral: ReferralRow
        let child: ChildRecord
        let deciderName: String?
        let canScreen: Bool
        let values: FormValues
        let errors: [FieldError]

        init(referral r: ReferralRow, child: ChildRecord, deciderName: String?, canScreen: Bool, values v: FormValues, errors: [FieldError])
        {
            self.referral = r
            self.child = child
            self.deciderName = deciderName
            self.canScreen = canScreen
            self.values = v
            self.errors = errors
        }
    }

    static func show(_ ctx: PageContext, _ m: ReferralShow) -> String {
        let (r, child, deciderName, canScreen, v, errors) = (m.referral, m.child, m.deciderName, m.canScreen, m.values, m.errors)
        let err = FieldMessages(errors)
        let decision = ScreeningDecision(rawValue: r.decision) ?? .pending
        var content: [H] = [
            C.errorSummary(errors),
            C.h1("Referral", caption: child.details.fullName),
            decision == .pending
                ? C.tag("Waiting for screening", colour: "yellow")
                : C.tag(decision.label, colour: decision == .accepted ? "green" : "blue"),
            C.summaryList([
                ("Child", C.link(child.details.fullName, Paths.child(child.id))),
                ("Received", txt(Show.date(r.received_on))),
                (
                    "From",
                    txt(
                        Show.label(ReferralSource.self, r.source)
                            + [r.referrer_name, r.referrer_organisation].compactMap { $0 }.map { ", " + $0 }.joined())
                ),
                ("Reasons and concerns", C.multiline(r.reasons)),
                ("Consent", txt(Show.label(Consent.self, r.consent))),
                ("Police reference", C.value(r.police_reference))
            ])
        ]
        if decision != .pending {
            var rows: [(key: String, value: H)] = [
                ("Decision", txt(decision.label)),
                ("Decided", txt(Show.date(r.decided_on) + (deciderName.map { " by \($0)" } ?? ""))),
                ("Reasons", C.multiline(r.decision_reasons))
            ]
            if let d = r.destination {
                rows.append(
                    ("Referred on to", txt(Show.label(ScreenOutDestination.self, d) + (r.destination_service.map { ": \($0)" } ?? ""))))
            }
            if let t = r.intervention_type {
                rows.append(
                    (
                        "Intervention",
                        r.intervention_id.map { C.link(Show.label(InterventionType.self, t), Paths.intervention($0)) }
                            ?? txt(Show.label(InterventionType.self, t))
                    ))
            }
            content.append(el(.h2, [.class: "heading-m"], "Screening decision"))
            content.append(C.summaryList(rows))
        } else if canScreen {
            content.append(el(.h2, [.class: "heading-m", .id: "screening"], "Screening decision"))
            content.append(
                el(
                    .form, [.method: "post", .action: Paths.screenReferral(r.id), .novalidate: ""],
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
            title: "Referral for \(child.details.fullName)", ctx, hasErrors: !errors.isEmpty,
            [
                el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])
            ])
    }
}
