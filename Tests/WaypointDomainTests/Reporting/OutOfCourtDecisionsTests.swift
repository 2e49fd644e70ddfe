import Testing
import WaypointDomain

/// `out-of-court-decisions` pinned on hand-built decisions: counted by the panel's date, working
/// days from offence to decision skip weekends and bank holidays, findings by scrutiny date.
@Suite struct OutOfCourtDecisionsTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    @Test func decisionsTimelinessAndFindings() {
        let kids = ["A", "B", "C"].map {
            ChildFacts(
                key: $0, service: "WF", dateOfBirth: d("2010-01-01"), sex: .male, ethnicityGroup: .white, careStatus: .none, send: nil,
                ehcp: nil, district: nil)
        }
        var f = ReportFacts(
            children: Dictionary(uniqueKeysWithValues: kids.map { ($0.key, $0) }), offences: [], outcomes: [:],
            population: Population(byYear: [:]), today: d("2024-12-31"))
        f.calendar = WorkingDayCalendar(holidays: [d("2024-05-06")])  // early May bank holiday
        f.panelDecisions = [
            // Friday 3 May → Wednesday 8 May: Mon 6 May is a holiday.
            PanelDecisionFact(child: "A", decidedOn: d("2024-05-08"), offenceDate: d("2024-05-03"), outcome: "outcome_22"),
            PanelDecisionFact(child: "B", decidedOn: d("2024-05-20"), offenceDate: d("2024-05-13"), outcome: "youth_caution"),
            PanelDecisionFact(child: "C", decidedOn: d("2024-07-01"), offenceDate: d("2024-06-01"), outcome: "outcome_22")  // outside
        ]
        f.scrutiny = [
            ScrutinyFact(child: "A", heldOn: d("2024-06-10"), finding: "appropriate"),
            ScrutinyFact(child: "B", heldOn: d("2024-06-10"), finding: "not_appropriate"),
            ScrutinyFact(child: "C", heldOn: d("2024-07-10"), finding: "appropriate")  // outside
        ]
        let r = OutOfCourtDecisions.compute(f, period: ReportPeriod(from: d("2024-05-01"), to: d("2024-06-30"))!)
        func value(_ m: String, _ b: String = "all", _ g: String = "all") -> Double? {
            r.rows.first { $0.measure == m && $0.breakdown == b && $0.group == g }?.value
        }
        #expect(value("decisions") == 2)
        #expect(value("decisions", "outcome", "outcome_22") == 1)
        #expect(value("decisions", "outcome", "youth_caution") == 1)
        let a = f.calendar.workingDays(from: d("2024-05-03"), to: d("2024-05-08"))
        let b = f.calendar.workingDays(from: d("2024-05-13"), to: d("2024-05-20"))
        #expect(a < b)
        #expect(value("median_working_days_offence_to_decision") == Rounding.round(Double(a + b) / 2, places: 1))
        #expect(value("scrutiny_findings") == 2)
        #expect(value("scrutiny_appropriate_share") == 50)
    }
}
