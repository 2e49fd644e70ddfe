/// Quick picks for a report's period, relative to today.
public enum PeriodPreset: String, CaseIterable, Sendable {
    case lastQuarter = "last_quarter"
    case lastFinancialYear = "last_financial_year"
    case financialYearToDate = "year_to_date"

    public var label: String {
        switch self {
        case .lastQuarter: "Last quarter"
        case .lastFinancialYear: "Last financial year"
        case .financialYearToDate: "This financial year to date"
        }
    }

    /// Financial years run 1 April – 31 March; quarters start in April, July, October, January.
    public func period(today: LocalDate) -> ReportPeriod {
        let fyStartYear = today.month >= 4 ? today.year : today.year - 1
        switch self {
        case .lastQuarter:
            let quarterStartMonth = ((today.month - 1) / 3) * 3 + 1
            let thisQuarter = LocalDate(year: today.year, month: quarterStartMonth, day: 1)!
            let start = thisQuarter.adding(months: -3)
            return ReportPeriod(from: start, to: thisQuarter.adding(days: -1))!
        case .lastFinancialYear:
            return ReportPeriod(
                from: LocalDate(year: fyStartYear - 1, month: 4, day: 1)!, to: LocalDate(year: fyStartYear, month: 3, day: 31)!)!
        case .financialYearToDate:
            return ReportPeriod(from: LocalDate(year: fyStartYear, month: 4, day: 1)!, to: today)!
        }
    }
}

/// Calendar quarters (January–March, April–June, July–September, October–December), for trends.
public enum Quarters {
    /// The `count` quarters ending with the one that contains `date`, oldest first.
    public static func ending(at date: LocalDate, count: Int) -> [ReportPeriod] {
        let start = LocalDate(year: date.year, month: ((date.month - 1) / 3) * 3 + 1, day: 1)!
        return (0..<max(count, 0)).reversed().map { back in
            let from = start.adding(months: -3 * back)
            return ReportPeriod(from: from, to: from.adding(months: 3).adding(days: -1))!
        }
    }

    /// "Apr–Jun 2024".
    public static func label(_ p: ReportPeriod) -> String {
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[p.from.month - 1])–\(names[p.to.month - 1]) \(p.to.year)"
    }
}
