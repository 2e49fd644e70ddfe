/// KPI 7 (domain.md): management board attendance — for each partner agency, whether a senior
/// representative attended each board meeting and whether the agency contributed its data.
public enum BoardAgency: String, CaseIterable, Sendable {
    case childrensSocialCare = "childrens_social_care"
    case education
    case health
    case police
    case probation

    public var label: String {
        switch self {
        case .childrensSocialCare: "Children's social care"
        case .education: "Education"
        case .health: "Health"
        case .police: "Police"
        case .probation: "Probation"
        }
    }
}

/// One agency at one meeting.
public struct AgencyAttendance: Sendable, Equatable {
    public let attended: Bool
    /// Represented at a senior level (only when it attended).
    public let senior: Bool
    public let contributedData: Bool
    public init(attended: Bool, senior: Bool, contributedData: Bool) {
        self.attended = attended
        self.senior = attended && senior
        self.contributedData = contributedData
    }
}

public struct BoardMeetingFact: Sendable {
    public let heldOn: LocalDate
    public let attendance: [BoardAgency: AgencyAttendance]
    public init(heldOn: LocalDate, attendance: [BoardAgency: AgencyAttendance]) {
        self.heldOn = heldOn
        self.attendance = attendance
    }
}

public enum BoardAttendance {
    /// Meetings held in the period, and per agency the share of them it attended, attended at a
    /// senior level, and contributed its data to (one decimal place). Meetings are not children:
    /// these figures have no list behind them.
    public static func rows(_ meetings: [BoardMeetingFact], period: ReportPeriod) -> (rows: [ReportRow], notes: [String]) {
        let held = meetings.filter { period.contains($0.heldOn) }
        guard !held.isEmpty else {
            return (
                [],
                [
                    "KPI 7: no management board meetings are recorded in the period. A manager records each meeting and who attended under Board meetings."
                ]
            )
        }
        var rows = [ReportRow(measure: "kpi7_board_meetings", rate: Double(held.count))]
        func share(_ measure: String, _ agency: BoardAgency, _ test: (AgencyAttendance) -> Bool) {
            let n = held.filter { $0.attendance[agency].map(test) == true }.count
            rows.append(
                ReportRow(
                    measure: measure, breakdown: "agency", group: agency.rawValue,
                    rate: Rounding.round(Double(n) * 100 / Double(held.count), places: 1)))
        }
        for a in BoardAgency.allCases { share("kpi7_attendance_share", a, \.attended) }
        for a in BoardAgency.allCases { share("kpi7_senior_attendance_share", a, \.senior) }
        for a in BoardAgency.allCases { share("kpi7_data_contributed_share", a, \.contributedData) }
        return (rows, [])
    }
}
