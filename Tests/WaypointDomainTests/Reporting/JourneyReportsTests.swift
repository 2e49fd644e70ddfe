import Testing
import WaypointDomain

@Suite struct JourneyReportsTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    let outcomes = Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) })
    let y2024 = ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-12-31")!)!

    func child(_ key: String, sex: Sex = .male, born: String = "2009-06-01") -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: d(born), sex: sex, ethnicityGroup: .white, careStatus: .none, send: nil, ehcp: nil,
            district: "North")
    }
    func o(_ child: String, _ offence: String, _ outcome: String, _ date: String?) -> OffenceFacts {
        OffenceFacts(child: child, offenceDate: d(offence), outcome: outcome, outcomeDate: date.map { d($0) })
    }
    func facts(_ children: [ChildFacts], _ offences: [OffenceFacts], population: [Int: Int] = [:], today: String = "2027-01-01")
        -> ReportFacts
    {
        ReportFacts(
            children: Dictionary(uniqueKeysWithValues: children.map { ($0.key, $0) }), offences: offences, outcomes: outcomes,
            population: Population(byYear: population), today: d(today))
    }
    func value(_ r: ReportResult, _ measure: String, _ breakdown: String = "all", _ group: String = "all") -> Double? {
        r.rows.first { $0.measure == measure && $0.breakdown == breakdown && $0.group == group }?.value
    }

    @Test func reoffencesCountInsideTheFollowUpAndWaitingPeriodsOnly() {
        let f = facts(
            [child("A"), child("B", sex: .female), child("C"), child("D", sex: .female)],
            [
                o("A", "2024-01-20", "youth_caution", "2024-02-01"),  // A's index date: 1 Feb 2024
                o("A", "2025-02-01", "referral_order", "2025-05-01"),  // offence on index + 12 months exactly, outcome in time: counts
                o("A", "2024-06-01", "youth_conditional_caution", "2025-08-01"),  // outcome on index + 18 months exactly: counts
                o("B", "2024-03-01", "youth_caution", "2024-03-10"),  // B's index date: 10 Mar 2024
                o("B", "2025-03-11", "youth_caution", "2025-04-01"),  // offence one day after the 12 months: no
                o("B", "2024-05-01", "referral_order", "2025-09-11"),  // outcome one day after the 18 months: no
                o("B", "2024-03-10", "youth_caution", "2024-04-01"),  // offence on the index date itself (not after it): no
                o("C", "2024-04-01", "community_resolution", "2024-04-05"),  // not a proven outcome: not in the cohort
                o("D", "2023-11-01", "youth_caution", "2023-12-01"),  // before the period: not in this cohort…
                o("D", "2024-02-01", "community_resolution", "2024-02-10")  // …and this does not count either
            ])
        let r = Reoffending.compute(f, period: y2024)
        #expect(value(r, "cohort") == 2)
        #expect(value(r, "reoffenders") == 1)
        #expect(value(r, "binary_rate") == 50)
        #expect(value(r, "reoffences") == 2)
        #expect(value(r, "frequency_per_reoffender") == 2)
        #expect(value(r, "frequency_per_child") == 1)
        #expect(value(r, "binary_rate", "sex", "male") == 100)
        #expect(value(r, "binary_rate", "sex", "female") == 0)
        #expect(r.rows.first { $0.measure == "reoffenders" && $0.breakdown == "all" }?.children == ["A"])
        #expect(!r.notes.contains { $0.contains("incomplete") })
        // Asked too early, the report says the follow-up is not complete.
        let early = Reoffending.compute(facts(f.children.values.map { $0 }, f.offences, today: "2025-06-01"), period: y2024)
        #expect(early.notes.contains { $0.contains("The follow-up is incomplete") })
    }

    @Test func theIndexDateIsTheFirstProvenOutcomeInThePeriodAndBothEndsAreInclusive() {
        let f = facts(
            [child("A"), child("B")],
            [
                o("A", "2023-12-01", "youth_caution", "2024-01-01"),  // first day of the period
                o("A", "2024-06-01", "referral_order", "2024-07-01"),  // a reoffence after the index, not a second index
                o("B", "2024-12-01", "youth_caution", "2024-12-31")  // last day of the period
            ])
        let r = Reoffending.compute(f, period: y2024)
        #expect(value(r, "cohort") == 2)
        #expect(value(r, "reoffences") == 1)
    }

    @Test func custodyCountsSentencesChildrenRateRemandsAndBreaches() {
        var f = facts(
            [child("A"), child("B")],
            [
                o("A", "2024-01-01", "detention_and_training_order", "2024-02-01"),
                o("A", "2024-03-01", "detention_and_training_order", "2024-04-01"),
                o("B", "2024-01-01", "referral_order", "2024-02-01")
            ], population: [2024: 3_000])
        f.interventions = [
            InterventionSpan(child: "B", type: .remand, start: d("2024-01-15"), end: nil),
            InterventionSpan(child: "B", type: .remand, start: d("2023-12-31"), end: nil)
        ]
        f.breaches = [BreachFacts(child: "A", startedOn: d("2024-12-31")), BreachFacts(child: "B", startedOn: d("2025-01-01"))]
        let r = Custody.compute(f, period: y2024)
        #expect(value(r, "custodial_sentences") == 2)
        #expect(value(r, "children_sentenced_to_custody") == 1)
        #expect(value(r, "custody_rate_per_1000") == 0.33)  // 1 × 1,000 ÷ 3,000 = 0.333…
        #expect(value(r, "remands") == 1)
        #expect(value(r, "breaches") == 1)
        // Without population, no rate, and the report says why.
        let none = Custody.compute(facts([child("A")], f.offences), period: y2024)
        #expect(value(none, "custody_rate_per_1000") == nil)
        #expect(none.notes.first?.contains("No population figures for 2024") == true)
    }

    @Test func diversionOutcomesFollowEachChildForTwelveMonths() {
        var f = facts(
            [child("A"), child("B"), child("C")],
            [
                o("A", "2024-05-01", "youth_caution", "2024-06-01"),  // entry within 12 months of A's index (1 Mar 2024)
                o("B", "2025-02-01", "youth_caution", "2025-03-02")  // entry 12 months and a day after B's index (1 Mar 2024)
            ])
        f.interventions = [
            InterventionSpan(child: "A", type: .prevention, start: d("2024-03-01"), end: nil),
            InterventionSpan(child: "B", type: .turnaround, start: d("2024-03-01"), end: nil),
            // one before the period does not stop C counting
            InterventionSpan(child: "C", type: .prevention, start: d("2023-11-01"), end: nil),
            InterventionSpan(child: "C", type: .diversion, start: d("2024-02-01"), end: nil)
        ]
        f.referrals = [
            ReferralFacts(
                child: "C", receivedOn: d("2024-01-02"), source: "school", decision: "screened_out", decidedOn: d("2024-01-05"),
                destination: "early_help"),
            ReferralFacts(
                child: "B", receivedOn: d("2023-12-20"), source: "police", decision: "screened_out", decidedOn: d("2023-12-22"),
                destination: "camhs")
        ]
        let r = DiversionOutcomes.compute(f, period: y2024)
        #expect(value(r, "supported") == 3)  // C from 1 February 2024, the earliest start in the period
        #expect(value(r, "became_fte") == 1)
        #expect(r.rows.first { $0.measure == "became_fte" && $0.breakdown == "all" }?.children == ["A"])
        #expect(value(r, "screened_out") == 1)
        #expect(value(r, "screened_out", "destination", "early_help") == 1)
    }

    @Test func screeningMedianWorkingDaysSkipsWeekendsAndBankHolidays() {
        var f = facts([child("A"), child("B"), child("C")], [])
        f.calendar = WorkingDayCalendar(holidays: [d("2024-03-29"), d("2024-04-01")])  // Good Friday, Easter Monday
        f.referrals = [
            ReferralFacts(
                child: "A", receivedOn: d("2024-03-27"), source: "police", decision: "accepted", decidedOn: d("2024-04-02"),
                destination: nil),  // Thu, Tue = 2 working days
            ReferralFacts(
                child: "B", receivedOn: d("2024-03-04"), source: "school", decision: "screened_out", decidedOn: d("2024-03-08"),
                destination: "early_help"),  // 4
            ReferralFacts(child: "C", receivedOn: d("2024-03-04"), source: "school", decision: "pending", decidedOn: nil, destination: nil)
        ]
        let r = Screening.compute(f, period: y2024)
        #expect(value(r, "referrals") == 3)
        #expect(value(r, "referrals", "source", "school") == 2)
        #expect(value(r, "decisions") == 2)
        #expect(value(r, "decisions", "decision", "accepted") == 1)
        #expect(value(r, "median_working_days_to_decision") == 3)
    }

    @Test func aChildInTwoServicesIsCountedOncePerServiceRun() {
        // Each run sees only the children of its services: a child known to another service is not in this one's facts.
        let f = facts(
            [child("A")], [o("A", "2024-01-01", "youth_caution", "2024-02-01"), o("X", "2024-01-01", "youth_caution", "2024-02-01")])
        #expect(value(Reoffending.compute(f, period: y2024), "cohort") == 1)
    }

    /// domain.md, "History stays where it happened": the cohort is of the run's own proven
    /// outcomes; a cohort member's reoffences count wherever they were recorded (a child
    /// transferred after their index date reoffends in the new service).
    @Test func reoffencesRecordedByAnotherServiceCountButOnlyTheRunsOutcomesMakeTheCohort() {
        var later = o("A", "2024-06-01", "youth_caution", "2024-07-01")
        later.inRun = false  // recorded by the service A moved to
        var theirs = o("B", "2024-03-01", "youth_caution", "2024-03-10")
        theirs.inRun = false  // B's outcome is another service's
        let f = facts([child("A"), child("B")], [o("A", "2024-01-20", "youth_caution", "2024-02-01"), later, theirs])
        let r = Reoffending.compute(f, period: y2024)
        #expect(value(r, "cohort") == 1)
        #expect(value(r, "reoffenders") == 1)
        #expect(value(r, "reoffences") == 1)
    }
}
