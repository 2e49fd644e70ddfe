import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Admin: outcome codes, bank holidays, and each service's caseload cap, timescales and teams.
struct ReferenceDataController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.adminOutcomes, use: outcomes)
        routes.post(path: Paths.adminOutcomes, use: addOutcome)
        routes.get(Paths.adminOutcome, use: outcome)
        routes.post(Paths.adminOutcome, use: saveOutcome)
        routes.get(path: Paths.adminBankHolidays, use: holidays)
        routes.post(path: Paths.adminBankHolidays, use: addHoliday)
        routes.get(path: Paths.adminServices, use: services)
        routes.get(Paths.adminService, use: service)
        routes.post(Paths.adminService, use: saveService)
        routes.post(Paths.serviceTeams, use: addTeam)
    }

    // MARK: Outcome codes

    @Sendable func outcomes(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let notice =
            switch req.query[String.self, at: "saved"] {
            case "1": "Outcome code added";
            case "2": "Outcome code saved";
            default: String?.none
            }
        return HTMLResponse.make(
            RefViews.outcomes(
                PageContext(req, notice: notice), .init(try await ServiceRules.outcomeTypes(on: req.db), values: FormValues(), errors: [])))
    }

    @Sendable func addOutcome(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let existing = try await ServiceRules.outcomeTypes(on: req.db)
        let values = try formValues(req)
        switch OutcomeTypeForm.parse(values, existing: Set(existing.map(\.code))) {
        case .failure(let e):
            return HTMLResponse.make(
                RefViews.outcomes(PageContext(req), .init(existing, values: values, errors: e.errors)), status: .unprocessableEntity)
        case .success(let o):
            try await req.db.writeTransaction { db in
                try await db.sql.insert(into: "outcome_types")
                    .columns(
                        "code", "label", "tier", "counts_as_entry", "conviction", "custodial", "disposal_group", "retired", "sort_order"
                    )
                    .values(
                        SQLBind(o.code), SQLBind(o.label), SQLBind(o.tier), SQLBind(o.countsAsEntry), SQLBind(o.conviction),
                        SQLBind(o.custodial),
                        SQLBind(o.disposalGroup.rawValue), SQLBind(false), SQLBind(1000)
                    )
                    .run()
                try await Audit.record(req, on: db, action: "add_outcome_type", details: Self.describe(o))
            }
            return req.redirect(to: Paths.adminOutcomes + "?saved=1")
        }
    }

    static func describe(_ o: OutcomeType) -> String {
        "\(o.code) entry=\(o.countsAsEntry) conviction=\(o.conviction) custodial=\(o.custodial) group=\(o.disposalGroup.rawValue) retired=\(o.retired)"
    }

    private func existingOutcome(_ req: Request) async throws -> (OutcomeType, [OutcomeType]) {
        let all = try await ServiceRules.outcomeTypes(on: req.db)
        guard let code = req.parameters.get("code"), let o = all.first(where: { $0.code == code }) else {
            throw WaypointError.notFound("There is no such outcome code. Choose one from the list of outcome codes.")
        }
        return (o, all)
    }

    /// An outcome code's attributes, to correct them or retire the code.
    @Sendable func outcome(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let (o, _) = try await existingOutcome(req)
        return HTMLResponse.make(RefViews.outcome(PageContext(req), .init(o, values: RefViews.values(o), errors: [])))
    }

    @Sendable func saveOutcome(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let (old, all) = try await existingOutcome(req)
        let values = try formValues(req)
        switch OutcomeTypeForm.parse(values, existing: Set(all.map(\.code)), editing: old.code) {
        case .failure(let e):
            return HTMLResponse.make(
                RefViews.outcome(PageContext(req), .init(old, values: values, errors: e.errors)), status: .unprocessableEntity)
        case .success(let o):
            try await req.db.writeTransaction { db in
                try await db.sql.update("outcome_types")
                    .set("label", to: SQLBind(o.label)).set("tier", to: SQLBind(o.tier)).set(
                        "counts_as_entry", to: SQLBind(o.countsAsEntry)
                    )
                    .set("conviction", to: SQLBind(o.conviction)).set("custodial", to: SQLBind(o.custodial))
                    .set("disposal_group", to: SQLBind(o.disposalGroup.rawValue)).set("retired", to: SQLBind(o.retired))
                    .where("code", .equal, SQLBind(o.code)).run()
                try await Audit.record(
                    req, on: db, action: "edit_outcome_type", details: "was \(Self.describe(old)); now \(Self.describe(o))")
            }
            return req.redirect(to: Paths.adminOutcomes + "?saved=2")
        }
    }

    // MARK: Bank holidays

    struct HolidayRow: Decodable { let date: String; let title: String }

    @Sendable func holidays(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let rows = try await req.db.sql.select().columns("date", "title").from("bank_holidays").orderBy("date", .descending).all(
            decoding: HolidayRow.self)
        let notice = req.query[String.self, at: "saved"] == "1" ? "Bank holiday added" : nil
        return HTMLResponse.make(
            RefViews.holidays(PageContext(req, notice: notice), .init(rows, values: FormValues(), errors: [], page: try req.pageNumber())))
    }

    @Sendable func addHoliday(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let rows = try await req.db.sql.select().columns("date", "title").from("bank_holidays").orderBy("date", .descending).all(
            decoding: HolidayRow.self)
        let values = try formValues(req)
        var e = FormErrors()
        let date = Parse.date(values, "holiday", label: "Date", required: true, today: req.today, errors: &e)
        let title = Parse.text(values, "title", label: "Name", required: "Enter the name of the bank holiday", max: 100, errors: &e)
        if let date, date.isWeekend {
            e.add("holiday-day", "\(date.longFormat) is a weekend: enter the substitute weekday that is the bank holiday")
        }
        if let date, rows.contains(where: { $0.date == date.iso }) { e.add("holiday-day", "\(date.longFormat) is already a bank holiday") }
        guard e.isEmpty, let date, let title else {
            return HTMLResponse.make(
                RefViews.holidays(PageContext(req), .init(rows, values: values, errors: e.errors, page: 1)), status: .unprocessableEntity)
        }
        try await req.db.writeTransaction { db in
            try await db.sql.insert(into: "bank_holidays").columns("date", "title").values(SQLBind(date.iso), SQLBind(title)).run()
            try await Audit.record(req, on: db, action: "add_bank_holiday", details: "\(date.iso) \(title)")
        }
        return req.redirect(to: Paths.adminBankHolidays + "?saved=1")
    }

    // MARK: Services

    @Sendable func services(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let all = try await Service.query(on: req.db).sort(\.$name).all()
        return HTMLResponse.make(
            RefViews.services(PageContext(req), all.map { RefViews.ServiceRow(option: ServiceOption($0), caseloadCap: $0.caseloadCap) }))
    }

    private func loadService(_ req: Request) async throws -> Service {
        guard let s = try await Service.find(try req.uuidParameter("serviceID"), on: req.db) else {
            throw WaypointError.notFound("That service could not be found.")
        }
        return s
    }

    private func teams(_ serviceID: UUID, _ req: Request) async throws -> [String] {
        struct Row: Decodable { let name: String }
        return try await req.db.sql.select().column("name").from("teams").where("service_id", .equal, SQLBind(serviceID)).orderBy("name")
            .all(decoding: Row.self).map(\.name)
    }

    static func values(_ t: Timescales) -> FormValues {
        var v = [
            "caseload_cap": String(t.caseloadCap), "assessment_working_days": String(t.assessmentWorkingDays),
            "initial_panel_working_days": String(t.initialPanelWorkingDays), "review_months": String(t.reviewMonths)
        ]
        for (type, days) in t.assessmentWorkingDaysByType { v["assessment_\(type.rawValue)"] = String(days) }
        for (type, months) in t.reviewMonthsByType { v["review_\(type.rawValue)"] = String(months) }
        return FormValues(v)
    }

    @Sendable func service(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let s = try await loadService(req)
        let t = try await ServiceRules.timescales(for: s.id!, on: req.db)
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "settings": "Settings saved";
            case "team": "Team added";
            default: nil
            }
        return HTMLResponse.make(
            RefViews.service(
                PageContext(req, notice: notice), .init(s, teams: try await teams(s.id!, req), values: Self.values(t), errors: [])))
    }

    @Sendable func saveService(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let s = try await loadService(req)
        let v = try formValues(req)
        var e = FormErrors()
        let cap = Parse.int(v, "caseload_cap", label: "Caseload cap", range: 1...200, required: true, errors: &e)
        let days = Parse.int(
            v, "assessment_working_days", label: "Assessment and plan working days", range: 1...60, required: true, errors: &e)
        let panel = Parse.int(
            v, "initial_panel_working_days", label: "Initial panel working days", range: 1...60, required: true, errors: &e)
        let review = Parse.int(v, "review_months", label: "Review months", range: 1...12, required: true, errors: &e)
        var byType: [InterventionType: Int] = [:]
        var reviewByType: [InterventionType: Int] = [:]
        for type in InterventionType.allCases {
            if let n = Parse.int(
                v, "assessment_\(type.rawValue)", label: "\(type.label) working days", range: 1...60, required: false, errors: &e)
            {
                byType[type] = n
            }
            if let n = Parse.int(
                v, "review_\(type.rawValue)", label: "\(type.label) review months", range: 1...12, required: false, errors: &e)
            {
                reviewByType[type] = n
            }
        }
        guard e.isEmpty, let cap, let days, let panel, let review else {
            return HTMLResponse.make(
                RefViews.service(PageContext(req), .init(s, teams: try await teams(s.id!, req), values: v, errors: e.errors)),
                status: .unprocessableEntity)
        }
        let overrides = byType
        let reviewOverrides = reviewByType
        try await req.db.writeTransaction { db in
            s.caseloadCap = cap
            try await s.save(on: db)
            try await db.sql.delete(from: "timescale_settings").where("service_id", .equal, SQLBind(s.id!)).run()
            var settings: [(String, String, Int)] = [
                ("assessment_working_days", "", days), ("initial_panel_working_days", "", panel), ("review_months", "", review)
            ]
            settings += overrides.map { ("assessment_working_days", $0.key.rawValue, $0.value) }
            settings += reviewOverrides.map { ("review_months", $0.key.rawValue, $0.value) }
            for (setting, type, value) in settings {
                try await db.sql.insert(into: "timescale_settings").columns("id", "service_id", "setting", "intervention_type", "value")
                    .values(SQLBind(UUID()), SQLBind(s.id!), SQLBind(setting), SQLBind(type), SQLBind(value)).run()
            }
            try await Audit.record(
                req, on: db, action: "update_service_settings", serviceID: s.id,
                details: "cap \(cap), assessment \(days) working days, panel \(panel), review \(review) months")
        }
        return req.redirect(to: Paths.adminService(s.id!) + "?saved=settings")
    }

    @Sendable func addTeam(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        let s = try await loadService(req)
        let v = try formValues(req)
        var e = FormErrors()
        let existing = try await teams(s.id!, req)
        let name = Parse.text(v, "team_name", label: "Team name", required: "Enter the team's name", max: 100, errors: &e)
        if let name, existing.contains(where: { $0.lowercased() == name.lowercased() }) {
            e.add("team_name", "This service already has a team called \(name)")
        }
        guard e.isEmpty, let name else {
            let t = try await ServiceRules.timescales(for: s.id!, on: req.db)
            var values = Self.values(t)
            values.values["team_name"] = v["team_name"]
            return HTMLResponse.make(
                RefViews.service(PageContext(req), .init(s, teams: existing, values: values, errors: e.errors)),
                status: .unprocessableEntity)
        }
        try await req.db.writeTransaction { db in
            try await db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                SQLBind(UUID()), SQLBind(s.id!), SQLBind(name)
            ).run()
            try await Audit.record(req, on: db, action: "add_team", serviceID: s.id, details: name)
        }
        return req.redirect(to: Paths.adminService(s.id!) + "?saved=team")
    }
}

enum RefViews {
    /// A service in the list of services, with its caseload cap.
    struct ServiceRow {
        let option: ServiceOption
        let caseloadCap: Int
    }

    static func services(_ ctx: PageContext, _ services: [ServiceRow]) -> String {
        Layout.page(
            title: "Services", ctx,
            [
                C.h1("Services"),
                C.p("Each service's caseload cap, timescales and teams."),
                services.isEmpty
                    ? C.p("There are no services yet.")
                    : C.table(
                        caption: nil, headers: ["Service", "Code", "Caseload cap"],
                        rows: services.map { s in
                            [C.link(s.option.name, Paths.adminService(s.option.id)), txt(s.option.code), txt(String(s.caseloadCap))]
                        }, numeric: [2]),
                el(
                    .ul, [.class: "action-list"],
                    [
                        el(.li, [:], [C.link("Outcome codes", Paths.adminOutcomes)]),
                        el(.li, [:], [C.link("Bank holidays", Paths.adminBankHolidays)])
                    ])
            ])
    }

    static let groups: [(code: String, label: String)] = OutcomeType.DisposalGroup.allCases.map { ($0.rawValue, $0.label) }

    /// A code's attributes as its form's values.
    static func values(_ o: OutcomeType) -> FormValues {
        func yn(_ b: Bool) -> String { b ? "yes" : "no" }
        return FormValues([
            "label": o.label, "tier": o.tier, "counts_as_entry": yn(o.countsAsEntry), "conviction": yn(o.conviction),
            "custodial": yn(o.custodial),
            "disposal_group": o.disposalGroup.rawValue, "retired": yn(o.retired)
        ])
    }

    /// The fields of a code's attributes, the same when adding and correcting one.
    static func attributeFields(_ v: FormValues, _ errors: [FieldError]) -> [H] {
        let err = FieldMessages(errors)
        let yn: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No")]
        return [
            C.textInput("label", label: "Name", value: v["label"], error: err("label"), width: "input--width-30"),
            C.select("tier", label: "Tier", options: OutcomeType.tiers, selected: v["tier"], error: err("tier")),
            C.radios(
                "counts_as_entry", legend: "Does it count as an entry to the justice system (first time entrants)?", options: yn,
                selected: v["counts_as_entry"],
                error: err("counts_as_entry"), inline: true),
            C.radios(
                "conviction", legend: "Is it a conviction?", options: yn, selected: v["conviction"], error: err("conviction"), inline: true),
            C.radios("custodial", legend: "Is it custodial?", options: yn, selected: v["custodial"], error: err("custodial"), inline: true),
            C.radios(
                "disposal_group", legend: "Disposal group (first time entrants are broken down by it)", options: groups,
                selected: v["disposal_group"],
                error: err("disposal_group"),
                hint: "Custodial outcomes are convictions, convictions count as entries and are in the court group.")
        ]
    }

    /// Correcting a code: its attributes change how every past record with it is reported.
    /// One outcome code's edit form.
    struct OutcomeEdit {
        let o: OutcomeType
        let values: FormValues
        let errors: [FieldError]

        init(_ o: OutcomeType, values v: FormValues, errors: [FieldError]) {
            self.o = o
            self.values = v
            self.errors = errors
        }
    }

    static func outcome(_ ctx: PageContext, _ m: OutcomeEdit) -> String {
        let (o, v, errors) = (m.o, m.values, m.errors)
        let err = FieldMessages(errors)
        let yn: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No")]
        return Layout.page(
            title: "Outcome code \(o.code)", ctx, hasErrors: !errors.isEmpty,
            [
                C.errorSummary(errors),
                el(.p, [.class: "body"], [C.link("Back to outcome codes", Paths.adminOutcomes)]),
                C.h1("Outcome code \(o.code)"),
                C.p(
                    "A correction changes how every record with this code is counted, in every period: reports saved as submitted keep their figures. A retired code is no longer offered for new offences; past records keep it."
                ),
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                el(
                                    .form, [.method: "post", .action: Paths.adminOutcome(o.code), .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        group(attributeFields(v, errors)),
                                        C.radios(
                                            "retired", legend: "Is the code retired?", options: yn, selected: v["retired"],
                                            error: err("retired"), inline: true),
                                        C.button("Save outcome code")
                                    ])
                            ])
                    ])
            ])
    }

    /// The outcome codes, and the add-a-code form.
    struct OutcomeIndex {
        let list: [OutcomeType]
        let values: FormValues
        let errors: [FieldError]

        init(_ list: [OutcomeType], values v: FormValues, errors: [FieldError]) {
            self.list = list
            self.values = v
            self.errors = errors
        }
    }

    static func outcomes(_ ctx: PageContext, _ m: OutcomeIndex) -> String {
        let (list, v, errors) = (m.list, m.values, m.errors)
        let err = FieldMessages(errors)
        func yes(_ b: Bool) -> H { b ? C.tag("Yes", colour: "green") : txt("No") }
        return Layout.page(
            title: "Outcome codes", ctx, hasErrors: !errors.isEmpty, wide: true,
            [
                C.errorSummary(errors),
                C.h1("Outcome codes"),
                C.p("Reports count outcomes by these attributes, never by a list of codes: a new national code only needs adding here."),
                C.table(
                    caption: "\(list.count) codes",
                    headers: ["Code", "Name", "Tier", "Counts as an entry (FTE)", "Conviction", "Custodial", "Disposal group", "Status"],
                    rows: list.map { o in
                        [
                            C.link(o.code, Paths.adminOutcome(o.code)), txt(o.label),
                            txt(OutcomeType.tiers.first { $0.code == o.tier }?.label ?? o.tier), yes(o.countsAsEntry), yes(o.conviction),
                            yes(o.custodial), txt(o.disposalGroup.label), o.retired ? C.tag("Retired", colour: "grey") : txt("In use")
                        ]
                    }),
                el(.h2, [.class: "heading-m", .id: "add"], "Add an outcome code"),
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                el(
                                    .form, [.method: "post", .action: Paths.adminOutcomes, .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        C.textInput(
                                            "code", label: "Code", value: v["code"], error: err("code"),
                                            hint: "Lower case with underscores, like youth_diversion_order", width: "input--width-20"),
                                        group(attributeFields(v, errors)),
                                        C.button("Add outcome code")
                                    ])
                            ])
                    ])
            ])
    }

    /// A page of bank holidays, and the add-a-holiday form.
    struct HolidayIndex {
        let rows: [ReferenceDataController.HolidayRow]
        let values: FormValues
        let errors: [FieldError]
        let page: Int

        init(_ rows: [ReferenceDataController.HolidayRow], values v: FormValues, errors: [FieldError], page: Int) {
            self.rows = rows
            self.values = v
            self.errors = errors
            self.page = page
        }
    }

    static func holidays(_ ctx: PageContext, _ m: HolidayIndex) -> String {
        let (rows, v, errors, page) = (m.rows, m.values, m.errors, m.page)
        let err = FieldMessages(errors)
        let (slice, pages) = WorklistViews.paged(rows, page: page)
        return Layout.page(
            title: "Bank holidays", ctx, hasErrors: !errors.isEmpty,
            [
                C.errorSummary(errors),
                C.h1("Bank holidays"),
                C.p(
                    "England and Wales bank holidays. Working-day deadlines skip weekends and these dates. The list ships with 2018 to 2028; add later years from GOV.UK."
                ),
                el(.h2, [.class: "heading-m"], "Add a bank holiday"),
                el(
                    .form, [.method: "post", .action: Paths.adminBankHolidays, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.dateInput(
                            "holiday", legend: "Date", values: v, error: err.date("holiday")),
                        C.textInput(
                            "title", label: "Name", value: v["title"], error: err("title"),
                            hint: "For example, Christmas Day (substitute day)", width: "input--width-30"),
                        C.button("Add bank holiday")
                    ]),
                C.table(
                    caption: "\(rows.count) bank holidays", headers: ["Date", "Name"],
                    rows: slice.map { [txt(Show.date($0.date)), txt($0.title)] }),
                C.pagination(page: page, totalPages: pages) { Paths.with(Paths.adminBankHolidays, [("page", String($0))]) }
            ])
    }

    /// One service's settings: its teams, and its form.
    struct ServiceEdit {
        let service: ServiceOption
        let teams: [String]
        let values: FormValues
        let errors: [FieldError]

        init(_ s: Service, teams: [String], values v: FormValues, errors: [FieldError]) {
            self.service = ServiceOption(s)
            self.teams = teams
            self.values = v
            self.errors = errors
        }
    }

    static func service(_ ctx: PageContext, _ m: ServiceEdit) -> String {
        let (s, teams, v, errors) = (m.service, m.teams, m.values, m.errors)
        let err = FieldMessages(errors)
        return Layout.page(
            title: s.name, ctx, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors),
                                C.h1(s.name, caption: "Service \(s.code)"),
                                el(
                                    .form, [.method: "post", .action: Paths.adminService(s.id), .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        C.textInput(
                                            "caseload_cap", label: "Caseload cap (children per worker)", value: v["caseload_cap"],
                                            error: err("caseload_cap"),
                                            hint: "Allocating past it warns and needs confirming. Default 25.", width: "input--width-4"),
                                        C.textInput(
                                            "assessment_working_days", label: "Assessment and plan due (working days after allocation)",
                                            value: v["assessment_working_days"],
                                            error: err("assessment_working_days"), hint: "Default 10", width: "input--width-4"),
                                        el(
                                            .details, [.class: "details"],
                                            [
                                                el(.summary, [:], "Different assessment timescales for some intervention types"),
                                                group(
                                                    InterventionType.allCases.map { t in
                                                        C.textInput(
                                                            "assessment_\(t.rawValue)", label: "\(t.label) (working days, optional)",
                                                            value: v["assessment_\(t.rawValue)"],
                                                            error: err("assessment_\(t.rawValue)"), width: "input--width-4")
                                                    })
                                            ]),
                                        C.textInput(
                                            "initial_panel_working_days",
                                            label: "Referral order initial panel (working days after the order)",
                                            value: v["initial_panel_working_days"],
                                            error: err("initial_panel_working_days"), hint: "Default 20", width: "input--width-4"),
                                        C.textInput(
                                            "review_months", label: "Plan review (every so many months)", value: v["review_months"],
                                            error: err("review_months"),
                                            hint: "Default 3", width: "input--width-4"),
                                        el(
                                            .details, [.class: "details"],
                                            [
                                                el(.summary, [:], "Different review intervals for some intervention types"),
                                                group(
                                                    InterventionType.allCases.map { t in
                                                        C.textInput(
                                                            "review_\(t.rawValue)", label: "\(t.label) (months, optional)",
                                                            value: v["review_\(t.rawValue)"],
                                                            error: err("review_\(t.rawValue)"), width: "input--width-4")
                                                    })
                                            ]),
                                        C.button("Save settings")
                                    ]),
                                el(.h2, [.class: "heading-m"], "Teams"),
                                teams.isEmpty
                                    ? C.p("No teams yet.") : el(.ul, [.class: "list list--bullet"], teams.map { el(.li, [:], $0) }),
                                el(
                                    .form, [.method: "post", .action: Paths.serviceTeams(s.id), .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        C.textInput(
                                            "team_name", label: "New team name", value: v["team_name"], error: err("team_name"),
                                            width: "input--width-20"),
                                        C.button("Add team", secondary: true)
                                    ])
                            ])
                    ])
            ])
    }
}
