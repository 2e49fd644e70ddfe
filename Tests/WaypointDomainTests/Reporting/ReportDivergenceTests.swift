import Testing
import WaypointDomain

/// Hand-built cases for each place the reports differed from domain.md (issue #15, "What we
/// found"): each asserts domain.md's figure where the earlier code gave another.
@Suite struct ReportDivergenceTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    let q = ReportPeriod(from: LocalDate(iso: "2024-04-01")!, to: LocalDate(iso: "2024-06-30")!)!
    let y2024 = ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-12-31")!)!
    let outcomes = Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) })

    func child(_ key: String, born: String = "2009-06-01", group: EthnicityGroup = .white) -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: d(born), sex: .male, ethnicityGroup: group, careStatus: .none, send: nil, ehcp: nil,
            district: nil)
    }
    func facts(_ children: [ChildFacts], _ offences: [OffenceFacts] = [], population: [Int: Int] = [:]) -> ReportFacts {
        ReportFacts(
            children: Dictionary(uniqueKeysWithValues: children.map { ($0.key, $0) }), offences: offences, outcomes: outcomes,
            population: Population(byYear: population), today: d("2027-01-01"))
    }
    func o(_ child: String, _ offence: String, _ outcome: String, _ date: String?, category: String = "theft") -> OffenceFacts {
        OffenceFacts(child: child, offenceDate: d(offence), outcome: outcome, outcomeDate: date.map { d($0) }, category: category)
    }
    func span(_ id: String, _ child: String, _ type: InterventionType, _ start: String, _ end: String?, reason: String? = nil)
        -> InterventionSpan
    {
        InterventionSpan(child: child, type: type, start: d(start), end: end.map { d($0) }, id: id, closureReason: reason)
    }
    func row(_ r: ReportResult, _ m: String, _ b: String = "all", _ g: String = "all") -> ReportRow? {
        r.rows.first { $0.measure == m && $0.breakdown == b && $0.group == g }
    }
    func value(_ r: ReportResult, _ m: String, _ b: String = "all", _ g: String = "all") -> Double? { row(r, m, b, g)?.value }

    @Test func theOffenceProfileCountsProvenOffencesOnly() {
        let f = facts(
            [child("A"), child("B"), child("C"), child("D"), child("E"), child("F", born: "2015-01-01"), child("G"), child("H")],
            [
                o("A", "2024-04-02", "youth_caution", "2024-04-10"),
                o("B", "2024-04-02", "not_guilty", "2024-05-01"),
                o("C", "2024-04-02", "pending", nil),
                o("D", "2024-04-02", "dismissed", "2024-05-01"),
                o("E", "2024-04-02", "community_resolution", "2024-05-01"),
                o("F", "2024-04-02", "youth_caution", "2024-05-01"),  // aged 9 on the offence date
                o("G", "2024-01-10", "referral_order", "2024-05-01", category: "robbery"),  // committed before, proven in the period
                o("H", "2024-04-02", "youth_caution", "2024-07-01")  // proven after the period
            ])
        let r = PracticeReports.offenceProfile(f, period: q)
        #expect(value(r, "offences") == 2)
        #expect(row(r, "offences")?.children == ["A", "G"])
        #expect(value(r, "share", "category", "robbery") == 50)
    }

    @Test func theDisproportionalityRatioIsFromUnroundedShares() {
        var f = facts((1...7).map { child("C\($0)", group: $0 == 1 ? .black : .white) }, population: [2024: 1000])
        f.interventions = (1...7).map { span("i\($0)", "C\($0)", .prevention, "2024-05-01", nil) }
        f.populationCells = [
            PopulationCell(year: 2024, sex: "male", ethnicityGroup: "white", count: 955),
            PopulationCell(year: 2024, sex: "male", ethnicityGroup: "black", count: 45)
        ]
        let r = PracticeReports.disproportionality(f, period: q)
        #expect(value(r, "cohort_share", "ethnicity", "black") == 14.3)
        #expect(value(r, "population_share", "ethnicity", "black") == 4.5)
        // 14.2857… ÷ 4.5 = 3.1746… → 3.17; the rounded shares would give 14.3 ÷ 4.5 = 3.18.
        #expect(value(r, "ratio", "ethnicity", "black") == 3.17)
    }

    func kpi(_ i: String, _ child: String, _ stage: String, _ v: [String: StoredValue]) -> PracticeFact {
        PracticeFact(child: child, intervention: i, values: v.merging(["stage": .text(stage)]) { a, _ in a })
    }

    @Test func theKPIClosingCohortAndKPI6CountChildren() {
        var f = facts([child("A"), child("B"), child("C")])
        f.interventions = [
            span("a1", "A", .prevention, "2024-01-01", "2024-04-15"), span("a2", "A", .turnaround, "2024-02-01", "2024-06-01"),
            span("b1", "B", .prevention, "2024-01-01", "2024-05-01"),
            span("c1", "C", .youthCaution, "2024-01-01", "2024-04-20", reason: "disengaged"),
            span("c2", "C", .youthConditionalCaution, "2024-02-01", "2024-06-20", reason: "completed")
        ]
        f.practice[.kpi] = [
            kpi("a2", "A", "start", ["accommodation_suitable": .text("yes")]),
            kpi("a2", "A", "end", ["accommodation_suitable": .text("yes"), "ete_hours_offered": .int(20), "ete_hours_attended": .int(15)]),
            kpi("b1", "B", "end", ["accommodation_suitable": .text("no"), "ete_hours_offered": .int(25), "ete_hours_attended": .int(10)])
        ]
        let r = PracticeReports.kpis(f, period: q)
        #expect(value(r, "closing_cohort") == 3, "children, not their five interventions")
        #expect(value(r, "missing_end_data") == 1)
        #expect(value(r, "kpi1_suitable_accommodation_end_share") == 50)
        // The start share divides by the children with start data (1), not those with end data (2).
        #expect(value(r, "kpi1_suitable_accommodation_start_share") == 100)
        #expect(value(r, "kpi6_oocd_ended") == 1)
        #expect(value(r, "kpi6_oocd_completed") == 1)
        #expect(value(r, "kpi6_oocd_completed_share") == 100)
        #expect(value(r, "kpi2_hours_offered_mean_end") == 22.5)
        #expect(value(r, "kpi2_hours_attended_mean_end") == 12.5)
    }

    @Test func camhsReferralsAreDatedByTheReferralAndCountChildren() {
        var f = facts([child("A"), child("B")])
        func health(_ c: String, assessed: String, referred: String?) -> PracticeFact {
            var v: RecordValues = ["health_assessment_on": .text(assessed), "camhs_referral": .text(referred == nil ? "no" : "yes")]
            if let referred { v["camhs_referred_on"] = .text(referred) }
            return PracticeFact(child: c, intervention: "i", values: v)
        }
        f.practice[.health] = [
            health("A", assessed: "2024-03-01", referred: "2024-04-05"),  // assessed before, referred in the period
            health("A", assessed: "2024-05-01", referred: "2024-05-02"),  // the same child again
            health("B", assessed: "2024-05-01", referred: "2024-07-02")
        ]  // referred after the period
        let r = PracticeReports.dashboard(f, period: q)
        #expect(value(r, "camhs_referrals") == 1)
        #expect(row(r, "camhs_referrals")?.children == ["A"])
        #expect(value(r, "health_assessments") == 2)
    }

    @Test func anAssessmentWithNoDueDateIsNotOnTime() {
        var f = facts([child("A"), child("B")])
        f.interventions = [span("i1", "A", .prevention, "2024-03-01", nil), span("i2", "B", .prevention, "2024-03-01", nil)]
        f.assessments = [
            AssessmentFact(child: "A", intervention: "i1", submittedOn: d("2024-04-10"), dueOn: nil),
            AssessmentFact(child: "B", intervention: "i2", submittedOn: d("2024-04-10"), dueOn: d("2024-04-12"))
        ]
        let r = PracticeReports.timeliness(f, period: q)
        #expect(value(r, "assessments_on_time") == 1)
        #expect(value(r, "assessments_without_due_date") == 1)
        #expect(value(r, "assessments_on_time_share") == 100, "of the assessments with a due date")
    }

    @Test func custodyCountsOffencesCommittedAged10To17AndListsTheChildren() {
        let f = facts(
            [child("A"), child("B", born: "2005-01-01")],
            [
                o("A", "2024-01-05", "detention_and_training_order", "2024-02-01"),
                o("A", "2024-01-06", "detention_and_training_order", "2024-03-01"),
                o("B", "2023-06-01", "detention_and_training_order", "2024-02-01")  // aged 18 on the offence date
            ], population: [2024: 10_000])
        let r = Custody.compute(f, period: y2024)
        #expect(value(r, "custodial_sentences") == 2)
        #expect(row(r, "custodial_sentences")?.children == ["A"])
        #expect(row(r, "custodial_sentences")?.recordsByChild == ["A": 2])
        #expect(value(r, "children_sentenced_to_custody") == 1)
        #expect(value(r, "custody_rate_per_1000") == 0.1)
    }

    @Test func reoffendingCountsOffencesCommittedAged10To17AndListsTheReoffences() {
        let f = facts(
            [child("A"), child("B", born: "2005-01-01")],
            [
                o("A", "2024-01-05", "youth_caution", "2024-02-01"),
                o("A", "2024-03-01", "referral_order", "2024-05-01"),
                o("A", "2024-04-01", "fine", "2024-06-01"),
                o("B", "2023-06-01", "fine", "2024-02-01")  // aged 18 on the offence date: not in the cohort
            ])
        let r = Reoffending.compute(f, period: ReportPeriod(from: d("2024-01-01"), to: d("2024-03-31"))!)
        #expect(value(r, "cohort") == 1)
        #expect(value(r, "reoffences") == 2)
        #expect(row(r, "reoffences")?.recordsByChild == ["A": 2])
    }

    @Test func aChildSupportedAgainInThePeriodCountsFromThatStart() {
        var f = facts([child("A"), child("B")], [o("A", "2024-08-01", "youth_caution", "2024-09-01")])
        f.interventions = [
            span("a0", "A", .prevention, "2023-01-10", "2023-04-10"), span("a1", "A", .diversion, "2024-05-01", nil),
            span("b1", "B", .prevention, "2024-02-01", nil)
        ]
        let r = DiversionOutcomes.compute(f, period: q)
        #expect(row(r, "supported")?.children == ["A"], "an episode before the period does not stop a child counting")
        #expect(row(r, "became_fte")?.children == ["A"], "entry within 12 months of the start in the period")
    }

    @Test func theAttendanceRateCountsCancellationsByTheChildAsMissed() {
        var f = facts([child("A")])
        f.practice[.contact] = ["attended", "attended", "attended", "did_not_attend", "cancelled_by_child", "cancelled_by_service"].map {
            PracticeFact(child: "A", intervention: "i", values: ["contact_on": .text("2024-05-01"), "attendance": .text($0)])
        }
        let r = PracticeReports.contactAttendance(f, period: q)
        #expect(value(r, "attendance_rate") == 60)
    }

    @Test func aRateOverSeveralServicesNeedsEveryOnesPopulation() {
        let partial = Population(byService: ["WF": [2024: 1000]], services: ["LN", "WF"])
        #expect(partial.total(2024) == nil)
        #expect(partial.missing(2024, "the rate is").contains("No population figures for 2024 for LN"))
        let whole = Population(byService: ["WF": [2024: 1000], "LN": [2024: 500]], services: ["LN", "WF"])
        #expect(whole.total(2024) == 1500)
        let f = FirstTimeEntrants.compute(
            children: ["A": child("A")], offences: [o("A", "2024-04-02", "youth_caution", "2024-04-10")], outcomes: outcomes,
            period: q, population: partial)
        #expect(f.rows.first { $0.measure == "fte_rate_per_100k" } == nil)
    }

    @Test func anAddedEntryCodeIsReportedInItsOwnDisposalGroup() {
        var types = outcomes
        types["youth_diversion_order"] = OutcomeType(
            code: "youth_diversion_order", label: "Youth diversion order", tier: "pre_court", countsAsEntry: true,
            conviction: false, custodial: false, disposalGroup: .youthConditionalCaution)
        let r = FirstTimeEntrants.compute(
            children: ["A": child("A")], offences: [o("A", "2024-04-02", "youth_diversion_order", "2024-04-10")], outcomes: types,
            period: q, population: Population(byYear: [:]))
        #expect(r.rows.first { $0.breakdown == "disposal" }?.group == "youth_conditional_caution")
        // Every national code agrees with itself, and its entry codes each have a group.
        for t in OutcomeType.national {
            #expect(t.contradictions.isEmpty, "\(t.code)")
            #expect((t.disposalGroup != .none) == t.countsAsEntry, "\(t.code)")
        }
    }

    @Test func outcomeCodesCannotContradictThemselves() {
        func parse(_ v: [String: String]) -> [String] {
            let base = [
                "code": "new_code", "label": "New", "tier": "pre_court", "counts_as_entry": "yes", "conviction": "yes", "custodial": "yes",
                "disposal_group": "court"
            ]
            switch OutcomeTypeForm.parse(FormValues(base.merging(v) { _, b in b }), existing: []) {
            case .success: return []
            case .failure(let e): return e.errors.map(\.field)
            }
        }
        #expect(parse([:]) == [])
        #expect(parse(["conviction": "no"]).contains("conviction"), "custodial without conviction")
        #expect(parse(["counts_as_entry": "no"]).contains("counts_as_entry"), "a conviction that is not an entry")
        #expect(parse(["custodial": "no", "disposal_group": "youth_caution"]) == ["disposal_group"], "a conviction outside the court group")
        #expect(parse(["custodial": "no", "conviction": "no", "disposal_group": "court"]) == ["disposal_group"])
        #expect(parse(["custodial": "no", "conviction": "no", "counts_as_entry": "no", "disposal_group": "none"]) == [])
        #expect(parse(["custodial": "no", "conviction": "no", "disposal_group": "none"]) == ["disposal_group"], "an entry with no group")
        #expect(parse(["disposal_group": "nonsense"]) == ["disposal_group"])
        // Editing keeps the code, and asks whether it is retired.
        if case .success(let t) = OutcomeTypeForm.parse(
            FormValues([
                "label": "Fine", "tier": "first_tier", "counts_as_entry": "yes", "conviction": "yes", "custodial": "no",
                "disposal_group": "court", "retired": "yes"
            ]), existing: ["fine"], editing: "fine")
        {
            #expect(t.code == "fine" && t.retired)
        } else {
            Issue.record("a consistent correction is accepted")
        }
    }

    @Test func timelinessMeasuresOverdueReviewsAndInitialPanels() {
        var f = facts([child("A"), child("B"), child("C"), child("D")])
        f.calendar = WorkingDayCalendar(holidays: [])
        f.interventions = [
            span("a", "A", .youthRehabilitationOrder, "2024-01-10", nil),  // review due 10 April: overdue on 30 June
            span("b", "B", .youthRehabilitationOrder, "2024-01-10", nil),  // reviewed 1 May: next due 1 August
            span("c", "C", .referralOrder, "2024-04-01", nil),  // initial panel held 19 April: on time
            span("d", "D", .referralOrder, "2024-05-01", nil)
        ]  // no panel by 30 June: overdue
        func record(_ i: String, _ c: String, _ v: [String: String]) -> PracticeFact {
            PracticeFact(child: c, intervention: i, values: v.mapValues { .text($0) })
        }
        f.practice[.planReview] = [
            record("b", "B", ["reviewed_on": "2024-05-01"]), record("c", "C", ["reviewed_on": "2024-06-01"]),
            record("d", "D", ["reviewed_on": "2024-06-01"])
        ]
        f.practice[.panel] = [
            record("c", "C", ["panel_type": "initial", "status": "held", "held_on": "2024-04-19"]),
            record("d", "D", ["panel_type": "initial", "status": "arranged", "held_on": "2024-07-10"])
        ]
        let r = PracticeReports.timeliness(f, period: q)
        #expect(row(r, "plan_reviews_overdue")?.children == ["A"])
        #expect(row(r, "initial_panels_held")?.children == ["C"])
        #expect(value(r, "initial_panels_on_time_share") == 100)
        #expect(row(r, "initial_panels_overdue")?.children == ["D"])
    }
}
