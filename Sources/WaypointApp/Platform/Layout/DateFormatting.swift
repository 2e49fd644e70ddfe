import Foundation

/// Instants are stored in UTC and shown in Europe/London.
enum DateFormatting {
    static func londonDateTime(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = TimeZone(identifier: "Europe/London")
        f.dateFormat = "d MMMM yyyy 'at' HH:mm"
        return f.string(from: d)
    }
}
