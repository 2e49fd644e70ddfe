/// A joint panel's decision as reports see it.
public struct PanelDecisionFact: Sendable {
    public var child: String
    public let decidedOn: LocalDate
    public let offenceDate: LocalDate
    public let outcome: String
    public init(child: String, decidedOn: LocalDate, offenceDate: LocalDate, outcome: String) {
        self.child = child
        self.decidedOn = decidedOn
        self.offenceDate = offenceDate
        self.outcome = outcome
    }
}

/// A scrutiny panel's finding on one sampled decision.
public struct ScrutinyFact: Sendable {
    public var child: String
    public let heldOn: LocalDate
    public let finding: String
    public init(child: String, heldOn: LocalDate, finding: String) {
        self.child = child
        self.heldOn = heldOn
        self.finding = finding
    }
}

/// `out-of-court-decisions` (issue 19, seed 002): the joint panels' decisions, how long from the
/// offence to the decision in working days, and what scrutiny found.
public enum OutOfCourtDecisions {
    public static let name = "out-of-court-decisions"

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        let decided = f.panelDecisions.filter { period.contains($0.decidedOn) && f.child($0.child) != nil }
        var rows = f.counted("decisions", decided.map(\.child), ageOn: period.to)
        for o in PanelOutcome.allCases {
            rows.append(
                ReportRow(
                    measure: "decisions", breakdown: "outcome", group: o.rawValue,
                    count: decided.filter { $0.outcome == o.rawValue }.map(\.child)))
        }
        let days = decided.map { $0.offenceDate <= $0.decidedOn ? f.calendar.workingDays(from: $0.offenceDate, to: $0.decidedOn) : 0 }
            .sorted()
        if !days.isEmpty {
            let median = days.count % 2 == 1 ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
            rows.append(
                ReportRow(
                    measure: "median_working_days_offence_to_decision", rate: Rounding.round(median, places: 1), basis: [days.count],
                    sources: ["decisions"]))
        }
        let findings = f.scrutiny.filter { period.contains($0.heldOn) && f.child($0.child) != nil }
        rows += f.counted("scrutiny_findings", findings.map(\.child), ageOn: period.to)
        for s in ScrutinyFinding.allCases {
            rows.append(
                ReportRow(
                    measure: "scrutiny_findings", breakdown: "finding", group: s.rawValue,
                    count: findings.filter { $0.finding == s.rawValue }.map(\.child)))
        }
        PracticeReports.share(
            &rows, "scrutiny_appropriate_share", findings.filter { $0.finding != ScrutinyFinding.notAppropriate.rawValue }.count,
            findings.count, sources: ["scrutiny_findings"])
        return ReportResult(rows: rows, notes: [])
    }

    public static let definition = ReportDefinition(
        name: name, title: "Out-of-court decisions",
        summary:
            "Decisions of the joint police and youth justice panels by outcome, the median working days from offence to decision, and the scrutiny panel's findings.",
        definition: [
            "Decisions: the outcomes joint out-of-court decision panels decided in the period (by the panel's date), one per offence, by outcome. The outcome is written to the offence in the child's legal history, and the work that follows is started as an intervention.",
            "Median working days from offence to decision: from the offence date to the panel's date, skipping weekends and England and Wales bank holidays.",
            "Scrutiny: findings recorded by scrutiny panels held in the period on the decisions they sampled, by finding; the share found appropriate (with or without learning) is of all findings recorded."
        ],
        measures: [
            ("decisions", "Decisions"), ("median_working_days_offence_to_decision", "Median working days from offence to decision"),
            ("scrutiny_findings", "Decisions scrutinised"), ("scrutiny_appropriate_share", "Found appropriate (%)")
        ],
        needs: [.panelDecisions, .calendar], scope: [.panelDecisionIn, .scrutinyIn], compute: compute)
}
