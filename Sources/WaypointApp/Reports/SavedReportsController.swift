import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Reports saved as submitted (to the board or the YJB), and each beside today's run of the same
/// report: every figure that changed since, and the children who came into it or left it.
struct SavedReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.savedReports, use: index)
        routes.get(Paths.savedReport, use: show)
        routes.post(Paths.saveReport, use: save)
    }

    /// A saved report's heading: what, for when and where, and who saved it.
    struct Saved: Decodable {
        let id: UUID
        let report: String
        let fromOn: String
        let toOn: String
        /// The service codes, separated by spaces.
        let services: String
        let team: String?
        let label: String
        let savedBy: String
        let savedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, report, services, team, label
            case fromOn = "from_on", toOn = "to_on", savedBy = "saved_by_name", savedAt = "saved_at"
        }

        var period: ReportPeriod? {
            LocalDate(iso: fromOn).flatMap { f in LocalDate(iso: toOn).flatMap { ReportPeriod(from: f, to: $0) } }
        }
        var serviceCodes: [String] { services.split(separator: " ").map(String.init) }
    }

    static let columns = ["id", "report", "from_on", "to_on", "services", "team", "label", "saved_by_name", "saved_at"]

    /// Saved reports of the user's services only: every service a saved report covers must be one of theirs.
    static func visible(_ rows: [Saved], _ user: CurrentUser, on db: Database) async throws -> [Saved] {
        let mine = Set(try await Service.query(on: db).all().filter { user.serviceIDs.contains($0.id!) }.map(\.code))
        return rows.filter { !$0.serviceCodes.isEmpty && Set($0.serviceCodes).isSubset(of: mine) }
    }

    @Sendable func index(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReportChildren)
        let rows = try await req.db.sql.select().columns(Self.columns).from("saved_reports").orderBy("saved_at", .descending).all(
            decoding: Saved.self)
        let list = try await Self.visible(rows, user, on: req.db)
        let notice = req.query[String.self, at: "saved"] == "1" ? "Report saved as submitted" : nil
        return HTMLResponse.make(SavedReportViews.index(PageContext(req, notice: notice), .init(list, page: try req.pageNumber())))
    }

    /// Saves the report for the period, services and team of the page, as submitted.
    @Sendable func save(req: Request) async throws -> Response {
        let user = try req.authorize(.saveReport)
        guard let d = req.parameters.get("report").flatMap(ReportCatalogue.named) else {
            throw WaypointError.notFound("There is no such report. Choose one from the list of reports.")
        }
        let values = try formValues(req)
        var errors = FormErrors()
        let from = DateInput.parse(values, prefix: "from", label: "Start date", today: req.today, errors: &errors)
        let to = DateInput.parse(values, prefix: "to", label: "End date", today: req.today, errors: &errors)
        let label = Parse.text(
            values, "label", label: "Name", required: "Enter a name for the saved report, like 'Q2 return to the YJB'", max: 200,
            errors: &errors)
        let services = try await Service.query(on: req.db).sort(\.$code).all().filter { user.serviceIDs.contains($0.id!) }
        var codes = services.map(\.code)
        if let s = values.trimmed("service") {
            if codes.contains(s) { codes = [s] } else { errors.add("service", "Select one of your services") }
        }
        let team = values.trimmed("team")
        var period: ReportPeriod?
        if let from, let to {
            period = ReportPeriod(from: from, to: to)
            if period == nil { errors.add("to-day", "The end date must be the same as or after the start date") }
        }
        if codes.isEmpty { errors.add("service", "You are not in any service, so there is nothing to save") }
        guard errors.isEmpty, let period, let label else {
            throw WaypointError.badRequest("The report was not saved: " + errors.errors.map(\.message).joined(separator: ". ") + ".")
        }
        let output: ReportRunner.Output
        do {
            output = try await ReportRunner.run(
                d.name, period: period, serviceCodes: codes, team: team, today: req.today, on: req.db, alongside: req.reportCompanion)
        } catch let f as ReportRunner.Failure {
            throw WaypointError.badRequest("The report was not saved: \(f.description).")
        }
        let figures = SavedFigures(
            rows: output.rows, notes: output.notes,
            children: output.children.mapValues { SavedFigures.Child(label: $0.label, service: $0.service) })
        let text = String(decoding: try figures.encoded(), as: UTF8.self)
        let id = UUID()
        let runCodes = codes
        let now = req.now
        try await req.db.writeTransaction { db in
            try await db.sql.insert(into: "saved_reports").columns(
                "id", "report", "from_on", "to_on", "services", "team", "label", "saved_by", "saved_by_name", "saved_at", "figures"
            )
            .values(
                SQLBind(id), SQLBind(d.name), SQLBind(period.from.iso), SQLBind(period.to.iso), SQLBind(runCodes.joined(separator: " ")),
                SQLBind(team),
                SQLBind(label), SQLBind(user.id), SQLBind(user.name), SQLBind(now), SQLBind(text)
            )
            .run()
            try await Audit.record(
                req, on: db, action: "save_report",
                details:
                    "\(d.name) \(period.from.iso)–\(period.to.iso) \(runCodes.joined(separator: " "))\(team.map { " team \($0)" } ?? ""): \(label)"
            )
        }
        return req.redirect(to: Paths.savedReport(id))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReportChildren)
        guard let id = req.parameters.get("savedID").flatMap(UUID.init(uuidString:)),
            let saved = try await req.db.sql.select().columns(Self.columns).from("saved_reports").where("id", .equal, SQLBind(id)).first(
                decoding: Saved.self),
            try await !Self.visible([saved], user, on: req.db).isEmpty,
            let d = ReportCatalogue.named(saved.report), let period = saved.period
        else {
            throw WaypointError.notFound("There is no such saved report, or it covers a service you do not work in.")
        }
        let model = try await SavedReportQuery.load(saved, d, period, today: req.today, on: req.db, alongside: req.reportCompanion)
        // Every child the comparison names is a look at that child: on their record.
        if !model.named.isEmpty {
            try await Audit.recordViews(
                req, action: "view_saved_report_children", children: model.named.compactMap(UUID.init(uuidString:)).map { (nil, $0) },
                details: "saved report \(saved.id.uuidString): \(d.name) \(period.from.iso)–\(period.to.iso)")
        }
        if req.query[String.self, at: "format"] == "csv" {
            return Download.csv(
                SavedReportQuery.csv(model), name: "\(d.name)-\(period.from.iso)-to-\(period.to.iso)-as-submitted.csv")
        }
        return HTMLResponse.make(SavedReportViews.show(PageContext(req), model))
    }
}

/// A saved report beside today's run of it: its figures as submitted, today's (nil when none of
/// its services exists any more), what changed, and how to name each child who came in or left.
struct SavedReportShow {
    let saved: SavedReportsController.Saved
    let definition: ReportDefinition
    let figures: SavedFigures
    let today: ReportRunner.Output?
    let comparison: ReportComparison
    /// The children the comparison names, by report key.
    let named: [String]
    /// How to name each of them: "label (service)", with the service that holds them now when a
    /// split, merge or transfer has moved them since.
    let names: [String: String]

    func who(_ key: String) -> String { names[key] ?? key }
}

enum SavedReportQuery {
    /// A saved report beside today's run of it. `alongside`: as for `ReportRunner.run`, the second
    /// connection today's run reads on.
    static func load(
        _ saved: SavedReportsController.Saved, _ d: ReportDefinition, _ period: ReportPeriod, today date: LocalDate, on db: Database,
        alongside other: Database? = nil
    ) async throws -> SavedReportShow {
        struct F: Decodable { let figures: String }
        let stored = try await db.sql.select().column("figures").from("saved_reports").where("id", .equal, SQLBind(saved.id)).first(
            decoding: F.self)
        let figures = try SavedFigures.decoded(Data((stored?.figures ?? "").utf8))
        // Today's run of the same report over the same services (those still existing) and team.
        let known = Set(try await Service.query(on: db).all().map(\.code))
        let codes = saved.serviceCodes.filter { known.contains($0) }
        var today: ReportRunner.Output?
        if !codes.isEmpty {
            today = try? await ReportRunner.run(
                d.name, period: period, serviceCodes: codes, team: saved.team, today: date, on: db, alongside: other)
        }
        let comparison = ReportComparison(saved: figures.reportRows, now: today?.rows ?? [])
        var named = Set<String>()
        for c in comparison.changes { named.formUnion(c.cameIn); named.formUnion(c.left) }
        // Where each named child is held now (a split, merge or transfer since may have moved them).
        struct Held: Decodable { let id: UUID; let code: String }
        var heldNow: [String: String] = [:]
        for chunk in named.compactMap(UUID.init(uuidString:)).chunked() {
            for h in try await db.sql.select().column(SQLColumn("id", table: "children")).column(SQLColumn("code", table: "services"))
                .from("children").join(
                    "services", on: SQLColumn("id", table: "services"), .equal, SQLColumn("service_id", table: "children")
                )
                .where(SQLColumn("id", table: "children"), .in, SQLBind.group(chunk)).all(decoding: Held.self)
            {
                heldNow[h.id.uuidString.lowercased()] = h.code
            }
        }
        var names: [String: String] = [:]
        for key in named {
            guard let c = figures.children[key] ?? today?.children[key].map({ SavedFigures.Child(label: $0.label, service: $0.service) })
            else { continue }
            if let now = heldNow[key], now != c.service {
                names[key] = "\(c.label) (\(c.service), now \(now))"
            } else {
                names[key] = "\(c.label) (\(c.service))"
            }
        }
        return SavedReportShow(
            saved: saved, definition: d, figures: figures, today: today, comparison: comparison, named: named.sorted(), names: names)
    }

    /// The comparison as CSV: each figure as submitted and today, with the children in and out.
    static func csv(_ m: SavedReportShow) -> Data {
        let now = Dictionary(
            (m.today?.rows ?? []).map { ("\($0.measure)|\($0.breakdown)|\($0.group)", $0) }, uniquingKeysWith: { a, _ in a })
        let changed = Dictionary(
            m.comparison.changes.map { ("\($0.measure)|\($0.breakdown)|\($0.group)", $0) }, uniquingKeysWith: { a, _ in a })
        var rows = m.figures.reportRows.map { r -> [String] in
            let k = "\(r.measure)|\(r.breakdown)|\(r.group)"
            let c = changed[k]
            return [
                r.measure, r.breakdown, r.group, r.formatted, now[k]?.formatted ?? "",
                c.map { $0.cameIn.map(m.who).joined(separator: "; ") } ?? "",
                c.map { $0.left.map(m.who).joined(separator: "; ") } ?? ""
            ]
        }
        let savedKeys = Set(m.figures.reportRows.map { "\($0.measure)|\($0.breakdown)|\($0.group)" })
        for r in m.today?.rows ?? [] where !savedKeys.contains("\(r.measure)|\(r.breakdown)|\(r.group)") {
            let c = changed["\(r.measure)|\(r.breakdown)|\(r.group)"]
            rows.append([r.measure, r.breakdown, r.group, "", r.formatted, c.map { $0.cameIn.map(m.who).joined(separator: "; ") } ?? "", ""]
            )
        }
        return CSV.write(header: ["measure", "breakdown", "group", "as_submitted", "today", "children_in", "children_out"], rows: rows)
    }
}

enum SavedReportViews {
    /// A page of saved reports.
    struct SavedReportIndex {
        let list: [SavedReportsController.Saved]
        let page: Int

        init(_ list: [SavedReportsController.Saved], page: Int) {
            self.list = list
            self.page = page
        }
    }

    static func index(_ ctx: PageContext, _ m: SavedReportIndex) -> String {
        let (list, page) = (m.list, m.page)
        let (slice, pages) = WorklistViews.paged(list, page: page)
        return Layout.page(
            title: "Saved reports", ctx, wide: true,
            [
                C.h1("Saved reports", caption: "Reports"),
                C.p(
                    "Reports saved as submitted to the board or the Youth Justice Board. Each keeps its figures and the children behind them as they were, and shows what has changed since."
                ),
                list.isEmpty
                    ? C.insetText([
                        txt("No report has been saved yet. A manager can save any report from its page, with the period and service shown.")
                    ])
                    : C.table(
                        caption: "\(list.count) saved reports", headers: ["Name", "Report", "Period", "Services", "Saved by", "Saved"],
                        rows: slice.map { s in
                            [
                                C.link(s.label, Paths.savedReport(s.id)), txt(ReportCatalogue.named(s.report)?.title ?? s.report),
                                txt("\(Show.date(s.fromOn)) to \(Show.date(s.toOn))"),
                                txt(s.services + (s.team.map { " — \($0)" } ?? "")), txt(s.savedBy),
                                txt(DateFormatting.londonDateTime(s.savedAt))
                            ]
                        }),
                C.pagination(page: page, totalPages: pages) { "\(Paths.savedReports)?page=\($0)" }
            ])
    }

    /// A saved report beside today's run of it.
    static func show(_ ctx: PageContext, _ m: SavedReportShow) -> String {
        let (s, d, figures, comparison, todayRan, who) = (m.saved, m.definition, m.figures, m.comparison, m.today != nil, m.who)
        var content: [H] = [
            C.h1(s.label, caption: "Saved report"),
            C.summaryList([
                ("Report", txt(d.title)),
                ("Period", txt("\(Show.date(s.fromOn)) to \(Show.date(s.toOn))")),
                ("Services", txt(s.services)),
                ("Team", txt(s.team ?? "All teams")),
                ("Saved by", txt("\(s.savedBy), \(DateFormatting.londonDateTime(s.savedAt))"))
            ]),
            el(.h2, [.class: "heading-m"], "As submitted"),
            C.table(
                caption: nil, headers: ["Measure", "As submitted"],
                rows: figures.reportRows.filter { $0.breakdown == "all" }.map { r in
                    [txt(ReportViews.measureLabel(d, r.measure)), txt(r.formatted)]
                }, numeric: [1])
        ]
        for note in figures.notes { content.append(C.insetText([txt(note)])) }
        content.append(el(.h2, [.class: "heading-m"], "What has changed since"))
        if !todayRan {
            content.append(C.warning("Today's figures cannot be worked out: a service this report covered no longer exists."))
        } else if comparison.changes.isEmpty {
            content.append(
                C.p("No figure has changed: today's records give exactly the figures submitted, with the same children behind each."))
        } else {
            content.append(
                C.p(
                    "\(comparison.changes.count) of \(comparison.compared) figures differ from what was submitted. For each count, the children who have come into it or left it since are listed, so the difference can be explained."
                ))
            content.append(
                C.table(
                    caption: "Figures that changed", headers: ["Measure", "Breakdown", "Group", "As submitted", "Today", "Came in", "Left"],
                    rows: comparison.changes.map { c in
                        [
                            txt(ReportViews.measureLabel(d, c.measure)), txt(c.breakdown),
                            txt(ReportViews.groupLabel(c.breakdown, c.group)),
                            txt(c.saved.map(Rounding.format) ?? "—"), txt(c.now.map(Rounding.format) ?? "—"),
                            txt(list(c.cameIn, who)), txt(list(c.left, who))
                        ]
                    }, numeric: [3, 4]))
        }
        content.append(
            el(
                .p, [.class: "body"],
                [
                    C.link("Download the comparison (CSV)", Paths.with(Paths.savedReport(s.id), [("format", "csv")])), txt(" · "),
                    C.link("All saved reports", Paths.savedReports)
                ]))
        return Layout.page(title: s.label, ctx, wide: true, content)
    }

    /// Up to 20 children, then how many more.
    static func list(_ keys: [String], _ who: (String) -> String) -> String {
        guard !keys.isEmpty else { return "—" }
        let shown = keys.prefix(20).map(who).joined(separator: ", ")
        return keys.count > 20 ? shown + " and \(keys.count - 20) more" : shown
    }
}
