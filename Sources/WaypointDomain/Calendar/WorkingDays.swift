/// Working days in England and Wales: Monday to Friday, excluding bank holidays.
public struct WorkingDayCalendar: Sendable {
    public let holidays: Set<LocalDate>

    public init(holidays: Set<LocalDate>) { self.holidays = holidays }

    public func isWorkingDay(_ date: LocalDate) -> Bool {
        !date.isWeekend && !holidays.contains(date)
    }

    /// The date `count` working days after `start` (start itself is day 0).
    public func adding(workingDays count: Int, to start: LocalDate) -> LocalDate {
        precondition(count >= 0)
        var date = start
        var remaining = count
        while remaining > 0 {
            date = date.adding(days: 1)
            if isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// Working days after `from` up to and including `to` (0 when `to` <= `from`).
    public func workingDays(from: LocalDate, to: LocalDate) -> Int {
        guard to > from else { return 0 }
        var n = 0
        var d = from.adding(days: 1)
        while d <= to {
            if isWorkingDay(d) { n += 1 }
            d = d.adding(days: 1)
        }
        return n
    }
}
