import Foundation

/// A calendar date with no time and no time zone (date of birth, offence date, due date).
/// Stored and exchanged as `YYYY-MM-DD`.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when the day does not exist (e.g. 2023-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= LocalDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses strictly `YYYY-MM-DD` (surrounding spaces allowed); nil for anything else or a day
    /// that does not exist. Reads the bytes directly: reports parse hundreds of thousands of dates.
    public init?(iso: String) {
        var s = iso
        guard let date = s.withUTF8({ LocalDate(isoBytes: $0) }) else { return nil }
        self = date
    }

    /// `init(iso:)` from the text's UTF-8 bytes (a database row's, read in place).
    public init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        let parsed: (Int, Int, Int)? = {
            var lo = 0, hi = b.count
            while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
            while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
            guard hi - lo == 10, b[lo + 4] == 0x2D, b[lo + 7] == 0x2D else { return nil }
            func number(_ from: Int, _ n: Int) -> Int? {
                var v = 0
                for i in from..<(from + n) {
                    let c = b[i]
                    guard c >= 0x30, c <= 0x39 else { return nil }
                    v = v * 10 + Int(c - 0x30)
                }
                return v
            }
            guard let y = number(lo, 4), let m = number(lo + 5, 2), let d = number(lo + 8, 2) else { return nil }
            return (y, m, d)
        }()
        guard let (y, m, d) = parsed else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var iso: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let t = String(n); return t.count >= w ? t : String(repeating: "0", count: w - t.count) + t
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public var description: String { iso }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The first and last dates the type can hold: arithmetic stops at these instead of trapping.
    public static let min = LocalDate(year: 1, month: 1, day: 1)!
    public static let max = LocalDate(year: 9999, month: 12, day: 31)!

    /// The date with this day number, clamped to `LocalDate.min…LocalDate.max` (total: never traps).
    public init(dayNumber raw: Int) {
        let z0 = Swift.min(Swift.max(raw, LocalDate.minDayNumber), LocalDate.maxDayNumber)
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
    }

    static let minDayNumber = -719_162  // 0001-01-01
    static let maxDayNumber = 2_932_896  // 9999-12-31

    /// Whole days later (or earlier for negative `days`); clamped to `LocalDate.min…LocalDate.max`,
    /// so no count of days, however large, can trap.
    public func adding(days: Int) -> LocalDate {
        let span = LocalDate.maxDayNumber - LocalDate.minDayNumber
        let d = Swift.min(Swift.max(days, -span), span)
        return LocalDate(dayNumber: dayNumber + d)
    }

    /// Calendar months: 31 January + 1 month = 28 or 29 February. Clamped to
    /// `LocalDate.min…LocalDate.max` (year 9999 + 1 month is 9999-12-31), never trapping.
    public func adding(months: Int) -> LocalDate {
        let span = 12 * 10_000
        let total = year * 12 + (month - 1) + Swift.min(Swift.max(months, -span), span)
        if total < 12 { return .min }
        if total >= 12 * 10_000 { return .max }
        let y = total / 12
        let m = total % 12 + 1
        let d = Swift.min(day, LocalDate.daysIn(month: m, year: y))
        return LocalDate(year: y, month: m, day: d) ?? .max
    }

    /// Whole calendar years later (`adding(months: 12 * years)`), clamped like it.
    public func adding(years: Int) -> LocalDate {
        adding(months: Swift.min(Swift.max(years, -10_000), 10_000) * 12)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (dayNumber % 7 + 7 + 3) % 7  // 1970-01-01 was a Thursday (index 3 from Monday)
        return w + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    /// Age in whole years on `date`. A child born on 29 February reaches each new age on
    /// 1 March in common years (the convention used in England and Wales).
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        let hadBirthday: Bool
        if month == 2 && day == 29 && !LocalDate.isLeap(date.year) {
            // Born on a leap day: in a common year the birthday falls on 1 March.
            hadBirthday = (date.month, date.day) >= (3, 1)
        } else {
            hadBirthday = (date.month, date.day) >= (month, day)
        }
        if !hadBirthday { years -= 1 }
        return years
    }

    /// The date in the Europe/London calendar at the given instant.
    public static func today(at instant: Date, timeZone: TimeZone = TimeZone(identifier: "Europe/London")!) -> LocalDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? LocalDate(dayNumber: 0)
    }

    /// Day month year, e.g. "3 March 2024" — the GOV.UK date style.
    public var longFormat: String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"
        ]
        return "\(day) \(names[month - 1]) \(year)"
    }
}
