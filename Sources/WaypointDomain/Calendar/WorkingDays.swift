/// Working days in England and Wales: Monday to Friday, excluding bank holidays.
public struct WorkingDayCalendar: Sendable {
    public let holidays: Set<LocalDate>
    /// The bank holidays that fall on weekdays, as day numbers in order (for counting by arithmetic).
    private let weekdayHolidays: [Int]

    public init(holidays: Set<LocalDate>) {
        self.holidays = holidays
        weekdayHolidays = holidays.filter { !$0.isWeekend }.map(\.dayNumber).sorted()
    }

    public func isWorkingDay(_ date: LocalDate) -> Bool {
        !date.isWeekend && !holidays.contains(date)
    }

    /// The date `count` working days after `start` (start itself is day 0).
    /// Counted, not walked (a national timeliness run asks for 143,000 deadlines): the first day
    /// after `start` by which `count` working days have passed. A deadline past the last date is
    /// the last date.
    public func adding(workingDays count: Int, to start: LocalDate) -> LocalDate {
        precondition(count >= 0)
        guard count > 0 else { return start }
        let from = start.dayNumber, last = LocalDate.maxDayNumber
        let before = workingDays(through: from)
        func reached(_ day: Int) -> Bool { workingDays(through: day) - before >= count }
        // A day far enough (doubling the distance), then the first such day between.
        var low = from + 1, high = min(from + 1, last)
        while high < last, !reached(high) { high = min(last, from + (high - from) * 2) }
        guard reached(high) else { return LocalDate(dayNumber: last) }
        while low < high {
            let middle = low + (high - low) / 2
            if reached(middle) { high = middle } else { low = middle + 1 }
        }
        return LocalDate(dayNumber: low)
    }

    /// Working days after `from` up to and including `to` (0 when `to` <= `from`).
    public func workingDays(from: LocalDate, to: LocalDate) -> Int {
        guard to > from else { return 0 }
        // Counted, not walked: reports count this for every referral in a national year.
        let first = from.dayNumber + 1, last = to.dayNumber
        return weekdays(through: last) - weekdays(through: first - 1) - holidaysThrough(last) + holidaysThrough(first - 1)
    }

    /// Working days from the epoch's Monday up to day `n` (a difference of two is a count).
    private func workingDays(through n: Int) -> Int { weekdays(through: n) - holidaysThrough(n) }

    /// Monday-to-Friday days from the epoch's Monday (1969-12-29, day −3) up to day `n`.
    private func weekdays(through n: Int) -> Int {
        let k = n + 3  // days since that Monday; day 0 of each week is a Monday
        let weeks = k >= 0 ? k / 7 : (k - 6) / 7
        let rest = k - weeks * 7  // 0 (Monday) … 6 (Sunday)
        return weeks * 5 + min(rest + 1, 5)
    }

    /// Weekday bank holidays on or before day `n`.
    private func holidaysThrough(_ n: Int) -> Int {
        var lo = 0, hi = weekdayHolidays.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if weekdayHolidays[mid] <= n { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
