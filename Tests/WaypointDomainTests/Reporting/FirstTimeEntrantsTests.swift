import Testing
import WaypointDomain

@Suite struct FirstTimeEntrantsTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    let outcomes = Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) })
    let q1 = ReportPeriod(from: LocalDate(iso: "2024-01-01")!, to: LocalDate(iso: "2024-03-31")!)!

    func child(_ key: String, born: String, sex: Sex = .male) -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: d(born), sex: sex, ethnicityGroup: .white, careStatus: .none, send: nil, ehcp: nil,
            district: "North")
    }
    func o(_ child: String, _ offence: String, _ outcome: String, _ date: String?) -> OffenceFacts {
        OffenceFacts(child: child, offenceDate: d(offence), outcome: outcome, outcomeDate: date.map { d($0) })
    }
    func run(_ children: [ChildFacts], _ offences: [OffenceFacts], population: [Int: Int] = [:], outcomes extra: [OutcomeType] = [])
        -> FirstTimeEntrants.Result
    {
        var types = outcomes
        for t in extra { types[t.code] = t }
        return FirstTimeEntrants.compute(
            children: Dictionary(uniqueKeysWithValues: children.map { ($0.key, $0) }), offences: offences,
            outcomes: types, period: q1, population: Population(byYear: population))
    }
    func row(_ r: FirstTimeEntrants.Result, _ breakdown: String = "all", _ group: String = "all") -> [String] {
        r.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == breakdown && $0.group == group }?.children ?? []
    }

    @Test func theFirstEntryCountsAndOutcomesThatDoNotCountAreIgnored() {
        let r = run(
            [
                child("A", born: "2010-01-01"), child("B", born: "2010-01-01"), child("C", born: "2010-01-01"),
                child("D", born: "2010-01-01")
            ],
            [
                o("A", "2023-12-20", "youth_caution", "2024-01-10"),  // entry in the period
                o("B", "2023-10-01", "community_resolution", "2023-11-01"),  // does not count…
                o("B", "2024-01-05", "youth_conditional_caution", "2024-02-01"),  // …so this is B's entry
                o("C", "2023-12-01", "youth_caution", "2023-12-31"),  // entry before the period
                o("C", "2024-01-15", "fine", "2024-02-15"),  // not a first entry
                o("D", "2024-01-15", "outcome_22", "2024-02-15")  // never an entrant
            ])
        #expect(row(r) == ["A", "B"])
        #expect(row(r, "disposal", "youth_caution") == ["A"])
        #expect(row(r, "disposal", "youth_conditional_caution") == ["B"])
    }

    @Test func periodBoundariesAreInclusive() {
        let r = run(
            [
                child("A", born: "2010-01-01"), child("B", born: "2010-01-01"), child("C", born: "2010-01-01"),
                child("D", born: "2010-01-01")
            ],
            [
                o("A", "2023-12-01", "referral_order", "2024-03-31"),
                o("B", "2023-12-01", "youth_caution", "2024-01-01"),
                o("C", "2023-12-01", "youth_caution", "2024-04-01"),
                o("D", "2023-12-01", "youth_caution", "2023-12-31")
            ])
        #expect(row(r) == ["A", "B"])
        #expect(row(r, "disposal", "court") == ["A"])
    }

    @Test func agedTenToSeventeenOnTheOffenceDate() {
        let r = run(
            [
                child("TEN", born: "2013-12-01"), child("NINE", born: "2013-12-02"), child("EIGHTEEN", born: "2005-12-01"),
                child("SEVENTEEN", born: "2005-12-02"), child("LEAP", born: "2012-02-29")
            ],
            [
                o("TEN", "2023-12-01", "youth_caution", "2024-01-20"),  // 10th birthday on the offence date
                o("NINE", "2023-12-01", "youth_caution", "2024-01-20"),  // the day before
                o("EIGHTEEN", "2023-12-01", "youth_caution", "2024-01-20"),  // 18 on the offence date
                o("SEVENTEEN", "2023-12-01", "youth_caution", "2024-01-20"),  // 17 until tomorrow
                o("LEAP", "2022-03-01", "youth_caution", "2024-01-20")  // 10 on 1 March in a common year
            ])
        #expect(row(r) == ["LEAP", "SEVENTEEN", "TEN"])
        #expect(row(r, "age", "10") == ["LEAP", "TEN"])
        #expect(row(r, "age", "17") == ["SEVENTEEN"])
    }

    @Test func pendingOutcomesAndTwoEntriesInThePeriod() {
        let r = run(
            [child("A", born: "2010-01-01"), child("B", born: "2010-01-01")],
            [
                o("A", "2024-01-05", "pending", nil),
                o("B", "2024-01-05", "fine", "2024-03-01"),
                o("B", "2024-01-02", "youth_caution", "2024-02-01")
            ])
        #expect(row(r) == ["B"])
        #expect(row(r, "disposal", "youth_caution") == ["B"])  // the earlier entry decides the disposal
    }

    @Test func aNewOutcomeCodeCountsByItsAttributes() {
        let ydo = OutcomeType(
            code: "youth_diversion_order", label: "Youth diversion order", tier: "pre_court", countsAsEntry: true, conviction: false,
            custodial: false)
        let r = run([child("A", born: "2010-01-01")], [o("A", "2024-01-05", "youth_diversion_order", "2024-02-01")], outcomes: [ydo])
        #expect(row(r) == ["A"])
    }

    @Test func theRateNeedsPopulationFiguresForTheStartYear() {
        let children = (1...3).map { child("C\($0)", born: "2010-01-01") }
        let offences = children.map { o($0.key, "2024-01-02", "youth_caution", "2024-01-10") }
        let withPop = run(children, offences, population: [2024: 22_222])
        #expect(withPop.rows.first { $0.measure == "fte_rate_per_100k" }?.value == 13.5)  // 3 × 100,000 ÷ 22,222 = 13.50…
        #expect(withPop.notes.isEmpty)
        let without = run(children, offences, population: [2023: 20_000])
        #expect(!without.rows.contains { $0.measure == "fte_rate_per_100k" })
        #expect(
            without.notes == [
                "No population figures for 2024: the rate per 100,000 is not shown. An administrator can upload population.csv."
            ])
    }

    @Test(arguments: [(2.675, 2, 2.68), (0.05, 1, 0.1), (-0.05, 1, -0.1), (12.345, 1, 12.3), (12.35, 1, 12.4), (1.005, 2, 1.01)])
    func roundingIsHalfAwayFromZero(x: Double, places: Int, expected: Double) {
        #expect(Rounding.round(x, places: places) == expected)
    }
    /// domain.md, "History stays where it happened" with first time entrants' "first-ever": a
    /// child who entered the justice system in another service and was then transferred here is
    /// not a first time entrant here; a child whose entry is this service's own is.
    @Test func anEntryRecordedByAnotherServiceIsTheChildsFirstEntry() {
        var earlier = o("A", "2023-06-01", "youth_caution", "2023-07-01")
        earlier.inRun = false  // in the service they came from
        var elsewhere = o("B", "2024-01-02", "youth_caution", "2024-01-20")
        elsewhere.inRun = false  // B's entry is another service's
        let r = run(
            [child("A", born: "2010-01-01"), child("B", born: "2010-01-01"), child("C", born: "2010-01-01")],
            [
                earlier, o("A", "2024-01-05", "fine", "2024-02-01"),  // A's conviction here: not a first entry
                elsewhere,
                o("C", "2024-01-05", "youth_caution", "2024-02-01")  // C enters here
            ])
        #expect(row(r) == ["C"])
    }
}

@Suite struct PeriodPresetTests {
    @Test(arguments: [
        ("2026-11-23", PeriodPreset.lastQuarter, "2026-07-01", "2026-09-30"),
        ("2026-01-15", PeriodPreset.lastQuarter, "2025-10-01", "2025-12-31"),
        ("2026-04-01", PeriodPreset.lastQuarter, "2026-01-01", "2026-03-31"),
        ("2026-11-23", PeriodPreset.lastFinancialYear, "2025-04-01", "2026-03-31"),
        ("2026-03-31", PeriodPreset.lastFinancialYear, "2024-04-01", "2025-03-31"),
        ("2026-11-23", PeriodPreset.financialYearToDate, "2026-04-01", "2026-11-23"),
        ("2026-02-10", PeriodPreset.financialYearToDate, "2025-04-01", "2026-02-10")
    ])
    func presets(today: String, preset: PeriodPreset, from: String, to: String) {
        let p = preset.period(today: LocalDate(iso: today)!)
        #expect(p.from.iso == from && p.to.iso == to)
    }

}
