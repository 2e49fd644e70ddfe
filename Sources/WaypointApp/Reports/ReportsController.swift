import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Report pages: figures with their definitions; every count opens the list of children
/// behind it (not for board members, who see figures only, under disclosure control: `Disclosure`).
struct ReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.reports, use: index)
        routes.get(Paths.report, use: show)
        routes.get(Paths.reportChildren, use: children)
        routes.get(Paths.reportTrend, use: trend)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReports)
        return HTMLResponse.make(ReportViews.index(PageContext(req), ReportIndex(canSeeSaved: user.can(.viewReportChildren))))
    }

    struct Query: Decodable {
        var preset: String?
        var service: String?
        var team: String?
        var breakdown: String?
        var group: String?
        var format: String?
        var page: String?
        var fromDay: String?, fromMonth: String?, fromYear: String?
        var toDay: String?, toMonth: String?, toYear: String?
        enum CodingKeys: String, CodingKey {
            case preset, service, team, breakdown, group, format, page
            case fromDay = "from-day", fromMonth = "from-month", fromYear = "from-year", toDay = "to-day", toMonth = "to-month", toYear =
                "to-year"
        }
    }

    /// The period and services asked for, or the form's errors.
    private func parse(_ req: Request, _ user: CurrentUser) async throws -> (FormValues, ReportPeriod?, [Service], [String], [FieldError]) {
        let q = (try? req.query.decode(Query.self)) ?? Query()
        let services =
            user.serviceIDs.isEmpty ? [] : try await Service.query(on: req.db).filter(\.$id ~~ user.serviceIDs).sort(\.$name).all()
        var values = FormValues([
            "from-day": q.fromDay ?? "", "from-month": q.fromMonth ?? "", "from-year": q.fromYear ?? "",
            "to-day": q.toDay ?? "", "to-month": q.toMonth ?? "", "to-year": q.toYear ?? "", "service": q.service ?? "",
            "team": q.team ?? ""
        ])
        var errors = FormErrors()
        var period: ReportPeriod?
        let preset =
            q.preset.flatMap(PeriodPreset.init(rawValue:)) ?? ((q.fromDay ?? "").isEmpty && (q.fromYear ?? "").isEmpty ? .lastQuarter : nil)
        if let preset {
            period = preset.period(today: req.today)
            values.values.merge(Parse.dateValues(period!.from, "from").merging(Parse.dateValues(period!.to, "to")) { a, _ in a }) { _, b in
                b
            }
        } else {
            let from = DateInput.parse(values, prefix: "from", label: "Start date", today: req.today, errors: &errors)
            let to = DateInput.parse(values, prefix: "to", label: "End date", today: req.today, errors: &errors)
            if let from, let to {
                period = ReportPeriod(from: from, to: to)
                if period == nil { errors.add("to-day", "The end date must be the same as or after the start date") }
            }
        }
        var codes = services.map(\.code)
        if let s = q.service, !s.isEmpty {
            if codes.contains(s) { codes = [s] } else { errors.add("service", "Select one of your services") }
        }
        if let t = q.team, !t.isEmpty, !(try await teams(services.filter { codes.contains($0.code) }, on: req.db)).contains(t) {
            errors.add("team", "Select one of the teams of the chosen service")
        }
        if user.role == .board {
            // Disclosure control: figures side by side must not give back a withheld one, so the
            // board sees one whole service at a time, for whole quarters and years that have ended.
            if let p = period, !Disclosure.boardPeriod(p, today: req.today) {
                errors.add(
                    "from-day",
                    "Board figures are for a whole quarter or a whole financial year that has ended, such as 1 April to 30 June, or 1 April to 31 March"
                )
            }
            if codes.count > 1 { errors.add("service", "Board figures are for one service at a time: choose one") }
            if let t = q.team, !t.isEmpty { errors.add("team", "Board figures are for whole services, not teams") }
        }
        return (values, errors.isEmpty ? period : nil, services, codes, errors.errors)
    }

    private func teams(_ services: [Service], on db: Database) async throws -> [String] {
        guard !services.isEmpty else { return [] }
        struct T: Decodable { let name: String }
        return Array(
            Set(
                try await db.sql.select().column("name").from("teams").where("service_id", .in, SQLBind.group(services.compactMap(\.id)))
                    .all(decoding: T.self).map(\.name))
        ).sorted()
    }

    /// The team as `parse` read (and checked) it: from the same decoded query, so a query that
    /// does not decode names no team rather than an unchecked one.
    private func team(_ req: Request) -> String? { (try? req.query.decode(Query.self))?.team.flatMap { $0.isEmpty ? nil : $0 } }

    private func definition(_ req: Request) throws -> ReportDefinition {
        guard let d = req.parameters.get("report").flatMap(ReportCatalogue.named) else {
            throw WaypointError.notFound("There is no such report. Choose one from the list of reports.")
        }
        return d
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReports)
        let d = try definition(req)
        let (values, period, services, codes, errors) = try await parse(req, user)
        var output: ReportRunner.Output?
        var previous: ReportRunner.Output?
        let board = user.role == .board
        var years: [LocalDate: [ReportRunner.Output]] = [:]
        if let period, !codes.isEmpty {
            output =
                board
                ? try await Self.boardFigures(
                    d.name, period, codes, today: req.today, years: &years, on: req.db, alongside: req.reportCompanion)
                : try await ReportRunner.run(
                    d.name, period: period, serviceCodes: codes, team: team(req), today: req.today, on: req.db,
                    alongside: req.reportCompanion)
            if d.name == Reoffending.name, let p = ReportPeriod(from: period.from.adding(months: -12), to: period.to.adding(months: -12)) {
                previous =
                    board
                    ? try await Self.boardFigures(
                        d.name, p, codes, today: req.today, years: &years, on: req.db, alongside: req.reportCompanion)
                    : try await ReportRunner.run(
                        d.name, period: p, serviceCodes: codes, team: team(req), today: req.today, on: req.db,
                        alongside: req.reportCompanion)
            }
        }
        if let format = req.query[String.self, at: "format"], let output, let file = try ReportDownloads.figures(d, output, format: format)
        {
            return file
        }
        // The board sees whole services only.
        let teamNames = board ? [] : try await teams(services.filter { codes.contains($0.code) || codes.isEmpty }, on: req.db)
        return HTMLResponse.make(
            ReportViews.report(
                PageContext(req),
                .init(
                    d, values: values, services: services, teams: teamNames, output: output, previous: previous,
                    errors: errors,
                    drill: user.can(.viewReportChildren), board: board, canSave: user.can(.saveReport))),
            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// A report as the board sees it (`Disclosure`): run with the other quarters of its financial
    /// year and the year, all protected together, so that no figure of one gives back a withheld
    /// figure of another. No children. `years`: each financial year's runs, protected once (a trend
    /// shows quarters of two or three years). `period` must be a board period (`Disclosure.boardPeriod`).
    /// `alongside`: as for `ReportRunner.run`, the second connection each run reads on.
    static func boardFigures(
        _ name: String, _ period: ReportPeriod, _ codes: [String], today: LocalDate,
        years: inout [LocalDate: [ReportRunner.Output]], on db: Database, alongside other: Database? = nil
    ) async throws -> ReportRunner.Output {
        let family = Disclosure.family(of: period)
        let start = family.periods[family.year].from
        var runs = years[start] ?? []
        if runs.isEmpty {
            for p in family.periods {
                runs.append(try await ReportRunner.run(name, period: p, serviceCodes: codes, today: today, on: db, alongside: other))
            }
            let protected = Disclosure.protect(name, runs.map(\.rows), year: family.year)
            runs = zip(runs, protected).map {
                ReportRunner.Output(report: name, period: $0.period, services: $0.services, rows: $1, notes: $0.notes)
            }
            years[start] = runs
        }
        return runs[family.index]
    }

    /// How many quarters a trend shows.
    static let trendQuarters = 8

    /// A report's headline figures for each of the eight quarters ending with the one holding the
    /// period's last day: a line chart with its table, and the table as CSV and XLSX.
    /// A trend or list asked for with a bad period or service: the same messages as the report's form.
    static func badPeriod(_ errors: [FieldError]) -> WaypointError {
        let said = errors.map(\.message).joined(separator: ". ")
        return .badRequest("Choose a valid period and service for the report" + (said.isEmpty ? "." : ": \(said)."))
    }

    @Sendable func trend(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReports)
        let d = try definition(req)
        let (values, period, _, codes, errors) = try await parse(req, user)
        guard errors.isEmpty, let period, !codes.isEmpty else { throw Self.badPeriod(errors) }
        let quarters = Quarters.ending(at: period.to, count: Self.trendQuarters)
        let board = user.role == .board
        var outputs: [ReportRunner.Output] = []
        var years: [LocalDate: [ReportRunner.Output]] = [:]  // the board's: each financial year protected once
        for q in quarters {
            outputs.append(
                board
                    ? try await Self.boardFigures(
                        d.name, q, codes, today: req.today, years: &years, on: req.db, alongside: req.reportCompanion)
                    : try await ReportRunner.run(
                        d.name, period: q, serviceCodes: codes, team: team(req), today: req.today, on: req.db,
                        alongside: req.reportCompanion))
        }
        // The headline measures any quarter has a figure for, in the report's order.
        let measures = d.measures.filter { m in outputs.contains { o in o.rows.contains { $0.measure == m.name && $0.breakdown == "all" } }
        }
        if let format = req.query[String.self, at: "format"],
            let file = try ReportDownloads.trend(d, outputs, measures: measures, quarters: quarters, format: format)
        {
            return file
        }
        let series: [(measure: (name: String, label: String), points: [(ReportPeriod, ReportRow?)])] = measures.map { m in
            (m, outputs.map { ($0.period, $0.headline(m.name)) })
        }
        return HTMLResponse.make(ReportViews.trend(PageContext(req), .init(d, values: values, series: series, board: board)))
    }

    @Sendable func children(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReportChildren)
        let d = try definition(req)
        let (values, period, _, codes, errors) = try await parse(req, user)
        guard errors.isEmpty, let period, !codes.isEmpty else { throw Self.badPeriod(errors) }
        let measure = req.query[String.self, at: "measure"] ?? d.measures[0].name
        let breakdown = req.query[String.self, at: "breakdown"] ?? "all"
        let group = req.query[String.self, at: "group"] ?? "all"
        let output = try await ReportRunner.run(
            d.name, period: period, serviceCodes: codes, team: team(req), today: req.today, on: req.db, alongside: req.reportCompanion)
        guard let row = output.rows.first(where: { $0.measure == measure && $0.breakdown == breakdown && $0.group == group }),
            let keys = row.children
        else {
            throw WaypointError.notFound("There is no such figure on this report.")
        }
        let list = try await ReportChildren.load(keys, on: req.db)
        // A count of records (contacts, offences…): each child once, with how many are theirs.
        let records: [String: Int]? = row.countsRecords ? row.recordsByChild : nil
        // Every child the list shows (on the page or in the download) is on that child's record.
        try await Audit.recordViews(
            req, action: "view_report_children", children: list.map { (nil, $0.id) },
            details:
                "\(d.name) \(measure) \(breakdown)=\(group) \(period.from.iso)–\(period.to.iso) services \(codes.joined(separator: " "))"
                + (req.query[String.self, at: "format"].map { " (\($0))" } ?? ""))
        if let format = req.query[String.self, at: "format"],
            let file = try ReportDownloads.children(
                list, records: records, name: "\(d.name)-\(measure)-\(breakdown)-\(group)", format: format)
        {
            return file
        }
        let title = d.measures.first { $0.name == measure }.map { "\(d.title): \($0.label.lowercased())" } ?? d.title
        return HTMLResponse.make(
            ReportViews.children(
                PageContext(req),
                .init(
                    report: d.name, title: title, measure: measure, breakdown: breakdown, group: group, period: period,
                    values: values, list: list, records: records, figure: row.formatted, canOpen: user.can(.viewChild),
                    page: try req.pageNumber())))
    }

}

/// A child behind a report's figure, as the list and its downloads show them.
struct ReportChildRow: Decodable {
    let id: UUID
    let externalID: String?
    let givenName: String
    let familyName: String
    /// ISO date, as stored.
    let dateOfBirth: String
    let sex: String
    let ethnicityGroup: String
    let district: String?
    /// The service holding the child now.
    let serviceCode: String
    /// The report's key of the child: Waypoint's id (the runner's `ChildFacts.key`).
    var key: String { id.uuidString.lowercased() }
    /// How the list shows the child: the external id where known, else the internal id.
    var label: String { externalID ?? key }

    enum CodingKeys: String, CodingKey {
        case id, sex, district
        case externalID = "external_id", givenName = "given_name", familyName = "family_name", dateOfBirth = "date_of_birth"
        case ethnicityGroup = "ethnicity_group", serviceCode = "service_code"
    }
}

enum ReportChildren {
    /// The children with these report keys (Waypoint's ids): the figure's own children, found by
    /// a run over the report's services (within the user's), so a list is never longer than its
    /// figure. A child since transferred elsewhere is still listed, with the service holding them now.
    static func load(_ keys: [String], on db: Database) async throws -> [ReportChildRow] {
        guard !keys.isEmpty else { return [] }
        var rows: [ReportChildRow] = []
        for chunk in keys.compactMap(UUID.init(uuidString:)).chunked() {
            rows += try await db.sql.select()
                .columns(
                    ["id", "external_id", "given_name", "family_name", "date_of_birth", "sex", "ethnicity_group", "district"].map {
                        SQLColumn($0, table: "children")
                    }
                )
                .column(SQLColumn("code", table: "services"), as: "service_code")
                .from("children").join(
                    "services", on: SQLColumn("service_id", table: "children"), .equal, SQLColumn("id", table: "services")
                )
                .where(SQLColumn("id", table: "children"), .in, SQLBind.group(chunk))
                .all(decoding: ReportChildRow.self)
        }
        return rows.sorted {
            ($0.familyName, $0.givenName, $0.serviceCode, $0.label) < ($1.familyName, $1.givenName, $1.serviceCode, $1.label)
        }
    }
}

extension ReportRunner.Output {
    /// The figure of a measure over everyone (its "all" row), when the report has one.
    func headline(_ measure: String) -> ReportRow? { rows.first { $0.measure == measure && $0.breakdown == "all" } }
}

/// A report's downloads: its figures, its trend and the children behind a figure, as CSV or XLSX
/// (nil for any other format, which the page then shows as HTML).
enum ReportDownloads {
    static func figures(_ d: ReportDefinition, _ output: ReportRunner.Output, format: String) throws -> Response? {
        let name = "\(d.name)-\(output.period.from.iso)-to-\(output.period.to.iso)"
        switch format {
        case "csv":
            let rows = output.rows.map { r -> [String] in [r.measure, r.breakdown, r.group, r.formatted] }
            return Download.csv(CSV.write(header: ["measure", "breakdown", "group", "value"], rows: rows), name: "\(name).csv")
        case "xlsx":
            func cell(_ r: ReportRow) -> XLSX.Cell { r.withheld ? .text(Disclosure.marker) : .number(r.value) }
            var sheets = [
                XLSX.Sheet(
                    name: "Figures",
                    rows: [["measure", "breakdown", "group", "value"].map { .text($0) }]
                        + output.rows.map { [.text($0.measure), .text($0.breakdown), .text($0.group), cell($0)] })
            ]
            for t in ReportViews.breakdownTables(output.rows) {
                sheets.append(
                    XLSX.Sheet(
                        name: t.label,
                        rows: [[.text(t.heading)] + t.measures.map { .text(ReportViews.measureLabel(d, $0)) }]
                            + t.groups.map { g in
                                [.text(ReportViews.groupLabel(t.breakdown, g))] + t.measures.map { m in t.row(m, g).map(cell) ?? .empty }
                            }))
            }
            let about: [[XLSX.Cell]] =
                [
                    [.text("report"), .text(d.name)], [.text("from"), .date(output.period.from)], [.text("to"), .date(output.period.to)],
                    [.text("services"), .text(output.services.joined(separator: " "))]
                ] + output.notes.map { [.text("note"), .text($0)] }
            sheets.append(XLSX.Sheet(name: "About", rows: about))
            return XLSX.download(try XLSX.workbook(sheets), name: "\(name).xlsx")
        default:
            return nil
        }
    }

    static func trend(
        _ d: ReportDefinition, _ outputs: [ReportRunner.Output], measures: [(name: String, label: String)], quarters: [ReportPeriod],
        format: String
    ) throws -> Response? {
        let name = "\(d.name)-trend-\(quarters[0].from.iso)-to-\(quarters[quarters.count - 1].to.iso)"
        switch format {
        case "csv":
            var rows: [[String]] = []
            for o in outputs {
                for m in measures {
                    if let r = o.headline(m.name) { rows.append([o.period.from.iso, o.period.to.iso, m.name, r.formatted]) }
                }
            }
            return Download.csv(CSV.write(header: ["from", "to", "measure", "value"], rows: rows), name: "\(name).csv")
        case "xlsx":
            let header: [XLSX.Cell] = [.text("from"), .text("to")] + measures.map { .text($0.label) }
            let rows: [[XLSX.Cell]] = outputs.map { o in
                [.date(o.period.from), .date(o.period.to)]
                    + measures.map { m in o.headline(m.name).map { $0.withheld ? .text(Disclosure.marker) : .number($0.value) } ?? .empty }
            }
            return XLSX.download(try XLSX.workbook([XLSX.Sheet(name: "Trend", rows: [header] + rows)]), name: "\(name).xlsx")
        default:
            return nil
        }
    }

    /// The children behind a figure; `records`: how many of the records counted are each child's,
    /// when the figure counts records.
    static func children(_ list: [ReportChildRow], records: [String: Int]?, name: String, format: String) throws -> Response? {
        var names = ["child_id", "given_name", "family_name", "date_of_birth", "sex", "ethnicity_group", "district", "service_code"]
        if records != nil { names.append("records") }
        switch format {
        case "csv":
            let rows: [[String]] = list.map { c in
                var cells = [
                    c.label, c.givenName, c.familyName, c.dateOfBirth, c.sex, c.ethnicityGroup, c.district ?? "", c.serviceCode
                ]
                if let records { cells.append(String(records[c.key] ?? 0)) }
                return cells
            }
            return Download.csv(CSV.write(header: names, rows: rows), name: "\(name).csv")
        case "xlsx":
            let header: [XLSX.Cell] = names.map { .text($0) }
            let rows: [[XLSX.Cell]] = list.map { c in
                let born: XLSX.Cell = LocalDate(iso: c.dateOfBirth).map { .date($0) } ?? .text(c.dateOfBirth)
                var cells: [XLSX.Cell] = [
                    .text(c.label), .text(c.givenName), .text(c.familyName), born, .text(c.sex), .text(c.ethnicityGroup),
                    .text(c.district ?? ""), .text(c.serviceCode)
                ]
                if let records { cells.append(.number(Double(records[c.key] ?? 0))) }
                return cells
            }
            return XLSX.download(try XLSX.workbook([XLSX.Sheet(name: "Children", rows: [header] + rows)]), name: "\(name).xlsx")
        default:
            return nil
        }
    }
}
