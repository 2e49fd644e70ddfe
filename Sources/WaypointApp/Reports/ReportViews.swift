import Foundation
import Plot
import WaypointDomain

enum ReportViews {
    static let breakdownLabels: [(String, String)] = [
        ("disposal", "By disposal"), ("sex", "By sex"), ("age", "By age at the offence"), ("ethnicity", "By ethnicity group"),
        ("care_status", "By care status"), ("send", "By SEND"), ("ehcp", "By EHCP"), ("district", "By district"),
    ]

    static func groupLabel(_ breakdown: String, _ group: String) -> String {
        switch breakdown {
        case "disposal": return ["youth_caution": "Youth caution", "youth_conditional_caution": "Youth conditional caution", "court": "Court (conviction)"][group] ?? group
        case "sex": return Sex(rawValue: group)?.label ?? group
        case "ethnicity": return EthnicityGroup(rawValue: group)?.label ?? group
        case "care_status": return CareStatus(rawValue: group)?.label ?? group
        case "send", "ehcp": return group == "not_recorded" ? "Not recorded" : (YesNo(rawValue: group)?.label ?? group)
        case "district": return group == "not_recorded" ? "Not recorded" : group
        default: return group
        }
    }

    /// The query items that reproduce the period and service of the page.
    static func periodItems(_ v: FormValues) -> [(String, String)] {
        ["from-day", "from-month", "from-year", "to-day", "to-month", "to-year", "service"].map { ($0, v[$0]) }
    }

    static func figure(_ r: ReportRow, _ values: FormValues, drill: Bool, suppressSmall: Bool) -> H {
        if r.isCount && suppressSmall && (1...4).contains(Int(r.value)) { return txt("fewer than 5") }
        guard r.isCount, drill, r.value > 0 else { return txt(r.formatted) }
        return C.link(r.formatted, Paths.with(Paths.fteChildren, periodItems(values) + [("breakdown", r.breakdown), ("group", r.group)]))
    }

    /// A horizontal bar chart in SVG, always shown with its table.
    static func barChart(title: String, _ bars: [(String, Double)]) -> H {
        guard let maxValue = bars.map(\.1).max(), maxValue > 0 else { return group([]) }
        let rowHeight = 28, labelWidth = 220, chartWidth = 360
        let height = bars.count * rowHeight + 10
        var parts = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"\(labelWidth + chartWidth + 60)\" height=\"\(height)\" viewBox=\"0 0 \(labelWidth + chartWidth + 60) \(height)\">"
        parts += "<title id=\"chart-title\">\(HTMLEscape.escape(title))</title>"
        for (i, (label, value)) in bars.enumerated() {
            let y = i * rowHeight + 5
            let w = Int(Double(chartWidth) * value / maxValue)
            parts += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\" class=\"chart__label\">\(HTMLEscape.escape(label))</text>"
            parts += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(w, 1))\" height=\"\(rowHeight - 10)\" class=\"chart__bar\"></rect>"
            parts += "<text x=\"\(labelWidth + max(w, 1) + 6)\" y=\"\(y + 18)\" class=\"chart__value\">\(Rounding.format(value))</text>"
        }
        parts += "</svg>"
        return .raw(parts)
    }

    static func fte(_ ctx: PageContext, values v: FormValues, services: [Service], output: ReportRunner.Output?, errors: [FieldError], drill: Bool, suppressSmall: Bool) -> String {
        func err(_ f: String) -> String? { errors.first { $0.field == f }?.message }
        var content: [H] = [
            C.errorSummary(errors),
            C.h1("First time entrants", caption: "Reports"),
            el("form", ["method": "get", "action": Paths.fteReport, "class": "search-form", "novalidate": ""], [
                el("h2", ["class": "heading-m"], "Period and service"),
                el("ul", ["class": "action-list", "aria-label": "Quick picks"], PeriodPreset.allCases.map { p in
                    el("li", [:], [C.link(p.label, Paths.with(Paths.fteReport, [("preset", p.rawValue), ("service", v["service"])]))])
                }),
                el("div", ["class": "date-range"], [
                    C.dateInput("from", legend: "From", values: v, error: err("from-day") ?? err("from-month") ?? err("from-year")),
                    C.dateInput("to", legend: "To (inclusive)", values: v, error: err("to-day") ?? err("to-month") ?? err("to-year")),
                ]),
                services.count > 1 ? C.select("service", label: "Service", options: services.map { ($0.code, $0.name) }, selected: v["service"],
                                              error: err("service"), blank: "All my services") : group([]),
                C.button("Show figures"),
            ]),
        ]
        if services.isEmpty { content.append(C.warning("You are not in any service, so there are no figures to show.")) }
        if let o = output {
            let all = o.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }
            let rate = o.rows.first { $0.measure == "fte_rate_per_100k" }
            content.append(el("h2", ["class": "heading-l"], "\(o.period.from.longFormat) to \(o.period.to.longFormat)"))
            content.append(el("ul", ["class": "stat-list"], [
                el("li", ["class": "stat"], [el("span", ["class": "stat__figure"], [all.map { figure($0, v, drill: drill, suppressSmall: suppressSmall) } ?? txt("0")]),
                                             txt(" first time entrants")]),
                rate.map { el("li", ["class": "stat"], [el("span", ["class": "stat__figure"], $0.formatted), txt(" per 100,000 children aged 10–17")]) } ?? group([]),
            ]))
            for note in o.notes { content.append(C.insetText([txt(note)])) }
            let disposal = o.rows.filter { $0.breakdown == "disposal" }
            if !disposal.isEmpty && !suppressSmall {
                content.append(barChart(title: "First time entrants by disposal", disposal.map { (groupLabel("disposal", $0.group), $0.value) }))
            }
            for (b, label) in breakdownLabels {
                let rows = o.rows.filter { $0.measure == "first_time_entrants" && $0.breakdown == b }
                guard !rows.isEmpty else { continue }
                content.append(C.table(caption: label, headers: [label.replacingOccurrences(of: "By ", with: "").capitalizedFirst, "First time entrants"],
                                       rows: rows.map { [txt(groupLabel(b, $0.group)), figure($0, v, drill: drill, suppressSmall: suppressSmall)] }, numeric: [1]))
            }
            content.append(el("p", ["class": "body"], [C.link("Download these figures (CSV)", Paths.with(Paths.fteReport, periodItems(v) + [("format", "csv")]))]))
            if suppressSmall { content.append(C.p("Counts of 1 to 4 are shown as 'fewer than 5' so that no child can be identified.", "body-s secondary-text")) }
        }
        content += [
            el("h2", ["class": "heading-m"], "Definition"),
            C.p("A child's entry to the justice system is their first-ever outcome that counts as an entry — a youth caution, a youth conditional caution or a conviction — dated by the outcome date, where the child was aged 10 to 17 on the offence date. A child is a first time entrant in the period when that entry's outcome date falls in it (both dates included). Outcomes that do not count, such as a community resolution, Outcome 22 or no further action, never make a child an entrant. Ages are on the offence date."),
            C.p("The rate is first time entrants × 100,000 ÷ the service's population aged 10 to 17 for the calendar year in which the period starts (ONS mid-year estimates uploaded by an administrator). Rates are rounded half away from zero to one decimal place. These local figures come from this service's own records and can differ from the published national statistics, which use police records."),
        ]
        return Layout.page(title: "First time entrants", ctx, hasErrors: !errors.isEmpty, wide: true, content)
    }

    static func children(_ ctx: PageContext, title: String, breakdown: String, group g: String, period: ReportPeriod, values v: FormValues,
                         list: [ReportChildRow], canOpen: Bool, page: Int) -> String {
        let (slice, pages) = WorklistViews.paged(list, page: page)
        let what = breakdown == "all" ? "All" : "\(breakdownLabels.first { $0.0 == breakdown }?.1 ?? breakdown): \(groupLabel(breakdown, g))"
        let here = Paths.with(Paths.fteChildren, periodItems(v) + [("breakdown", breakdown), ("group", g)])
        return Layout.page(title: "\(title): children", ctx, wide: true, [
            C.h1("\(list.count) \(list.count == 1 ? "child" : "children")", caption: "\(title), \(period.from.longFormat) to \(period.to.longFormat) — \(what)"),
            el("p", ["class": "body"], [C.link("Download this list (CSV)", here + "&format=csv"), txt(" · "), C.link("Back to the report", Paths.with(Paths.fteReport, periodItems(v)))]),
            C.table(caption: nil, headers: ["Name", "Child id", "Date of birth", "Sex", "Ethnicity group", "District", "Service"], rows: slice.map { c in
                [canOpen ? C.link("\(c.given_name) \(c.family_name)", Paths.child(c.id)) : txt("\(c.given_name) \(c.family_name)"), txt(c.key),
                 txt(Show.date(c.date_of_birth)), txt(Sex(rawValue: c.sex)?.label ?? c.sex), txt(EthnicityGroup(rawValue: c.ethnicity_group)?.label ?? c.ethnicity_group),
                 C.value(c.district), txt(c.service_code)]
            }),
            C.pagination(page: page, totalPages: pages) { here + "&page=\($0)" },
        ])
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
