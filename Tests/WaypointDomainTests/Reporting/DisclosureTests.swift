import Testing
import WaypointDomain

/// Disclosure control for the board: no withheld count comes back from a total, a rate or the
/// other periods of the year.
@Suite struct DisclosureTests {
    static func count(_ measure: String, _ breakdown: String, _ group: String, _ n: Int) -> ReportRow {
        ReportRow(measure: measure, breakdown: breakdown, group: group, count: (0..<n).map { "c\($0)" })
    }

    static func count(_ measure: String, _ n: Int) -> ReportRow { count(measure, "all", "all", n) }

    static func shown(_ rows: [ReportRow]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: rows.map { ("\($0.measure) \($0.breakdown) \($0.group)", $0.formatted) })
    }

    @Test func smallCountsAndTheRatesWorkedOutFromThemAreWithheld() {
        let rows = [
            Self.count("entrants", 3), Self.count("cohort", 0), Self.count("other", 5),
            ReportRow(measure: "rate", rate: 42.6, basis: [3], sources: ["entrants"]),
            ReportRow(measure: "share", rate: 60, basis: [3, 5]),
            ReportRow(measure: "meetings", rate: 2)
        ]
        let out = Self.shown(Disclosure.protect("x", [rows], year: nil)[0])
        #expect(out["entrants all all"] == "[c]")
        #expect(out["cohort all all"] == "0", "a zero identifies no one")
        #expect(out["other all all"] == "5")
        #expect(out["rate all all"] == "[c]")
        #expect(out["share all all"] == "[c]")
        #expect(out["meetings all all"] == "2", "a figure not about children is never withheld")
        // Nothing of a withheld figure is kept to leak later.
        let withheld = Disclosure.protect("x", [rows], year: nil)[0][0]
        #expect(withheld.withheld && withheld.value == 0 && withheld.children == [])
    }

    @Test func aTotalDoesNotGiveBackTheOneCellWithheld() {
        // 20 children: 3 girls, 17 boys. Showing the boys would give the girls back.
        let rows = [
            Self.count("cohort", 20), Self.count("cohort", "sex", "female", 3), Self.count("cohort", "sex", "male", 17),
            ReportRow(measure: "cohort_share", breakdown: "sex", group: "male", rate: 85, basis: [17, 20], sources: ["cohort"])
        ]
        let out = Self.shown(Disclosure.protect("x", [rows], year: nil)[0])
        #expect(out["cohort all all"] == "20")
        #expect(out["cohort sex female"] == "[c]")
        #expect(out["cohort sex male"] == "[c]", "secondary suppression")
        #expect(out["cohort_share sex male"] == "[c]", "a share follows its count")
    }

    @Test func twoWithheldCellsThatMustBeOnesAreNotEnough() {
        // 1 + 1 withheld of 30: together they are 2, so each is 1. The next smallest goes too.
        let rows = [
            Self.count("cohort", 30), Self.count("cohort", "ethnicity", "a", 1), Self.count("cohort", "ethnicity", "b", 1),
            Self.count("cohort", "ethnicity", "c", 6), Self.count("cohort", "ethnicity", "d", 22)
        ]
        let out = Self.shown(Disclosure.protect("x", [rows], year: nil)[0])
        #expect(out["cohort ethnicity c"] == "[c]")
        #expect(out["cohort ethnicity d"] == "22")
    }

    @Test func partsOfATotalAreProtectedLikeABreakdown() {
        let rows = [
            Self.count("assessments_completed", 20), Self.count("assessments_on_time", 12), Self.count("assessments_late", 6),
            Self.count("assessments_without_due_date", 2)
        ]
        let out = Self.shown(Disclosure.protect("timeliness", [rows], year: nil)[0])
        #expect(out["assessments_without_due_date all all"] == "[c]")
        #expect(out["assessments_late all all"] == "[c]")
        #expect(out["assessments_on_time all all"] == "12")
    }

    @Test func aYearLessThreeQuartersDoesNotGiveBackTheFourth() {
        let quarters = [3, 6, 5, 7].map { [Self.count("offences", $0)] }
        let out = Disclosure.protect("x", quarters + [[Self.count("offences", 21)]], year: 4).map { $0[0].formatted }
        #expect(out == ["[c]", "6", "[c]", "7", "21"])
        // Children over a year are not the sum of the quarters: no relation to protect.
        let distinct = Disclosure.protect("x", quarters + [[Self.count("offences", 17)]], year: 4).map { $0[0].formatted }
        #expect(distinct == ["[c]", "6", "5", "7", "17"])
    }

    @Test func aCellWithheldForTheYearIsProtectedInItsQuartersBreakdownToo() {
        // Q2's girls (5) are withheld to protect Q1's girls (3) over the year; Q2's boys would then give them back.
        func q(_ f: Int, _ m: Int) -> [ReportRow] {
            [Self.count("c", f + m), Self.count("c", "sex", "female", f), Self.count("c", "sex", "male", m)]
        }
        let periods = [q(3, 10), q(5, 10), q(9, 10), q(8, 10), q(25, 40)]
        let out = Disclosure.protect("x", periods, year: 4).map(Self.shown)
        #expect(out[0]["c sex female"] == "[c]" && out[1]["c sex female"] == "[c]")
        #expect(out[1]["c sex male"] == "[c]")
    }

    @Test func theBoardSeesWholeQuartersAndYearsThatHaveEnded() {
        let today = LocalDate(iso: "2024-04-15")!
        func p(_ a: String, _ b: String) -> ReportPeriod { ReportPeriod(from: LocalDate(iso: a)!, to: LocalDate(iso: b)!)! }
        #expect(Disclosure.boardPeriod(p("2024-01-01", "2024-03-31"), today: today))
        #expect(Disclosure.boardPeriod(p("2023-04-01", "2024-03-31"), today: today))
        #expect(!Disclosure.boardPeriod(p("2024-04-01", "2024-06-30"), today: today), "not yet ended")
        #expect(!Disclosure.boardPeriod(p("2024-01-01", "2024-03-27"), today: today))
        #expect(!Disclosure.boardPeriod(p("2024-02-01", "2024-04-30"), today: today))
        #expect(!Disclosure.boardPeriod(p("2023-01-01", "2023-12-31"), today: today), "a calendar year is not a financial year")
        let f = Disclosure.family(of: p("2024-01-01", "2024-03-31"))
        #expect(
            f.periods.map(\.from.iso) == ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01", "2023-04-01"] && f.year == 4
                && f.index == 3)
    }
}
