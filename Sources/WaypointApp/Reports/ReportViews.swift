import Foundation
import WaypointDomain

/// The list of reports (every report in the catalogue), and whether the reader may open saved reports.
struct ReportIndex {
    var reports: [ReportDefinition] = ReportCatalogue.all
    var canSeeSaved: Bool
}

enum ReportViews {
    static func index(_ ctx: PageContext, _ m: ReportIndex) -> String {
        Layout.page(
            title: "Reports", ctx,
            [
                C.h1("Reports"),
                C.p(
                    "Every figure is computed from the records for the period you choose, and every count opens the list of children behind it."
                ),
                el(
                    .div, [.class: "card-list"],
                    m.reports.map { d in
                        el(
                            .div, [.class: "card"],
                            [el(.h2, [.class: "heading-m"], [C.link(d.title, Paths.report(d.name))]), C.p(d.summary)])
                    }),
                el(.h2, [.class: "heading-m"], "Also"),
                el(
                    .ul, [.class: "list"],
                    [
                        el(
                            .li, [:],
                            [
                                C.link("Management board meetings", Paths.boardMeetings),
                                txt(" — the meetings and attendance by agency that KPI 7 counts.")
                            ])
                    ]
                        + (m.canSeeSaved
                            ? [
                                el(
                                    .li, [:],
                                    [
                                        C.link("Saved reports", Paths.savedReports),
                                        txt(" — figures as submitted to the board or the YJB, and what has changed since.")
                                    ])
                            ] : []))
            ])
    }

    static let breakdownLabels: [(String, String)] = [
        ("disposal", "By disposal"), ("sex", "By sex"), ("age", "By age at the offence"), ("ethnicity", "By ethnicity group"),
        ("care_status", "By care status"), ("send", "By SEND"), ("ehcp", "By EHCP"), ("district", "By district"), ("team", "By team")
    ]

    static func groupLabel(_ breakdown: String, _ group: String) -> String {
        switch breakdown {
        case "disposal":
            return [
                "youth_caution": "Youth caution", "youth_conditional_caution": "Youth conditional caution", "court": "Court (conviction)"
            ][group] ?? group
        case "sex": return Sex(rawValue: group)?.label ?? group
        case "ethnicity": return EthnicityGroup(rawValue: group)?.label ?? group
        case "care_status": return CareStatus(rawValue: group)?.label ?? group
        case "send", "ehcp": return group == "not_recorded" ? "Not recorded" : (YesNo(rawValue: group)?.label ?? group)
        case "district": return group == "not_recorded" ? "Not recorded" : group
        case "team": return group == "not_allocated" ? "Not allocated to a team" : group
        case "source": return ReferralSource(rawValue: group)?.label ?? group
        case "decision": return ScreeningDecision(rawValue: group)?.label ?? group
        case "destination": return ScreenOutDestination(rawValue: group)?.label ?? group
        case "category": return OffenceCategory(rawValue: group)?.label ?? group
        case "attendance": return Options.attendance.first { $0.code == group }?.label ?? group
        case "contact_type": return Options.contactTypes.first { $0.code == group }?.label ?? group
        case "grade": return Options.grades.first { $0.code == group }?.label ?? group
        case "case_type": return ["statutory": "Statutory", "out_of_court": "Out-of-court", "prevention": "Prevention"][group] ?? group
        case "agency": return BoardAgency(rawValue: group)?.label ?? group
        default: return group
        }
    }

    /// The query items that reproduce the period and service of the page.
    static func periodItems(_ v: FormValues) -> [(String, String)] {
        ["from-day", "from-month", "from-year", "to-day", "to-month", "to-year", "service", "team"].map { ($0, v[$0]) }
    }

    static func figure(_ report: String, _ r: ReportRow, _ values: FormValues, drill: Bool) -> H {
        guard r.isCount, drill, r.value > 0, !r.withheld else { return txt(r.formatted) }
        return C.link(
            r.formatted,
            Paths.with(
                Paths.reportChildren(report), periodItems(values) + [("measure", r.measure), ("breakdown", r.breakdown), ("group", r.group)]
            ))
    }

    /// What the board reads under its figures.
    static let disclosureNote =
        "\(Disclosure.marker) marks a figure withheld so that no child can be identified: a count of 1 to 4, a figure worked out from one, "
        + "and the smallest other figures that would give one back from a total or from the other quarters of the year."

    /// A horizontal bar chart in SVG, always shown with its table.
    static func barChart(title: String, _ bars: [(String, Double)]) -> H {
        guard let maxValue = bars.map(\.1).max(), maxValue > 0 else { return group([]) }
        let rowHeight = 28, labelWidth = 220, chartWidth = 360
        let height = bars.count * rowHeight + 10
        var parts =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"\(labelWidth + chartWidth + 60)\" height=\"\(height)\" viewBox=\"0 0 \(labelWidth + chartWidth + 60) \(height)\">"
        parts += "<title id=\"chart-title\">\(HTMLEscape.escape(title))</title>"
        for (i, (label, value)) in bars.enumerated() {
            let y = i * rowHeight + 5
            let w = Int(Double(chartWidth) * value / maxValue)
            parts +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\" class=\"chart__label\">\(HTMLEscape.escape(label))</text>"
            parts +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(w, 1))\" height=\"\(rowHeight - 10)\" class=\"chart__bar\"></rect>"
            parts += "<text x=\"\(labelWidth + max(w, 1) + 6)\" y=\"\(y + 18)\" class=\"chart__value\">\(Rounding.format(value))</text>"
        }
        parts += "</svg>"
        return .raw(parts)
    }

    static let extraBreakdowns: [(String, String)] = [
        ("source", "By source"), ("decision", "By decision"), ("destination", "By destination"),
        ("category", "By offence category"), ("worker", "By case manager"), ("attendance", "By attendance"),
        ("contact_type", "By type of contact"), ("case_type", "By case type"), ("grade", "By grade"),
        ("agency", "By partner agency (KPI 7)")
    ]

    /// One breakdown as a table: its heading, the measures broken down that way (columns) and the
    /// groups (rows). The page and the workbook both lay a report out this way.
    struct BreakdownTable {
        let breakdown: String
        let label: String
        let measures: [String]
        let groups: [String]
        let rows: [ReportRow]
        var heading: String { label.replacingOccurrences(of: "By ", with: "").capitalizedFirst }
        func row(_ measure: String, _ group: String) -> ReportRow? { rows.first { $0.measure == measure && $0.group == group } }
    }

    static func breakdownTables(_ rows: [ReportRow]) -> [BreakdownTable] {
        (breakdownLabels + extraBreakdowns).compactMap { b, label in
            let mine = rows.filter { $0.breakdown == b }
            guard !mine.isEmpty else { return nil }
            var measures: [String] = [], groups: [String] = []
            for r in mine {
                if !measures.contains(r.measure) { measures.append(r.measure) }
                if !groups.contains(r.group) { groups.append(r.group) }
            }
            // Ages (and any other numbered groups) in order, not as first met.
            if groups.allSatisfy({ Int($0) != nil }) { groups.sort { (Int($0) ?? 0) < (Int($1) ?? 0) } }
            return BreakdownTable(breakdown: b, label: label, measures: measures, groups: groups, rows: mine)
        }
    }

    /// A measure's label: the report's own, else its name in words.
    static func measureLabel(_ d: ReportDefinition, _ m: String) -> String {
        if let l = d.measures.first(where: { $0.name == m })?.label { return l }
        let words: [String: String] = [
            "kpi1": "KPI 1:", "kpi2": "KPI 2:", "kpi3": "KPI 3:", "kpi4": "KPI 4:", "kpi5": "KPI 5:", "kpi6": "KPI 6:",
            "kpi7": "KPI 7:", "kpi8": "KPI 8:", "kpi9": "KPI 9:", "kpi10": "KPI 10:", "ete": "ETE", "send": "SEND", "ehcp": "EHCP",
            "oocd": "out-of-court disposals", "rj": "RJ", "camhs": "CAMHS", "fte": "first time entrants", "share": "(%)"
        ]
        return m.split(separator: "_").map { words[String($0)] ?? String($0) }.joined(separator: " ").capitalizedFirst
    }

    /// A report page: the period form, the headline figures, notes, a chart, each breakdown as a
    /// table (every count linking to its children), the CSV, and the definition in words.
    /// A report page: its form, its figures (and the previous period's), and what the reader may do.
    struct ReportPage {
        let d: ReportDefinition
        let values: FormValues
        let services: [ServiceOption]
        let teams: [String]
        let output: ReportRunner.Output?
        let previous: ReportRunner.Output?
        let errors: [FieldError]
        let drill: Bool
        let board: Bool
        let canSave: Bool

        init(
            _ d: ReportDefinition, values v: FormValues, services: [Service], teams: [String], output: ReportRunner.Output?,
            previous: ReportRunner.Output?, errors: [FieldError], drill: Bool, board: Bool, canSave: Bool = false
        ) {
            self.d = d
            self.values = v
            self.services = services.map(ServiceOption.init)
            self.teams = teams
            self.output = output
            self.previous = previous
            self.errors = errors
            self.drill = drill
            self.board = board
            self.canSave = canSave
        }
    }

    static func report(_ ctx: PageContext, _ m: ReportPage) -> String {
        let (d, v, services, teams, output, previous, errors, drill, board, canSave) = (
            m.d, m.values, m.services, m.teams, m.output, m.previous, m.errors, m.drill, m.board, m.canSave
        )
        let err = FieldMessages(errors)
        let here = Paths.report(d.name)
        var content: [H] = [
            C.errorSummary(errors),
            C.h1(d.title, caption: "Reports"),
            el(
                .form, [.method: "get", .action: here, .class: "search-form", .novalidate: ""],
                [
                    el(.h2, [.class: "heading-m"], "Period and service"),
                    // The board sees whole periods that have ended only (`Disclosure`).
                    el(
                        .ul, [.class: "action-list", .ariaLabel: "Quick picks"],
                        PeriodPreset.allCases.filter { !board || $0 != .financialYearToDate }.map { p in
                            el(.li, [:], [C.link(p.label, Paths.with(here, [("preset", p.rawValue), ("service", v["service"])]))])
                        }),
                    el(
                        .div, [.class: "date-range"],
                        [
                            C.dateInput("from", legend: "From", values: v, error: err.date("from")),
                            C.dateInput(
                                "to", legend: "To (inclusive)", values: v, error: err.date("to"))
                        ]),
                    services.count > 1
                        ? C.select(
                            "service", label: "Service", options: services.map { ($0.code, $0.name) }, selected: v["service"],
                            error: err("service"), blank: "All my services") : group([]),
                    teams.isEmpty
                        ? group([])
                        : C.select(
                            "team", label: "Team", options: teams.map { ($0, $0) }, selected: v["team"], error: err("team"),
                            blank: "All teams"),
                    C.button("Show figures")
                ])
        ]
        if services.isEmpty { content.append(C.warning("You are not in any service, so there are no figures to show.")) }
        if let o = output {
            content.append(
                el(
                    .h2, [.class: "heading-l"],
                    "\(o.period.from.longFormat) to \(o.period.to.longFormat)" + (v.trimmed("team").map { " — \($0)" } ?? "")))
            content.append(
                el(
                    .ul, [.class: "stat-list"],
                    d.measures.map { m in
                        let row = o.rows.first { $0.measure == m.name && $0.breakdown == "all" }
                        let percent = m.label.hasSuffix(" (%)")
                        return el(
                            .li, [.class: "stat"],
                            [
                                el(
                                    .span, [.class: "stat__figure"],
                                    [
                                        el(.span, [:], [row.map { figure(d.name, $0, v, drill: drill) } ?? txt("—")]),
                                        txt(percent && row?.withheld == false ? "%" : "")
                                    ]),
                                el(.span, [.class: "stat__label"], percent ? String(m.label.dropLast(4)) : m.label)
                            ])
                    }))
            for note in o.notes { content.append(C.insetText([txt(note)])) }
            if let p = previous, d.name == Reoffending.name { content.append(comparison(o, p)) }
            let chartRows = o.rows.filter { r in
                r.isCount
                    && (["disposal", "source", "decision", "destination", "category", "attendance", "case_type", "grade"].contains(
                        r.breakdown))
            }
            if let first = chartRows.first, !board {
                let rows = chartRows.filter { $0.measure == first.measure && $0.breakdown == first.breakdown }
                let label = d.measures.first { $0.name == first.measure }?.label ?? first.measure
                content.append(
                    barChart(
                        title: "\(label) \((breakdownLabels + extraBreakdowns).first { $0.0 == first.breakdown }?.1.lowercased() ?? "")",
                        rows.map { (groupLabel(first.breakdown, $0.group), $0.value) }))
            }
            // Each breakdown as one table: a row per group, a column per measure broken down that way.
            for t in breakdownTables(o.rows) {
                content.append(
                    C.table(
                        caption: t.label, headers: [t.heading] + t.measures.map { measureLabel(d, $0) },
                        rows: t.groups.map { g in
                            [txt(groupLabel(t.breakdown, g))]
                                + t.measures.map { m in
                                    t.row(m, g).map { figure(d.name, $0, v, drill: drill) } ?? txt("—")
                                }
                        }, numeric: Set(1...t.measures.count)))
            }
            // Figures with no breakdown that are not headlines.
            let others = o.rows.filter { r in r.breakdown == "all" && !d.measures.contains { $0.name == r.measure } }
            if !others.isEmpty {
                content.append(
                    C.table(
                        caption: "All figures", headers: ["Measure", "Value"],
                        rows: others.map { [txt(measureLabel(d, $0.measure)), figure(d.name, $0, v, drill: drill)] }, numeric: [1]))
            }
            content.append(
                el(
                    .p, [.class: "body"],
                    [
                        C.link("Download these figures (CSV)", Paths.with(here, periodItems(v) + [("format", "csv")])), txt(" · "),
                        C.link("Download as a workbook (XLSX)", Paths.with(here, periodItems(v) + [("format", "xlsx")]))
                    ]))
            content.append(
                el(
                    .p, [.class: "body"],
                    [C.link("See these figures quarter by quarter (trend)", Paths.with(Paths.reportTrend(d.name), periodItems(v)))]))
            if board { content.append(C.p(disclosureNote, "body-s secondary-text")) }
            if canSave {
                // Saving freezes these figures and their children as submitted, to compare with later.
                content.append(
                    el(
                        .form, [.method: "post", .action: Paths.saveReport(d.name), .novalidate: ""],
                        [
                            Layout.csrfField(ctx.csrf),
                            group(periodItems(v).map { el(.input, [.type: "hidden", .name: $0.0, .value: $0.1]) }),
                            el(.h2, [.class: "heading-m"], "Save as submitted"),
                            C.textInput(
                                "label", label: "Name", value: "",
                                hint:
                                    "Save these figures as submitted to the board or the YJB, like 'Q2 return to the YJB'. They will not change; later you can see what has changed since.",
                                width: "input--width-30"),
                            C.button("Save as submitted", secondary: true)
                        ]))
            }
        }
        content.append(el(.h2, [.class: "heading-m"], "Definition"))
        content += d.definition.map { C.p($0) }
        return Layout.page(title: d.title, ctx, hasErrors: !errors.isEmpty, wide: true, content)
    }

    /// A line chart in SVG of one figure over consecutive periods, always shown with its table.
    /// A period with no figure (or one withheld from the board) leaves a gap.
    static func lineChart(title: String, id: String, _ points: [(label: String, value: Double?)]) -> H {
        let values = points.compactMap(\.value)
        guard let top = values.max(), points.count > 1 else { return group([]) }
        let step = 84, left = 56, plotHeight = 160, topPad = 24
        let width = left + step * points.count, height = topPad + plotHeight + 48
        let scale = top > 0 ? Double(plotHeight) / top : 0
        func x(_ i: Int) -> Int { left + step * i + step / 2 }
        func y(_ v: Double) -> Int { topPad + plotHeight - Int((v * scale).rounded()) }
        var parts =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart--line\" role=\"img\" aria-labelledby=\"\(id)-title\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        parts += "<title id=\"\(id)-title\">\(HTMLEscape.escape(title))</title>"
        parts +=
            "<line x1=\"\(left)\" y1=\"\(topPad + plotHeight)\" x2=\"\(width)\" y2=\"\(topPad + plotHeight)\" class=\"chart__axis\"></line>"
        parts += "<text x=\"\(left - 6)\" y=\"\(topPad + plotHeight)\" text-anchor=\"end\" class=\"chart__label\">0</text>"
        if top > 0 {
            parts += "<text x=\"\(left - 6)\" y=\"\(topPad + 4)\" text-anchor=\"end\" class=\"chart__label\">\(Rounding.format(top))</text>"
        }
        var previous: (Int, Int)?
        for (i, p) in points.enumerated() {
            let words = p.label.split(separator: " ")
            parts +=
                "<text x=\"\(x(i))\" y=\"\(topPad + plotHeight + 20)\" text-anchor=\"middle\" class=\"chart__label\">\(HTMLEscape.escape(words.dropLast().joined(separator: " ")))</text>"
            parts +=
                "<text x=\"\(x(i))\" y=\"\(topPad + plotHeight + 38)\" text-anchor=\"middle\" class=\"chart__label\">\(HTMLEscape.escape(String(words.last ?? "")))</text>"
            guard let v = p.value else { previous = nil; continue }
            let here = (x(i), y(v))
            if let previous {
                parts += "<line x1=\"\(previous.0)\" y1=\"\(previous.1)\" x2=\"\(here.0)\" y2=\"\(here.1)\" class=\"chart__line\"></line>"
            }
            parts += "<circle cx=\"\(here.0)\" cy=\"\(here.1)\" r=\"4\" class=\"chart__point\"></circle>"
            parts += "<text x=\"\(here.0)\" y=\"\(here.1 - 9)\" text-anchor=\"middle\" class=\"chart__value\">\(Rounding.format(v))</text>"
            previous = here
        }
        return .raw(parts + "</svg>")
    }

    /// A report's headline figures quarter by quarter: a chart and a table for each.
    /// A report's figures over several periods.
    struct ReportTrend {
        let d: ReportDefinition
        let values: FormValues
        let series: [(measure: (name: String, label: String), points: [(ReportPeriod, ReportRow?)])]
        let board: Bool

        init(
            _ d: ReportDefinition, values v: FormValues,
            series: [(measure: (name: String, label: String), points: [(ReportPeriod, ReportRow?)])], board: Bool
        ) {
            self.d = d
            self.values = v
            self.series = series
            self.board = board
        }
    }

    static func trend(_ ctx: PageContext, _ m: ReportTrend) -> String {
        let (d, v, series, board) = (m.d, m.values, m.series, m.board)
        let here = Paths.with(Paths.reportTrend(d.name), periodItems(v))
        var content: [H] = [
            C.h1("\(d.title): trend", caption: "Reports"),
            C.p(
                "The headline figures for each of the last \(series.first?.points.count ?? 0) calendar quarters up to the end of the period you chose, each computed exactly as the report computes it for that quarter."
                    + (v.trimmed("team").map { " Team: \($0)." } ?? "")),
            el(
                .p, [.class: "body"],
                [
                    C.link("Download this trend (CSV)", here + "&format=csv"), txt(" · "),
                    C.link("Download as a workbook (XLSX)", here + "&format=xlsx"),
                    txt(" · "), C.link("Back to the report", Paths.with(Paths.report(d.name), periodItems(v)))
                ])
        ]
        if series.isEmpty { content.append(C.p("There are no figures for these quarters.")) }
        for (i, s) in series.enumerated() {
            content.append(el(.h2, [.class: "heading-m"], s.measure.label))
            content.append(
                lineChart(
                    title: "\(s.measure.label), by quarter", id: "trend-\(i)",
                    s.points.map { p, r in (Quarters.label(p), r.flatMap { $0.withheld ? nil : $0.value }) }))
            content.append(
                C.table(
                    caption: nil, headers: ["Quarter", s.measure.label],
                    rows: s.points.map { p, r in
                        [txt(Quarters.label(p)), txt(r.map(\.formatted) ?? "—")]
                    }, numeric: [1]))
        }
        if board { content.append(C.p(disclosureNote + " Withheld figures are left out of the charts.", "body-s secondary-text")) }
        return Layout.page(title: "\(d.title): trend", ctx, wide: true, content)
    }

    /// Reoffending this year against the same period a year earlier, by sex (as boards ask for it).
    static func comparison(_ now: ReportRunner.Output, _ before: ReportRunner.Output) -> H {
        func row(_ o: ReportRunner.Output, _ group: String) -> ReportRow? {
            o.rows.first { $0.measure == "binary_rate" && $0.breakdown == (group == "all" ? "all" : "sex") && $0.group == group }
        }
        let groups = ["all"] + Sex.allCases.map(\.rawValue).filter { row(now, $0) != nil || row(before, $0) != nil }
        return C.table(
            caption: "Binary reoffending rate (%): this period, the same period a year earlier, and the difference",
            headers: ["", "This period", "A year earlier", "Difference (points)"],
            rows: groups.map { g in
                let a = row(now, g), b = row(before, g)
                // A difference with a withheld rate would give it back.
                let diff: String
                if let a, let b {
                    diff = a.withheld || b.withheld ? Disclosure.marker : Rounding.format(Rounding.round(a.value - b.value, places: 1))
                } else {
                    diff = "—"
                }
                return [
                    txt(g == "all" ? "All children" : (Sex(rawValue: g)?.label ?? g)), txt(a?.formatted ?? "—"), txt(b?.formatted ?? "—"),
                    txt(diff)
                ]
            }, numeric: [1, 2, 3])
    }

    /// The children behind one figure (a page of them).
    struct ReportChildren {
        let report: String
        let title: String
        let measure: String
        let breakdown: String
        let group: String
        let period: ReportPeriod
        let values: FormValues
        let list: [ReportChildRow]
        let records: [String: Int]?
        let figure: String
        let canOpen: Bool
        let page: Int

        init(
            report: String, title: String, measure: String, breakdown: String, group g: String, period: ReportPeriod, values v: FormValues,
            list: [ReportChildRow], records: [String: Int]?, figure: String, canOpen: Bool, page: Int
        ) {
            self.report = report
            self.title = title
            self.measure = measure
            self.breakdown = breakdown
            self.group = g
            self.period = period
            self.values = v
            self.list = list
            self.records = records
            self.figure = figure
            self.canOpen = canOpen
            self.page = page
        }
    }

    static func children(_ ctx: PageContext, _ m: ReportChildren) -> String {
        let (report, title, measure, breakdown, g, period, v, list, records, figure, canOpen, page) = (
            m.report, m.title, m.measure, m.breakdown, m.group, m.period, m.values, m.list, m.records, m.figure, m.canOpen, m.page
        )
        let (slice, pages) = WorklistViews.paged(list, page: page)
        let what =
            breakdown == "all"
            ? "All" : "\((breakdownLabels + extraBreakdowns).first { $0.0 == breakdown }?.1 ?? breakdown): \(groupLabel(breakdown, g))"
        let here = Paths.with(Paths.reportChildren(report), periodItems(v) + [("measure", measure), ("breakdown", breakdown), ("group", g)])
        return Layout.page(
            title: "\(title): children", ctx, wide: true,
            [
                C.h1(
                    "\(list.count) \(list.count == 1 ? "child" : "children")",
                    caption: "\(title), \(period.from.longFormat) to \(period.to.longFormat) — \(what)"),
                records == nil
                    ? txt("")
                    : C.insetText([
                        txt(
                            "The figure, \(figure), counts records, and some children have more than one: the Records column says how many are each child's."
                        )
                    ]),
                el(
                    .p, [.class: "body"],
                    [
                        C.link("Download this list (CSV)", here + "&format=csv"), txt(" · "),
                        C.link("Download this list (XLSX)", here + "&format=xlsx"), txt(" · "),
                        C.link("Back to the report", Paths.with(Paths.report(report), periodItems(v)))
                    ]),
                C.table(
                    caption: nil,
                    headers: ["Name", "Child id", "Date of birth", "Sex", "Ethnicity group", "District", "Service"]
                        + (records == nil ? [] : ["Records"]),
                    rows: slice.map { c in
                        [
                            canOpen
                                ? C.link("\(c.givenName) \(c.familyName)", Paths.child(c.id)) : txt("\(c.givenName) \(c.familyName)"),
                            txt(c.label),
                            txt(Show.date(c.dateOfBirth)), txt(Sex(rawValue: c.sex)?.label ?? c.sex),
                            txt(EthnicityGroup(rawValue: c.ethnicityGroup)?.label ?? c.ethnicityGroup),
                            C.value(c.district), txt(c.serviceCode)
                        ] + (records.map { [txt(String($0[c.key] ?? 0))] } ?? [])
                    }),
                C.pagination(page: page, totalPages: pages) { here + "&page=\($0)" }
            ])
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
