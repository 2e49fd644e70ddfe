import Foundation

/// Reports that count practice records: the YJB KPIs, disproportionality, the offence profile,
/// caseloads, contact attendance, timeliness and the annual plan dashboard.
/// One child's contacts in a period, counted: with attendance recorded, by attendance and by
/// type (`not_recorded` for none); and still arranged. The runner counts them in SQL.
public struct ContactTally: Sendable {
    public var child: String
    public var byAttendance = CodeCounts()
    public var byType = CodeCounts()
    public var arranged = 0
    public init(child: String) { self.child = child }

    /// Counts contact records dated in the period.
    public static func tallies(_ contacts: [PracticeFact], period: ReportPeriod) -> [ContactTally] {
        var out: [String: ContactTally] = [:]
        for c in contacts where c.date("contact_on").map(period.contains) == true {
            var t = out[c.child] ?? ContactTally(child: c.child)
            if let a = c.text("attendance") {
                t.byAttendance[a, default: 0] += 1
                t.byType[c.text("contact_type") ?? "not_recorded", default: 0] += 1
            } else {
                t.arranged += 1
            }
            out[c.child] = t
        }
        return Array(out.values)
    }
}

/// Counts by code, for the few codes one child's records have: a short list, not a dictionary
/// (a national report holds one for each of ninety thousand children).
public struct CodeCounts: Sequence, Sendable {
    private var items: [(key: String, value: Int)] = []
    public init() {}

    public subscript(_ code: String) -> Int? {
        get { items.first { $0.key == code }?.value }
        set {
            if let i = items.firstIndex(where: { $0.key == code }) {
                if let newValue { items[i].value = newValue } else { items.remove(at: i) }
            } else if let newValue {
                items.append((code, newValue))
            }
        }
    }

    public subscript(_ code: String, default value: Int) -> Int {
        get { self[code] ?? value }
        set { self[code] = newValue }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Int)]> { items.makeIterator() }
}

public enum PracticeReports {
    static func pct(_ n: Int, _ d: Int) -> Double? { d > 0 ? Rounding.round(Double(n) * 100 / Double(d), places: 1) : nil }

    /// `sources`: the count measures it is worked out from (see `ReportRow.sources`).
    static func share(
        _ rows: inout [ReportRow], _ measure: String, _ n: Int, _ d: Int, breakdown: String = "all", group: String = "all",
        sources: [String]
    ) {
        if let p = pct(n, d) {
            rows.append(ReportRow(measure: measure, breakdown: breakdown, group: group, rate: p, basis: [n, d], sources: sources))
        }
    }

    /// Serious violence (KPI 9), our documented reading: a proven offence of violence against the
    /// person, robbery or drugs with a gravity score of 4 or 5 (the top of the 1–5 matrix).
    public static let seriousViolenceCategories: Set<String> = ["violence_against_the_person", "robbery", "drugs"]

    // MARK: KPIs

    public static func kpis(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // Two halves apart, worked out at once on a processor each: the closing cohort and KPIs
        // 1–5 and 8, and KPIs 6, 9 and 10 (a national run's are each a few hundred milliseconds).
        let ((closing, withEnd, kpiRows), otherRows) = concurrently(
            { closingKPIs(f, period: period) }, { laterKPIs(f, period: period) })
        var rows = kpiRows + otherRows
        let board = BoardAttendance.rows(f.boardMeetings, period: period)
        rows += board.rows
        var notes = board.notes
        if withEnd < closing {
            // No counts in words: a note is not withheld as the figures are (`Disclosure`).
            notes.append(
                "Some children whose intervention ended have no end-of-intervention KPI data (the figure \"missing end data\"); shares at the end are of those with it, and shares at the start of those with start data."
            )
        }
        return ReportResult(rows: rows, notes: notes)
    }

    /// The closing cohort and KPIs 1–5 and 8 (`kpis`): how many children are in the cohort, how many
    /// of them have end data, and the rows.
    static func closingKPIs(_ f: ReportFacts, period: ReportPeriod) -> (Int, Int, [ReportRow]) {
        var kpi: [String: [String: PracticeFact]] = [:]  // intervention → stage → record
        for r in f.practice[.kpi] ?? [] { if let i = r.intervention, let s = r.text("stage") { kpi[i, default: [:]][s] = r } }
        // The closing cohort is of children, not interventions (domain.md): each child whose
        // intervention ended in the period once, at the position of the one that ended last
        // (one with end data before one without).
        func rank(_ i: InterventionSpan) -> (Int, Int, String) { (kpi[i.id]?["end"] != nil ? 1 : 0, i.end?.dayNumber ?? 0, i.id) }
        var last: [String: InterventionSpan] = [:]
        // A transfer to another service is not an end: the work continues there.
        for i in f.interventions
        where i.end.map(period.contains) == true && i.closureReason != ClosureReason.transferred.rawValue && f.child(i.child) != nil {
            if let current = last[i.child], rank(current) >= rank(i) { continue }
            last[i.child] = i
        }
        let closing = last.values.sorted { $0.child < $1.child }
        var rows = f.counted("closing_cohort", closing.map(\.child), ageOn: period.to)
        // Each closing intervention's records, found once for all the counts below.
        let records = closing.map { kpi[$0.id] }
        let withEnd = records.filter { $0?["end"] != nil }.count
        let withStart = records.filter { $0?["start"] != nil }.count
        rows += f.counted("missing_end_data", zip(closing, records).filter { $0.1?["end"] == nil }.map(\.0.child), ageOn: period.to)
        // A share divides by the children with data at the same stage as its count.
        func count(_ measure: String, stage: String, _ test: (PracticeFact) -> Bool) {
            var members: [String] = []
            for (i, r) in zip(closing, records) { if let record = r?[stage], test(record) { members.append(i.child) } }
            rows.append(ReportRow(measure: measure, count: members))
            share(
                &rows, measure + "_share", members.count, stage == "end" ? withEnd : withStart,
                sources: stage == "end" ? [measure, "closing_cohort", "missing_end_data"] : [measure, "closing_cohort"])
        }
        func yes(_ k: String) -> (PracticeFact) -> Bool { { $0.text(k) == "yes" } }
        // KPI 2 hours: the mean hours a week offered and attended, of the children with them recorded.
        for stage in ["end", "start"] {
            for field in ["ete_hours_offered", "ete_hours_attended"] {
                let hours = records.compactMap { $0?[stage]?.values[field]?.int }
                if !hours.isEmpty {
                    rows.append(
                        ReportRow(
                            measure: "kpi2_\(field.dropFirst(4))_mean_\(stage)",
                            rate: Rounding.round(Double(hours.reduce(0, +)) / Double(hours.count), places: 1),
                            basis: [hours.count]))
                }
            }
        }
        count("kpi1_suitable_accommodation_end", stage: "end", yes("accommodation_suitable"))
        count("kpi1_suitable_accommodation_start", stage: "start", yes("accommodation_suitable"))
        count("kpi2_suitable_ete_end", stage: "end", yes("ete_suitable"))
        count("kpi2_suitable_ete_start", stage: "start", yes("ete_suitable"))
        count("kpi3_send_identified", stage: "end", yes("send"))
        count("kpi3_ehcp", stage: "end", yes("ehcp"))
        count("kpi3_send_in_suitable_ete", stage: "end") { $0.text("send") == "yes" && $0.text("ete_suitable") == "yes" }
        count("kpi4_mental_health_need", stage: "end", yes("mental_health_need"))
        count("kpi4_mental_health_offered", stage: "end") {
            $0.text("mental_health_need") == "yes" && $0.text("mental_health_offered") == "yes"
        }
        count("kpi4_mental_health_received", stage: "end") {
            $0.text("mental_health_need") == "yes" && $0.text("mental_health_received") == "yes"
        }
        count("kpi5_substance_misuse_need", stage: "end", yes("substance_misuse_need"))
        count("kpi5_substance_misuse_offered", stage: "end") {
            $0.text("substance_misuse_need") == "yes" && $0.text("substance_misuse_offered") == "yes"
        }
        count("kpi5_substance_misuse_received", stage: "end") {
            $0.text("substance_misuse_need") == "yes" && $0.text("substance_misuse_received") == "yes"
        }
        count("kpi8_links_to_wider_services", stage: "end") { r in
            ["looked_after", "child_protection", "child_in_need", "early_help"].contains { r.text($0) == "yes" }
        }
        return (closing.count, withEnd, rows)
    }

    /// KPIs 6, 9 and 10 (`kpis`).
    static func laterKPIs(_ f: ReportFacts, period: ReportPeriod) -> [ReportRow] {
        var rows: [ReportRow] = []
        // KPI 6: children whose out-of-court intervention ended in the period, and of them those
        // who completed it (the last one to end, when a child had several).
        var oocdOf: [String: InterventionSpan] = [:]
        for i in f.interventions
        where i.type.kind == .outOfCourt && i.end.map(period.contains) == true && i.closureReason != ClosureReason.transferred.rawValue
            && f.child(i.child) != nil
        {
            if let c = oocdOf[i.child], (c.end!.dayNumber, c.id) >= (i.end!.dayNumber, i.id) { continue }
            oocdOf[i.child] = i
        }
        let oocd = Array(oocdOf.values)
        let completed = oocd.filter { $0.closureReason == "completed" }
        rows += f.counted("kpi6_oocd_ended", oocd.map(\.child), ageOn: period.to)
        rows += f.counted("kpi6_oocd_completed", completed.map(\.child), ageOn: period.to)
        share(&rows, "kpi6_oocd_completed_share", completed.count, oocd.count, sources: ["kpi6_oocd_completed", "kpi6_oocd_ended"])
        // KPI 9: children in the caseload (open in the period) with a proven serious violence
        // offence, whichever service recorded it (a fact of the child's history).
        var caseload = ChildMarks(f)
        for i in f.interventions where i.overlaps(period) { caseload.mark(i.child) }
        let open = caseload.marked.map(\.child)
        for o in f.offences
        where (o.gravity ?? 0) >= 4 && seriousViolenceCategories.contains(o.category ?? "")
            && f.outcomes[o.outcome]?.countsAsEntry == true && o.outcomeDate.map({ $0 <= period.to }) == true
            && caseload.mark(of: o.child) != 0
        {
            caseload.mark(o.child, 2)
        }
        let violent = caseload.marked.filter { $0.mark & 2 != 0 }.map(\.child)
        rows += f.counted("kpi9_caseload", children: open, ageOn: period.to)
        rows += f.counted("kpi9_serious_violence", children: violent, ageOn: period.to)
        share(&rows, "kpi9_serious_violence_share", violent.count, open.count, sources: ["kpi9_serious_violence", "kpi9_caseload"])
        // KPI 10: victims contacted in the period.
        let victims = (f.practice[.victim] ?? []).filter {
            $0.date("contact_made_on").map(period.contains) == true && f.child($0.child) != nil
        }
        let consented = victims.filter { $0.text("consent") == "yes" }
        let engaged = consented.filter { ($0.text("activity") ?? "none") != "none" }
        rows += f.counted("kpi10_victims_consented", consented.map(\.child), ageOn: period.to)
        rows += f.counted("kpi10_victims_engaged_in_rj", engaged.map(\.child), ageOn: period.to)
        share(
            &rows, "kpi10_victims_engaged_share", engaged.count, consented.count,
            sources: ["kpi10_victims_engaged_in_rj", "kpi10_victims_consented"])
        rows += f.counted("kpi10_views_sought", victims.filter { $0.text("views_sought") == "yes" }.map(\.child), ageOn: period.to)
        let asked = victims.filter { $0.text("wants_progress") == "yes" }
        rows += f.counted("kpi10_progress_requested", asked.map(\.child), ageOn: period.to)
        rows += f.counted("kpi10_progress_given", asked.filter { $0.text("progress_given") == "yes" }.map(\.child), ageOn: period.to)
        return rows
    }

    // MARK: Disproportionality

    public static func disproportionality(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        var open = ChildMarks(f)
        for i in f.interventions where i.overlaps(period) { open.mark(i.child) }
        let cohort = open.marked.map(\.child)
        var rows = [ReportRow(measure: "cohort_count", count: cohort.map(\.key))]
        // Shares of the population only when every service in the run has figures for the year.
        let cells = f.population.total(period.from.year) != nil ? f.populationCells.filter { $0.year == period.from.year } : []
        var notes: [String] = []
        if cells.isEmpty { notes.append(f.population.missing(period.from.year, "population shares and ratios are")) }
        func dimension<E: CodedValue>(
            _ breakdown: String, _ value: (ChildFacts) -> E, known: (String) -> Bool, population: (PopulationCell) -> String
        ) {
            // The cohort grouped once, by case (a national cohort is over a hundred thousand children).
            let cases = Array(E.allCases)
            let groups = cases.map(\.rawValue)
            var byGroup = Array(repeating: [String](), count: cases.count)
            for c in cohort { if let i = cases.firstIndex(of: value(c)) { byGroup[i].append(c.key) } }
            let knownCount = zip(groups, byGroup).filter { known($0.0) }.map(\.1.count).reduce(0, +)
            let popTotal = cells.filter { known(population($0)) }.map(\.count).reduce(0, +)
            for (g, members) in zip(groups, byGroup) {
                let pop = cells.filter { population($0) == g }.map(\.count).reduce(0, +)
                guard !members.isEmpty || pop > 0 else { continue }
                rows.append(ReportRow(measure: "cohort_count", breakdown: breakdown, group: g, count: members))
                guard known(g) else { continue }
                // The ratio from the unrounded shares, rounded once at the end (domain.md).
                let c = knownCount > 0 ? Double(members.count) * 100 / Double(knownCount) : nil
                let p = popTotal > 0 ? Double(pop) * 100 / Double(popTotal) : nil
                if let c {
                    rows.append(
                        ReportRow(
                            measure: "cohort_share", breakdown: breakdown, group: g, rate: Rounding.round(c, places: 1),
                            basis: [members.count, knownCount], sources: ["cohort_count"]))
                }
                if let p {
                    rows.append(ReportRow(measure: "population_share", breakdown: breakdown, group: g, rate: Rounding.round(p, places: 1)))
                }
                if let c, let p, p > 0 {
                    rows.append(
                        ReportRow(
                            measure: "ratio", breakdown: breakdown, group: g, rate: Rounding.round(c / p, places: 2),
                            basis: [members.count, knownCount], sources: ["cohort_count"]))
                }
            }
        }
        // The shares and ratios, and beside them (on the other processor) the counts with the standard breakdowns.
        let (_, counts) = concurrently(
            {
                dimension("ethnicity", { $0.ethnicityGroup }, known: { $0 != "unknown" }, population: \.ethnicityGroup)
                dimension("sex", { $0.sex }, known: { $0 == "female" || $0 == "male" }, population: \.sex)
            },
            { () -> [ReportRow] in
                var rows: [ReportRow] = []
                let care = cohort.filter { $0.careStatus != .none }
                rows += f.counted("care_experienced", children: care, ageOn: period.to)
                share(&rows, "care_experienced_share", care.count, cohort.count, sources: ["care_experienced", "cohort_count"])
                let ehcp = cohort.filter { $0.ehcp == .yes }
                rows += f.counted("ehcp", children: ehcp, ageOn: period.to)
                share(&rows, "ehcp_share", ehcp.count, cohort.count, sources: ["ehcp", "cohort_count"])
                let send = cohort.filter { $0.send == .yes }
                rows += f.counted("send", children: send, ageOn: period.to)
                share(&rows, "send_share", send.count, cohort.count, sources: ["send", "cohort_count"])
                return rows
            })
        return ReportResult(rows: rows + counts, notes: notes)
    }

    // MARK: Offence profile

    public static func offenceProfile(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // Proven offences (domain.md): an outcome that counts as an entry, dated in the period, for
        // an offence committed aged 10–17. Unproven ones (pending, not guilty, dismissed, no further
        // action, community resolution, Outcome 21/22/23) are not in the profile.
        let offences = f.offences.filter { o in
            guard o.inRun, let d = o.outcomeDate, period.contains(d), f.outcomes[o.outcome]?.countsAsEntry == true,
                let c = f.child(o.child)
            else { return false }
            return (10...17).contains(c.dateOfBirth.age(on: o.offenceDate))
        }
        var rows = f.counted("offences", offences.map(\.child), ageOn: period.to)
        for (category, list) in Dictionary(grouping: offences, by: { $0.category ?? "not_recorded" }).sorted(by: {
            $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key
        }) {
            rows.append(ReportRow(measure: "offences", breakdown: "category", group: category, count: list.map(\.child)))
            share(
                &rows, "share", list.count, offences.count, breakdown: "category", group: category,
                sources: ["offences", "offences|all|all"])
        }
        return ReportResult(
            rows: rows,
            notes: [
                "Proven offences: those whose outcome counts as an entry (a caution, conditional caution or conviction) dated in the period, committed aged 10–17; a child with several counts once for each."
            ])
    }

    // MARK: Caseload

    public static func caseload(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // As at the last day, from the allocation history: `caseManager` is the case manager on that day.
        let open = f.interventions.filter { $0.isOpen(on: period.to) && $0.caseManager != nil && f.child($0.child) != nil }
        var rows = [ReportRow(measure: "open_interventions", count: open.map(\.child))]
        // Both counts with the standard breakdowns (the children's teams on that day, among them),
        // worked out beside the workers' rows (on the other processor).
        let ((childRows, openRows), (workerRows, over, capsUsed)) = concurrently(
            {
                (
                    f.counted("children", Array(Set(open.map(\.child))), ageOn: period.to),
                    f.counted("open_interventions", open.map(\.child), ageOn: period.to)
                )
            },
            { () -> ([ReportRow], [String], Set<Int>) in
                var rows: [ReportRow] = []
                var over: [String] = []
                let byWorker = Dictionary(grouping: open, by: { $0.caseManager! })
                var capsUsed = Set<Int>()
                for (worker, list) in byWorker.sorted(by: { (f.workers[$0.key] ?? $0.key) < (f.workers[$1.key] ?? $1.key) }) {
                    let name = f.workers[worker] ?? worker
                    rows.append(ReportRow(measure: "open_interventions", breakdown: "worker", group: name, count: list.map(\.child)))
                    let children = Array(Set(list.map(\.child)))
                    rows.append(ReportRow(measure: "children", breakdown: "worker", group: name, count: children))
                    // The cap of the service they work for: with children in several, the one with most of them.
                    var byService: [String: Set<String>] = [:]
                    for i in list { byService[i.service, default: []].insert(i.child) }
                    let main =
                        byService.max { a, b in a.value.count != b.value.count ? a.value.count < b.value.count : a.key > b.key }?.key ?? ""
                    let cap = f.caps[main] ?? f.caseloadCap
                    capsUsed.insert(cap)
                    if children.count > cap { over.append(name) }
                }
                return (rows, over, capsUsed)
            })
        // The children's figure first, the breakdowns after the workers' rows.
        rows += childRows.filter { $0.breakdown == "all" }
        rows += workerRows
        rows += openRows.filter { $0.breakdown != "all" }
        rows += childRows.filter { $0.breakdown != "all" }
        rows.append(ReportRow(measure: "over_cap", rate: Double(over.count)))
        let caps = Set(f.caps.values).union(capsUsed)
        let capNote =
            caps.count <= 1
            ? "The caseload cap is \(caps.first ?? f.caseloadCap) children per worker."
            : "Each worker's cap is that of the service they hold most children in (caps here: \(caps.sorted().map(String.init).joined(separator: ", ")))."
        return ReportResult(
            rows: rows, notes: ["As at \(period.to.longFormat), from the allocation history (who was case manager on that day). " + capNote]
        )
    }

    // MARK: Contact attendance

    public static func contactAttendance(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        let tallies = f.contactTallies ?? ContactTally.tallies(f.practice[.contact] ?? [], period: period)
        // Counts of contacts: each child once with their number of contacts (the drill-down shows
        // how many each). One pass over the tallies gathers every row's members and the rate's
        // parts, in the tallies' order (a national year is a hundred thousand children: the tallies
        // are not copied to leave out those not in the run, and no table of them by key is made).
        struct Counted {
            var keys: [String] = []
            var weights: [Int] = []
            mutating func add(_ key: String, _ n: Int) {
                keys.append(key)
                weights.append(n)
            }
        }
        var all = Counted(), arranged = Counted()
        var byAttendance: [String: Counted] = [:], byType: [String: Counted] = [:]
        var attended = 0, missed = 0
        for t in tallies where f.child(t.child) != nil {
            var total = 0
            for (a, n) in t.byAttendance {
                total += n
                byAttendance[a, default: Counted()].add(t.child, n)
                if a == "attended" { attended += n } else if a == "did_not_attend" || a == "cancelled_by_child" { missed += n }
            }
            if total > 0 { all.add(t.child, total) }
            for (k, n) in t.byType { byType[k, default: Counted()].add(t.child, n) }
            if t.arranged > 0 { arranged.add(t.child, t.arranged) }
        }
        var rows = f.counted("contacts", keys: all.keys, weights: all.weights, ageOn: period.to)
        for (a, c) in byAttendance.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "contacts", breakdown: "attendance", group: a, count: c.keys, weights: c.weights))
        }
        for (t, c) in byType.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "contacts", breakdown: "contact_type", group: t, count: c.keys, weights: c.weights))
        }
        share(
            &rows, "attendance_rate", attended, attended + missed,
            sources: ["contacts|attendance|attended", "contacts|attendance|did_not_attend", "contacts|attendance|cancelled_by_child"])
        rows += f.counted("arranged", keys: arranged.keys, weights: arranged.weights, ageOn: period.to)
        return ReportResult(
            rows: rows,
            notes: [
                "The attendance rate is attended ÷ (attended + did not attend + cancelled by the child); contacts cancelled by the service are left out of it."
            ])
    }

    // MARK: Timeliness

    public static func timeliness(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        let done = f.assessments.filter { $0.submittedOn.map(period.contains) == true && f.child($0.child) != nil }
        // An assessment with no due date is neither on time nor late: it is counted apart.
        let onTime = done.filter { a in a.dueOn.map { a.submittedOn! <= $0 } ?? false }
        var rows = f.counted("assessments_completed", done.map(\.child), ageOn: period.to)
        rows += f.counted("assessments_on_time", onTime.map(\.child), ageOn: period.to)
        rows += f.counted(
            "assessments_late", done.filter { a in a.dueOn.map { a.submittedOn! > $0 } ?? false }.map(\.child), ageOn: period.to)
        let undated = done.filter { $0.dueOn == nil }
        rows += f.counted("assessments_without_due_date", undated.map(\.child), ageOn: period.to)
        share(
            &rows, "assessments_on_time_share", onTime.count, done.count - undated.count,
            sources: ["assessments_on_time", "assessments_completed", "assessments_without_due_date"])
        let reviews = (f.practice[.planReview] ?? []).filter {
            $0.date("reviewed_on").map(period.contains) == true && f.child($0.child) != nil
        }
        rows += f.counted("plan_reviews", reviews.map(\.child), ageOn: period.to)
        // Start assessments still outstanding at the end of the period, and already past due.
        let submitted = Dictionary(grouping: f.assessments.compactMap { a in a.submittedOn.map { (a.intervention, $0) } }, by: \.0)
            .mapValues { $0.map(\.1).min()! }
        let overdue = f.interventions.filter { i in
            guard i.isOpen(on: period.to), let due = f.assessmentDue[i.id], due < period.to, f.child(i.child) != nil else {
                return false
            }
            return submitted[i.id].map { $0 > period.to } ?? true
        }
        rows += f.counted("assessments_overdue", overdue.map(\.child), ageOn: period.to)
        // Plan reviews overdue at the end of the period: open interventions whose next review
        // (every so many months from the start or the last review by then) fell due before the
        // period's last day, unless the planned end comes first.
        var lastReview: [String: LocalDate] = [:]
        for r in f.practice[.planReview] ?? [] {
            guard let i = r.intervention, let d = r.date("reviewed_on"), d <= period.to else { continue }
            lastReview[i] = max(lastReview[i] ?? d, d)
        }
        var panels: [String: [PracticeFact]] = [:]
        for p in f.practice[.panel] ?? [] where p.text("panel_type") == "initial" && p.text("status") == "held" {
            if let i = p.intervention, let d = p.date("held_on"), d <= period.to { panels[i, default: []].append(p) }
        }
        let open = f.interventions.filter { $0.isOpen(on: period.to) && f.child($0.child) != nil }
        let reviewsOverdue = open.filter { i in
            let t = f.timescales[i.service] ?? Timescales()
            let due = (lastReview[i.id] ?? i.start).adding(months: t.reviewMonths(for: i.type))
            return due < period.to
        }
        rows += f.counted("plan_reviews_overdue", reviewsOverdue.map(\.child), ageOn: period.to)
        // Referral order initial panels: held in the period, on time when within the service's
        // working days of the order; and those overdue at the end (none held, past due).
        var held: [String] = [], heldOnTime: [String] = [], panelsOverdue: [String] = []
        for i in f.interventions where i.type == .referralOrder && f.child(i.child) != nil {
            let t = f.timescales[i.service] ?? Timescales()
            let due = f.calendar.adding(workingDays: t.initialPanelWorkingDays, to: i.start)
            let first = panels[i.id]?.compactMap { $0.date("held_on") }.min()
            if let first, period.contains(first) {
                held.append(i.child)
                if first <= due { heldOnTime.append(i.child) }
            } else if first == nil, i.isOpen(on: period.to), due < period.to {
                panelsOverdue.append(i.child)
            }
        }
        rows += f.counted("initial_panels_held", held, ageOn: period.to)
        rows += f.counted("initial_panels_on_time", heldOnTime, ageOn: period.to)
        share(
            &rows, "initial_panels_on_time_share", heldOnTime.count, held.count, sources: ["initial_panels_on_time", "initial_panels_held"])
        rows += f.counted("initial_panels_overdue", panelsOverdue, ageOn: period.to)
        return ReportResult(
            rows: rows,
            notes: [
                "An assessment is on time when first submitted on or before its due date (working days after allocation, per the service's timescales)."
            ])
    }

    // MARK: Plan dashboard

    public static func dashboard(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // Two parts apart, worked out at once on a processor each: the cohort open in the period, and
        // the records of the period (a national run's cohort is over a hundred thousand children).
        let (cohort, records) = concurrently({ dashboardCohort(f, period: period) }, { dashboardRecords(f, period: period) })
        return ReportResult(rows: cohort + records, notes: [])
    }

    /// The plan dashboard's cohort: the children open in the period, by kind of work (`dashboard`).
    static func dashboardCohort(_ f: ReportFacts, period: ReportPeriod) -> [ReportRow] {
        // Each child open in the period once, with the kinds of work they had: one pass over the
        // interventions, then one over their children (a national cohort is over a hundred thousand).
        let kinds: [InterventionType.Kind] = [.statutory, .outOfCourt, .voluntary]
        var open = ChildMarks(f)
        for i in f.interventions where i.overlaps(period) {
            open.mark(i.child, 1 << UInt8(kinds.firstIndex(of: i.type.kind) ?? 0))
        }
        let marked = open.marked
        var cohort: [ChildFacts] = [], byKind: [[ChildFacts]] = Array(repeating: [], count: kinds.count)
        cohort.reserveCapacity(marked.count)
        var ageTotal = 0
        for (c, mask) in marked {
            cohort.append(c)
            ageTotal += c.dateOfBirth.age(on: period.to)
            for k in kinds.indices where mask & (1 << UInt8(k)) != 0 { byKind[k].append(c) }
        }
        // The cohort's breakdowns beside the rest (each a pass over over a hundred thousand children nationally).
        let (cohortRows, kindRows) = concurrently(
            { f.counted("cohort", children: cohort, ageOn: period.to) },
            { () -> [ReportRow] in
                var rows: [ReportRow] = []
                // EHCP by case type: each child once per type of work they had (as the plan's table counts them).
                for (kind, children) in zip(kinds, byKind) {
                    let name = kind == .voluntary ? "prevention" : kind.rawValue
                    rows.append(
                        ReportRow(measure: "children_by_case_type", breakdown: "case_type", group: name, count: children.map(\.key)))
                    let ehcp = children.filter { $0.ehcp == .yes }
                    rows.append(ReportRow(measure: "ehcp_by_case_type", breakdown: "case_type", group: name, count: ehcp.map(\.key)))
                    share(
                        &rows, "ehcp_share_by_case_type", ehcp.count, children.count, breakdown: "case_type", group: name,
                        sources: ["ehcp_by_case_type", "children_by_case_type"])
                }
                return rows + f.counted("care_experienced", children: cohort.filter { $0.careStatus != .none }, ageOn: period.to)
            })
        var rows = cohortRows
        if !cohort.isEmpty {
            rows.append(
                ReportRow(
                    measure: "mean_age", rate: Rounding.round(Double(ageTotal) / Double(cohort.count), places: 1), basis: [cohort.count],
                    sources: ["cohort"]))
        }
        return rows + kindRows
    }

    /// The plan dashboard's records of the period: remands, breaches, health, feedback,
    /// achievements and case audits (`dashboard`).
    static func dashboardRecords(_ f: ReportFacts, period: ReportPeriod) -> [ReportRow] {
        var rows: [ReportRow] = []
        rows += f.counted(
            "remands",
            Array(
                f.interventions.lazy.filter { $0.type == .remand && period.contains($0.start) && f.child($0.child) != nil }.map(\.child)),
            ageOn: period.to)
        rows += f.counted(
            "breaches", f.breaches.filter { period.contains($0.startedOn) && f.child($0.child) != nil }.map(\.child), ageOn: period.to)
        let health = (f.practice[.health] ?? []).filter { f.child($0.child) != nil }
        let assessed = health.filter { $0.date("health_assessment_on").map(period.contains) == true }
        rows += f.counted("health_assessments", assessed.map(\.child), ageOn: period.to)
        // CAMHS referrals: children referred in the period, dated by the referral, each once.
        let referred = Set(
            health.filter { $0.text("camhs_referral") == "yes" && $0.date("camhs_referred_on").map(period.contains) == true }.map(\.child))
        rows += f.counted("camhs_referrals", Array(referred), ageOn: period.to)
        share(
            &rows, "camhs_referral_share", referred.count, Set(assessed.map(\.child)).count,
            sources: ["camhs_referrals", "health_assessments"])
        let feedback = (f.practice[.feedback] ?? []).filter {
            $0.date("given_on").map(period.contains) == true && f.child($0.child) != nil
        }
        rows += f.counted("feedback_responses", feedback.map(\.child), ageOn: period.to)
        let helped = feedback.compactMap { $0.text("helped").flatMap(Int.init) }
        if !helped.isEmpty {
            rows.append(
                ReportRow(
                    measure: "feedback_helped_mean", rate: Rounding.round(Double(helped.reduce(0, +)) / Double(helped.count), places: 2),
                    basis: [helped.count], sources: ["feedback_responses"]))
        }
        share(
            &rows, "feedback_improved_share", feedback.filter { $0.text("improved") == "yes" }.count, feedback.count,
            sources: ["feedback_responses"])
        let audits = (f.practice[.caseAudit] ?? []).filter {
            $0.date("audited_on").map(period.contains) == true && f.child($0.child) != nil
        }
        // Achievements (seed 002, "every child will leave with a portfolio"): awarded in the period,
        // a count of achievements drillable to the children with how many each, and by type.
        let achieved = (f.practice[.achievement] ?? []).filter {
            $0.date("achieved_on").map(period.contains) == true && f.child($0.child) != nil
        }
        rows += f.counted("achievements", achieved.map(\.child), ageOn: period.to)
        for type in CareRecords.achievementTypes.map(\.code) {
            let list = achieved.filter { $0.text("achievement_type") == type }
            if !list.isEmpty { rows.append(ReportRow(measure: "achievements", breakdown: "type", group: type, count: list.map(\.child))) }
        }
        rows += f.counted("case_audits", audits.map(\.child), ageOn: period.to)
        for grade in Options.grades.map(\.code) {
            let list = audits.filter { $0.text("grade") == grade }
            if !list.isEmpty { rows.append(ReportRow(measure: "case_audits", breakdown: "grade", group: grade, count: list.map(\.child))) }
        }
        return rows
    }

    static let definitions: [ReportDefinition] = [
        ReportDefinition(
            name: "kpis", title: "YJB key performance indicators",
            summary: "KPIs 1–6 and 8–10 for the children whose intervention ended in the period, from the start and end KPI data.",
            definition: [
                "The closing cohort: children (not interventions) whose intervention, prevention and diversion included, ended in the period; a child with several is counted once, at the one that ended last. KPIs 1–5 and 8 count the position at the end, from the end-of-intervention KPI data, with the start shown for comparison; shares at the end are of the children with end data, shares at the start of those with start data. KPI 2 also gives the mean ETE hours a week offered and attended.",
                "1 accommodation: in suitable accommodation. 2 ETE: in suitable education, training or employment. 3 SEND: need identified; has an EHCP; with SEND and in suitable ETE. 4 mental health and 5 substance misuse: need identified, support offered, support received. 8 links to wider services: looked after, on a child protection plan, a child in need or on an early help plan.",
                "6 out-of-court disposals: children whose out-of-court intervention ended in the period and who completed it, as a share of all children whose out-of-court intervention ended. 9 serious violence (our reading): children open in the period with a proven offence of violence against the person, robbery or drugs with a gravity score of 4 or 5. 10 victims: victims contacted in the period who took part in restorative justice, as a share of those who consented to contact; also views sought and progress information asked for and given.",
                "7 management board: board meetings held in the period, and for each partner agency (children's social care, education, health, police, probation) the share of them it attended, attended at a senior level, and contributed its data to.",
                "The YJB has not published 6–9 in a form we could confirm: this is our documented reading."
            ],
            measures: [
                ("closing_cohort", "Children whose intervention ended"),
                ("kpi1_suitable_accommodation_end_share", "KPI 1: in suitable accommodation at the end (%)"),
                ("kpi2_suitable_ete_end_share", "KPI 2: in suitable ETE at the end (%)"), ("kpi3_ehcp_share", "KPI 3: with an EHCP (%)"),
                ("kpi4_mental_health_received", "KPI 4: received mental health support"),
                ("kpi5_substance_misuse_received", "KPI 5: received substance misuse support"),
                ("kpi6_oocd_completed_share", "KPI 6: out-of-court disposals completed (%)"),
                ("kpi7_board_meetings", "KPI 7: board meetings held"),
                ("kpi8_links_to_wider_services_share", "KPI 8: linked to wider services (%)"),
                ("kpi9_serious_violence", "KPI 9: children with a serious violence offence"),
                ("kpi10_victims_engaged_share", "KPI 10: consenting victims engaged in RJ (%)")
            ],
            needs: [.offences, .interventions, .practice(.kpi), .practice(.victim), .boardMeetings],
            scope: [.interventionOverlaps, .practiceIn(.victim)], compute: kpis),
        ReportDefinition(
            name: "disproportionality", title: "Disproportionality",
            summary:
                "Each ethnicity group's and each sex's share of the children worked with, against their share of the local population aged 10–17, with care-experienced, EHCP and SEND shares.",
            definition: [
                "The cohort: children with any intervention open at some point in the period.",
                "For each ethnicity group and each sex: the count; the share of the cohort whose value is known; the share of the local population aged 10–17 (for the calendar year in which the period starts); and the ratio of the two, to two decimal places. A ratio above 1 means the group is over-represented.",
                "Care-experienced (looked after or a care leaver), EHCP and SEND shares are of the whole cohort: children with the value not recorded count in the denominator."
            ],
            measures: [
                ("cohort_count", "Children in the cohort"), ("care_experienced_share", "Care-experienced (%)"),
                ("ehcp_share", "With an EHCP (%)"), ("send_share", "With SEND (%)")
            ],
            needs: [.interventions, .populationCells], scope: [.interventionOverlaps], compute: disproportionality),
        ReportDefinition(
            name: "offence-profile", title: "Offence profile",
            summary: "The offences committed in the period by category, with each category's share.",
            definition: [
                "Proven offences: offences whose outcome counts as an entry (a youth caution, youth conditional caution or conviction) with the outcome dated in the period, committed aged 10 to 17; by offence category, with each category's share of all of them (one decimal place). Offences with no outcome yet, or an outcome that does not count as an entry (not guilty, dismissed, no further action, community resolution, Outcome 21, 22 or 23), are not in the profile."
            ],
            measures: [("offences", "Proven offences")], needs: [.offences], scope: [.outcomeIn], compute: offenceProfile),
        ReportDefinition(
            name: "caseload", title: "Caseloads",
            summary: "Open interventions and children per case manager at the end of the period, and how many workers are past the cap.",
            definition: [
                "As at the last day of the period, from the allocation history: the interventions open on that day (started on or before it, not ended before it) with a case manager on that day, and the children behind them, per case manager (a worker is a user, not a name). A worker is over the cap when they hold more children than the cap of the service they work for; with children in several services, the service with most of them."
            ],
            measures: [("open_interventions", "Open interventions"), ("children", "Children"), ("over_cap", "Workers past the cap")],
            needs: [.interventions, .workers], scope: [.interventionOpenAtEnd], compute: caseload),
        ReportDefinition(
            name: "contact-attendance", title: "Contact attendance",
            summary: "Contacts in the period by attendance and type, and the attendance rate.",
            definition: [
                "Contacts dated in the period with their attendance recorded, by attendance and by type. The attendance rate is attended ÷ (attended + did not attend + cancelled by the child), to one decimal place. Arranged contacts (no attendance yet) are counted separately."
            ],
            measures: [
                ("contacts", "Contacts with attendance recorded"), ("attendance_rate", "Attendance rate (%)"),
                ("arranged", "Still arranged")
            ],
            needs: [.contactTallies], scope: [.practiceIn(.contact)], compute: contactAttendance),
        ReportDefinition(
            name: "timeliness", title: "Timeliness",
            summary:
                "Assessments completed in the period on time and late, plan reviews held, and start assessments overdue at the end of the period.",
            definition: [
                "An assessment is completed when first submitted, and on time when that is on or before its due date (working days after allocation, per the service's timescales, skipping weekends and bank holidays); one with no due date is counted apart, neither on time nor late. Plan reviews: reviews dated in the period. Overdue: open interventions whose start assessment was due before the last day of the period and had not been submitted by then.",
                "Plan reviews overdue: interventions open on the last day of the period whose next review (every so many months, per the service's timescales, from the start or the last review) fell due before that day. Referral order initial panels: first initial panels held in the period, on time when within the service's working days of the order (20 by default); overdue: orders open on the last day with no initial panel held and past that deadline."
            ],
            measures: [
                ("assessments_completed", "Assessments completed"), ("assessments_on_time_share", "On time (%)"),
                ("assessments_late", "Late"),
                ("plan_reviews", "Plan reviews"), ("assessments_overdue", "Overdue at the end of the period"),
                ("plan_reviews_overdue", "Plan reviews overdue at the end"), ("initial_panels_on_time_share", "Initial panels on time (%)"),
                ("initial_panels_overdue", "Initial panels overdue at the end")
            ],
            needs: [.interventions, .assessments, .practice(.planReview), .practice(.panel)],
            scope: [.assessmentSubmittedIn, .practiceIn(.planReview), .practiceIn(.panel), .interventionOpenAtEnd], compute: timeliness),
        ReportDefinition(
            name: "plan-dashboard", title: "Annual plan dashboard",
            summary:
                "The figures of the youth justice plan's performance dashboard: cohort and mean age, EHCP by case type, care-experienced children, remands, breaches, health assessments and CAMHS referrals, feedback and case audits.",
            definition: [
                "Cohort: children with any intervention open in the period; mean age on the last day of the period. EHCP by case type counts each child once for each type of work (statutory, out-of-court, prevention) open in the period.",
                "Remands: remand interventions starting in the period. Breaches: breach actions started in the period. Health assessments: health records whose assessment is dated in the period. CAMHS referrals: children referred to CAMHS in the period (by the referral's date), each once, with their share of the children assessed. Feedback: responses given in the period (how much the service helped, 1–5, and whether things improved). Case audits: audits dated in the period, by grade. Achievements: unit awards, qualifications and certificates dated in the period (a count of achievements; its list shows how many each child had), by type."
            ],
            measures: [
                ("cohort", "Children worked with"), ("mean_age", "Mean age"), ("care_experienced", "Care-experienced children"),
                ("remands", "Remands"),
                ("breaches", "Breaches of statutory orders"), ("health_assessments", "Health assessments"),
                ("camhs_referrals", "Referred to CAMHS"),
                ("feedback_responses", "Feedback responses"), ("feedback_helped_mean", "How much the service helped (mean, 1–5)"),
                ("case_audits", "Case audits"), ("achievements", "Achievements")
            ],
            needs: [
                .interventions, .practice(.breach), .practice(.health), .practice(.feedback), .practice(.caseAudit), .practice(.achievement)
            ],
            scope: [
                .interventionOverlaps, .practiceIn(.breach), .practiceIn(.health), .practiceIn(.feedback), .practiceIn(.caseAudit),
                .practiceIn(.achievement)
            ],
            compute: dashboard)
    ]
}
