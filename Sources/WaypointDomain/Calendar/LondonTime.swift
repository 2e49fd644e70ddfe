import Foundation

/// An instant as the clock in England and Wales shows it (Europe/London: GMT in winter, BST in
/// summer), worked out with the Gregorian calendar. Pages show instants this way. A
/// `DateFormatter` built for each instant cost about a millisecond of ICU set-up, more than half
/// the account page's time.
public struct LondonTime: Sendable, Equatable {
    public let date: LocalDate
    public let hour: Int
    public let minute: Int
    public let second: Int

    public static let timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0) ?? .current
    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }()

    public init(_ instant: Date) {
        let c = Self.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        date = LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? LocalDate(dayNumber: 0)
        hour = c.hour ?? 0
        minute = c.minute ?? 0
        second = c.second ?? 0
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// "14:05".
    public var hourMinute: String { "\(Self.two(hour)):\(Self.two(minute))" }

    /// "3 March 2024 at 14:05".
    public var longText: String { "\(date.longFormat) at \(hourMinute)" }

    /// "3 Mar 2024 14:05:09", for the audit trail.
    public var stamp: String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(date.day) \(months[date.month - 1]) \(date.year) \(hourMinute):\(Self.two(second))"
    }
}
