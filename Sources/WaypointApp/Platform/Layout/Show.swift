import Foundation
import Vapor
import WaypointDomain

/// Date formatting for pages.
enum Show {
    static func date(_ iso: String?) -> String {
        guard let iso else { return "" }
        return LocalDate(iso: iso)?.longFormat ?? iso
    }
    static func label<T: CodedValue>(_ type: T.Type, _ code: String?) -> String {
        guard let code else { return "" }
        return T(rawValue: code)?.label ?? code
    }
    static func dueTag(_ d: DueItem) -> H {
        if d.overdue { return C.tag("Overdue", colour: "red") }
        if d.workingDaysLeft <= 2 { return C.tag("Due soon", colour: "yellow") }
        return C.tag("Due", colour: "blue")
    }
    static func dueText(_ d: DueItem) -> String {
        let when = d.due.longFormat
        if d.overdue {
            return "\(d.label): was due \(when) (\(-d.workingDaysLeft) working day\(d.workingDaysLeft == -1 ? "" : "s") overdue)"
        }
        return "\(d.label): due \(when) (\(d.workingDaysLeft) working day\(d.workingDaysLeft == 1 ? "" : "s") left)"
    }
}

/// Today's date as form values for a date input (a sensible default).
func todayValues(_ prefix: String, _ today: LocalDate) -> [String: String] {
    Parse.dateValues(today, prefix)
}
