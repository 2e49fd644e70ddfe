/// `children-in-care` (issue 19, seed 001 "In Care Out of Trouble"): looked-after children and
/// care leavers on the caseload, and how the justice system treats children in care against all
/// children. Care status on a date comes from the care history (`CareHistory`), never from the
/// single value on the child's details.
public enum ChildrenInCare {
    public static let name = "children-in-care"

    /// Pre-court outcomes that do not count as an entry: community resolution and Outcomes 21–23
    /// in the national list (decided by the reference data's attributes, not by code).
    public static func isInformal(_ t: OutcomeType) -> Bool { t.tier == "pre_court" && !t.countsAsEntry }

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        var episodes: [String: [CareEpisode]] = [:]
        for r in f.practice[.careEpisode] ?? [] {
            if let e = CareEpisode(r.values) { episodes[r.child, default: []].append(e) }
        }
        // Two parts apart, worked out at once on a processor each: the caseload and who in it is in
        // care, and the outcomes compared (a national run's are each a couple of hundred milliseconds).
        let ((caseloadRows, noHistory), outcomeRows) = concurrently(
            { caseload(f, episodes: episodes, asAt: period.to) }, { outcomes(f, episodes: episodes, period: period) })
        let rows = caseloadRows + outcomeRows
        var notes: [String] = []
        if noHistory > 0 {
            notes.append(
                "\(noHistory) \(noHistory == 1 ? "child" : "children") on the caseload \(noHistory == 1 ? "has" : "have") a care status recorded but no care episode: this report counts only the care history, so record their episodes."
            )
        }
        return ReportResult(rows: rows, notes: notes)
    }

    /// The caseload on the period's last day and who in it is in care (`compute`): the rows, and how
    /// many have a care status recorded without a care history.
    static func caseload(_ f: ReportFacts, episodes: [String: [CareEpisode]], asAt: LocalDate) -> ([ReportRow], Int) {
        var rows: [ReportRow] = []
        // The caseload on the last day of the period, and who in it is in care.
        var open = ChildMarks(f)
        for i in f.interventions where i.isOpen(on: asAt) { open.mark(i.child) }
        // (In no order: a figure's children are sorted only when listed.)
        let caseload = open.marked.map(\.child)
        var lookedAfter: [ChildFacts] = [], leavers: [ChildFacts] = [], noHistory: [ChildFacts] = []
        var byPlacement: [CareHistory.Placement: [String]] = [:]
        for c in caseload {
            let eps = episodes[c.key] ?? []
            if let e = CareHistory.episode(eps, on: asAt) {
                lookedAfter.append(c)
                byPlacement[CareHistory.placement(e), default: []].append(c.key)
            } else if CareHistory.isCareLeaver(eps, dateOfBirth: c.dateOfBirth, on: asAt) {
                leavers.append(c)
            }
            if eps.isEmpty && c.careStatus != .none { noHistory.append(c) }
        }
        let own = (byPlacement[.ownInArea] ?? []) + (byPlacement[.ownOutOfArea] ?? [])
        rows += f.counted("caseload", children: caseload, ageOn: asAt)
        rows += f.counted("looked_after", children: lookedAfter, ageOn: asAt)
        for p in CareHistory.Placement.allCases {
            rows.append(ReportRow(measure: "looked_after", breakdown: "placement", group: p.rawValue, count: byPlacement[p] ?? []))
        }
        PracticeReports.share(&rows, "looked_after_share", lookedAfter.count, caseload.count, sources: ["looked_after", "caseload"])
        rows += f.counted("own_looked_after", own, ageOn: asAt)
        PracticeReports.share(&rows, "own_looked_after_share", own.count, caseload.count, sources: ["own_looked_after", "caseload"])
        rows += f.counted("care_leavers", children: leavers, ageOn: asAt)
        PracticeReports.share(&rows, "care_leaver_share", leavers.count, caseload.count, sources: ["care_leavers", "caseload"])
        rows += f.counted("care_status_without_history", children: noHistory, ageOn: asAt)

        return (rows, noHistory.count)
    }

    /// First time entrants, custody and informal outcomes, offences at a placement and exploitation
    /// (`compute`).
    static func outcomes(_ f: ReportFacts, episodes: [String: [CareEpisode]], period: ReportPeriod) -> [ReportRow] {
        func status(_ c: ChildFacts, on d: LocalDate) -> CareHistory.Status {
            CareHistory.status(episodes[c.key] ?? [], dateOfBirth: c.dateOfBirth, on: d)
        }
        let asAt = period.to
        var rows: [ReportRow] = []
        // First time entrants, custody and informal outcomes in the period: in care (on the
        // outcome's date) against all children.
        func compare(_ measure: String, _ members: [(key: String, on: LocalDate)]) {
            rows += f.counted(measure, members.map(\.key), ageOn: asAt)
            var groups: [CareHistory.Status: [String]] = [:]
            for m in members { if let c = f.child(m.key) { groups[status(c, on: m.on), default: []].append(m.key) } }
            for s in CareHistory.Status.allCases {
                rows.append(ReportRow(measure: measure, breakdown: "care", group: s.rawValue, count: groups[s] ?? []))
            }
            let inCare = (groups[.lookedAfter]?.count ?? 0) + (groups[.careLeaver]?.count ?? 0)
            PracticeReports.share(&rows, measure + "_in_care_share", inCare, members.count, sources: [measure])
        }
        let entries = FirstTimeEntrants.entries(f).values
            .filter { $0.inRun && period.contains($0.outcomeDate) }
        compare("first_time_entrants", entries.map { ($0.child, $0.outcomeDate) })

        var custody: [String: LocalDate] = [:]
        var informal: [(key: String, on: LocalDate)] = []
        var decided: [(key: String, on: LocalDate)] = []
        for o in f.offences {
            guard o.inRun, let t = f.outcomes[o.outcome], let d = o.outcomeDate, period.contains(d), let c = f.child(o.child),
                (10...17).contains(c.dateOfBirth.age(on: o.offenceDate))
            else { continue }
            if t.custodial, custody[o.child].map({ $0 > d }) ?? true { custody[o.child] = d }
            if isInformal(t) { informal.append((o.child, d)) }
            if isInformal(t) || t.countsAsEntry { decided.append((o.child, d)) }
        }
        compare("children_sentenced_to_custody", custody.map { ($0.key, $0.value) })
        compare("informal_outcomes", informal)
        // The use of informal outcomes: their share of the outcomes given (informal or proven),
        // for all children and for each care status.
        PracticeReports.share(&rows, "informal_outcome_share", informal.count, decided.count, sources: ["informal_outcomes"])
        for s in CareHistory.Status.allCases {
            func has(_ m: (key: String, on: LocalDate)) -> Bool { f.child(m.key).map { status($0, on: m.on) == s } ?? false }
            PracticeReports.share(
                &rows, "informal_outcome_share", informal.filter(has).count, decided.filter(has).count, breakdown: "care",
                group: s.rawValue, sources: ["informal_outcomes"])
        }

        // Offences at a care placement committed in the period, and the placement's response.
        var offenceDates: [String: (child: String, date: LocalDate)] = [:]
        for o in f.offences where o.inRun && !o.id.isEmpty { offenceDates[o.id] = (o.child, o.offenceDate) }
        var atPlacement: [String] = [], police: [String] = [], followed: [String] = []
        for r in f.practice[.placementOffence] ?? [] {
            guard let id = r.text("offence_id"), let o = offenceDates[id], period.contains(o.date), f.child(r.child) != nil else {
                continue
            }
            atPlacement.append(r.child)
            if r.text("police_called") == "yes" { police.append(r.child) }
            if r.text("protocol_followed") == "yes" { followed.append(r.child) }
        }
        rows += f.counted("offences_in_placement", atPlacement, ageOn: asAt)
        rows += f.counted("police_called_by_placement", police, ageOn: asAt)
        PracticeReports.share(
            &rows, "police_called_share", police.count, atPlacement.count, sources: ["police_called_by_placement", "offences_in_placement"])
        rows += f.counted("protocol_followed", followed, ageOn: asAt)

        // Exploitation concerns identified in the period, and NRM referrals made in it.
        var concerned: [String] = [], byType: [String: Set<String>] = [:], nrm: [String] = [], byDecision: [String: [String]] = [:]
        for r in f.practice[.exploitation] ?? [] where f.child(r.child) != nil {
            if r.date("identified_on").map(period.contains) == true {
                concerned.append(r.child)
                byType[r.text("concern_type") ?? "other", default: []].insert(r.child)
            }
            if r.text("nrm_referral") == "yes", r.date("nrm_referred_on").map(period.contains) == true {
                nrm.append(r.child)
                byDecision[r.text("nrm_decision") ?? "awaiting", default: []].append(r.child)
            }
        }
        rows += f.counted("children_with_exploitation_concerns", Array(Set(concerned)), ageOn: asAt)
        for (type, children) in byType.sorted(by: { $0.key < $1.key }) {
            rows.append(
                ReportRow(measure: "children_with_exploitation_concerns", breakdown: "concern", group: type, count: Array(children)))
        }
        rows += f.counted("nrm_referrals", nrm, ageOn: asAt)
        for (decision, children) in byDecision.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "nrm_referrals", breakdown: "decision", group: decision, count: children))
        }
        return rows
    }

    public static let definition = ReportDefinition(
        name: name, title: "Children in care and care leavers",
        summary:
            "Looked-after children and care leavers on the caseload, own and placed here by other authorities; first time entrants, custody and informal outcomes for children in care against all children; offences at a placement; exploitation concerns.",
        definition: [
            "The caseload: children with an intervention open on the last day of the period. Looked after: of those, children with a care episode open on that day. Each is split by who is responsible and where they are placed: looked after by this service's authority and placed in its area; by this authority and placed outside it (placed out of county); or by another authority and placed here (out-of-area children). Own looked-after children are the first two. Shares are of the caseload, to one decimal place.",
            "A care leaver on a date: not looked after that day, and looked after for at least 13 weeks in all since their 14th birthday, some of it on or after their 16th birthday (the Children (Leaving Care) Act 2000 test), from the care episodes recorded. A child whose details say looked after or care leaver but who has no care episode is counted apart, as a gap to fill.",
            "First time entrants (as in First time entrants), children sentenced to custody and informal outcomes dated in the period, each by the child's care status on the outcome's date: looked after, care leaver, or neither; with the share who were in care or care leavers. Informal outcomes are pre-court outcomes that do not count as an entry (community resolution and Outcomes 21, 22 and 23 in the national list). The use of informal outcomes is their share of the outcomes given (informal or counting as an entry), for all children and for each care status.",
            "Offences at a placement: offences committed in the period recorded as happening at the child's care placement, with how many times placement staff called the police and how many times a restorative or informal response was considered first (the national protocol on reducing the criminalisation of looked-after children and care leavers). Exploitation: children with a concern of criminal or sexual exploitation, county lines or trafficking identified in the period, by concern, and National Referral Mechanism referrals made in the period, by the decision so far."
        ],
        measures: [
            ("caseload", "Children on the caseload"), ("looked_after", "Looked after"),
            ("looked_after_share", "Looked after (% of caseload)"),
            ("own_looked_after", "Looked after by this authority"), ("own_looked_after_share", "Looked after by this authority (%)"),
            ("care_leavers", "Care leavers"), ("care_leaver_share", "Care leavers (% of caseload)"),
            ("care_status_without_history", "Care status recorded without a care history"),
            ("first_time_entrants", "First time entrants"), ("first_time_entrants_in_care_share", "First time entrants in care (%)"),
            ("children_sentenced_to_custody", "Children sentenced to custody"),
            ("children_sentenced_to_custody_in_care_share", "Sentenced to custody in care (%)"),
            ("informal_outcomes", "Informal outcomes"), ("informal_outcomes_in_care_share", "Informal outcomes in care (%)"),
            ("informal_outcome_share", "Informal outcomes (% of outcomes given)"),
            ("offences_in_placement", "Offences at a care placement"), ("police_called_by_placement", "Placement staff called the police"),
            ("police_called_share", "Placement staff called the police (%)"),
            ("protocol_followed", "Informal response considered first"),
            ("children_with_exploitation_concerns", "Children with exploitation concerns"), ("nrm_referrals", "NRM referrals")
        ],
        needs: [.offences, .interventions, .practice(.careEpisode), .practice(.placementOffence), .practice(.exploitation)],
        scope: [.interventionOpenAtEnd, .outcomeIn, .offenceIn, .practiceIn(.exploitation)], compute: compute)
}
