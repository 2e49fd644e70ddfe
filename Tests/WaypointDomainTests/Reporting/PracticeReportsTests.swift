import Testing
import WaypointDomain

@Suite struct PracticeReportsTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    let q = ReportPeriod(from: LocalDate(iso: "2024-04-01")!, to: LocalDate(iso: "2024-06-30")!)!
    func child(
        _ key: String, sex: Sex = .male, group: EthnicityGroup = .white, care: CareStatus = .none, ehcp: YesNo? = nil,
        born: String = "2009-06-01"
    ) -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: d(born), sex: sex, ethnicityGroup: group, careStatus: care, send: nil, ehcp: ehcp,
            district: nil)
    }
    func span(
        _ id: String, _ child: String, _ type: InterventionType, _ start: String, _ end: String?, reason: String? = nil,
        worker: String? = nil
    ) -> InterventionSpan {
        InterventionSpan(
            child: child, type: type, start: d(start), end: end.map { d($0) }, id: id, closureReason: reason, caseManager: worker)
    }
    func facts(_ children: [ChildFacts]) -> ReportFacts {
        ReportFacts(
            children: Dictionary(uniqueKeysWithValues: children.map { ($0.key, $0) }), offences: [],
            outcomes: Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) }), population: Population(byYear: [:]),
            today: d("2025-01-01"))
    }
    func value(_ r: ReportResult, _ m: String, _ b: String = "all", _ g: String = "all") -> Double? {
        r.rows.first { $0.measure == m && $0.breakdown == b && $0.group == g }?.value
    }
    func kpi(_ i: String, _ child: String, _ stage: String, _ v: [String: String]) -> PracticeFact {
        PracticeFact(child: child, intervention: i, values: (v.merging(["stage": stage]) { a, _ in a }).mapValues { .text($0) })
    }

    @Test func kpisCountTheClosingCohortAtTheEndWithTheStartForComparison() {
        var f = facts([child("A"), child("B"), child("C")])
        f.interventions = [
            span("i1", "A", .prevention, "2024-01-01", "2024-05-01"),
            span("i2", "B", .youthCaution, "2024-02-01", "2024-06-30", reason: "completed"),
            span("i3", "C", .youthConditionalCaution, "2024-02-01", "2024-07-01", reason: "completed"),  // ends after the quarter
            span("i4", "C", .outcome22, "2024-01-01", "2024-04-01", reason: "disengaged")
        ]
        f.practice[.kpi] = [
            kpi("i1", "A", "start", ["accommodation_suitable": "no"]),
            kpi("i1", "A", "end", ["accommodation_suitable": "yes", "early_help": "yes"]),
            kpi("i2", "B", "end", ["accommodation_suitable": "no", "looked_after": "not_known"])
        ]
        let r = PracticeReports.kpis(f, period: q)
        #expect(value(r, "closing_cohort") == 3)
        #expect(value(r, "missing_end_data") == 1)
        #expect(value(r, "kpi1_suitable_accommodation_end") == 1)
        #expect(value(r, "kpi1_suitable_accommodation_end_share") == 50)  // of the 2 with end data
        #expect(value(r, "kpi1_suitable_accommodation_start") == 0)
        #expect(value(r, "kpi8_links_to_wider_services") == 1)
        #expect(value(r, "kpi6_oocd_ended") == 2)
        #expect(value(r, "kpi6_oocd_completed_share") == 50)
    }

    @Test func disproportionalityComparesCohortAndPopulationShares() {
        var f = facts([child("A", group: .black), child("B"), child("C"), child("D", group: .unknown, care: .lookedAfter, ehcp: .yes)])
        f.interventions =
            ["A", "B", "C", "D"].map { span($0, $0, .prevention, "2024-05-01", nil) } + [span("x", "E", .prevention, "2024-05-01", nil)]
        f.populationCells = [
            PopulationCell(year: 2024, sex: "male", ethnicityGroup: "white", count: 900),
            PopulationCell(year: 2024, sex: "male", ethnicityGroup: "black", count: 100)
        ]
        f.population = Population(byYear: [2024: 1000])
        let r = PracticeReports.disproportionality(f, period: q)
        #expect(value(r, "cohort_count") == 4)
        #expect(value(r, "cohort_share", "ethnicity", "black") == 33.3)  // 1 of the 3 whose group is known
        #expect(value(r, "population_share", "ethnicity", "black") == 10)
        #expect(value(r, "ratio", "ethnicity", "black") == 3.33)
        #expect(value(r, "care_experienced_share") == 25)
        #expect(value(r, "ehcp_share") == 25)
        // No population for the year: counts, but no population shares or ratios.
        f.populationCells = []
        f.population = Population(byYear: [:])
        let none = PracticeReports.disproportionality(f, period: q)
        #expect(value(none, "ratio", "ethnicity", "black") == nil)
        #expect(none.notes.first?.contains("No population figures for 2024") == true)
    }

    @Test func caseloadIsAsAtTheLastDayAndCountsWorkersPastTheCap() {
        var f = facts([child("A"), child("B"), child("C")])
        f.caseloadCap = 1
        f.workers = ["w1": "Priya Shah", "w2": "Amir Hussain"]
        f.interventions = [
            span("1", "A", .prevention, "2024-01-01", nil, worker: "w1"),
            span("2", "B", .prevention, "2024-01-01", "2024-06-30", worker: "w1"),
            span("3", "C", .prevention, "2024-01-01", "2024-06-29", worker: "w2")
        ]
        let r = PracticeReports.caseload(f, period: q)
        #expect(value(r, "open_interventions") == 2)
        #expect(value(r, "children", "worker", "Priya Shah") == 2)
        #expect(value(r, "children", "worker", "Amir Hussain") == nil)
        #expect(value(r, "over_cap") == 1)
    }

    @Test func attendanceRateLeavesCancellationsOut() {
        var f = facts([child("A")])
        f.practice[.contact] =
            ["attended", "attended", "attended", "did_not_attend", "cancelled_by_service"].map {
                PracticeFact(child: "A", intervention: "i", values: ["contact_on": .text("2024-05-01"), "attendance": .text($0)])
            } + [PracticeFact(child: "A", intervention: "i", values: ["contact_on": .text("2024-07-01"), "attendance": .text("attended")])]
        let r = PracticeReports.contactAttendance(f, period: q)
        #expect(value(r, "contacts") == 5)
        #expect(value(r, "attendance_rate") == 75)
    }

    @Test func timelinessJudgesFirstSubmissionAgainstTheDueDate() {
        var f = facts([child("A"), child("B"), child("C")])
        f.interventions = [
            span("i1", "A", .prevention, "2024-03-01", nil), span("i2", "B", .prevention, "2024-03-01", nil),
            span("i3", "C", .prevention, "2024-03-01", nil)
        ]
        f.assessments = [
            AssessmentFact(child: "A", intervention: "i1", submittedOn: d("2024-04-10"), dueOn: d("2024-04-10")),
            AssessmentFact(child: "B", intervention: "i2", submittedOn: d("2024-04-11"), dueOn: d("2024-04-10"))
        ]
        f.assessmentDue = ["i1": d("2024-04-10"), "i2": d("2024-04-10"), "i3": d("2024-04-10")]
        let r = PracticeReports.timeliness(f, period: q)
        #expect(value(r, "assessments_completed") == 2)
        #expect(value(r, "assessments_on_time") == 1)
        #expect(value(r, "assessments_late") == 1)
        #expect(value(r, "assessments_overdue") == 1)
    }
}

@Suite struct BoardAttendanceTests {
    let q = ReportPeriod(from: LocalDate(iso: "2024-04-01")!, to: LocalDate(iso: "2024-06-30")!)!

    @Test func sharesAreOfTheMeetingsHeldInThePeriod() {
        func m(_ iso: String, police: Bool) -> BoardMeetingFact {
            BoardMeetingFact(
                heldOn: LocalDate(iso: iso)!,
                attendance: [.police: AgencyAttendance(attended: police, senior: true, contributedData: !police)])
        }
        // Both ends of the period count; the day before does not.
        let r = BoardAttendance.rows(
            [m("2024-03-31", police: true), m("2024-04-01", police: true), m("2024-06-30", police: false), m("2024-05-01", police: false)],
            period: q)
        func v(_ measure: String, _ g: String = "all") -> Double? { r.rows.first { $0.measure == measure && $0.group == g }?.value }
        #expect(v("kpi7_board_meetings") == 3)
        #expect(v("kpi7_attendance_share", "police") == 33.3)
        // Senior only counts when the agency attended.
        #expect(v("kpi7_senior_attendance_share", "police") == 33.3)
        #expect(v("kpi7_data_contributed_share", "police") == 66.7)
        #expect(v("kpi7_attendance_share", "health") == 0, "not recorded counts as not attended")
        #expect(r.notes.isEmpty)
        #expect(BoardAttendance.rows([], period: q).notes.first?.contains("no management board meetings") == true)
    }
}

@Suite struct QuartersTests {
    @Test func quartersEndWithTheOneHoldingTheDateAndCrossYears() {
        let q = Quarters.ending(at: LocalDate(iso: "2024-02-29")!, count: 3)
        #expect(q.map { "\($0.from.iso)/\($0.to.iso)" } == ["2023-07-01/2023-09-30", "2023-10-01/2023-12-31", "2024-01-01/2024-03-31"])
        #expect(Quarters.label(q[2]) == "Jan–Mar 2024")
        #expect(Quarters.ending(at: LocalDate(iso: "2024-06-30")!, count: 1).map(\.from.iso) == ["2024-04-01"])
        #expect(Quarters.ending(at: LocalDate(iso: "2024-07-01")!, count: 1).map(\.to.iso) == ["2024-09-30"])
    }
}
