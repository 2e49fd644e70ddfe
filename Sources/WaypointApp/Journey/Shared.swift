import Foundation
import Vapor
import WaypointDomain

extension Request {
    /// The child in the path, if it is in one of the user's services (else 404).
    func childInScope(_ user: CurrentUser, parameter: String = "childID", _ intent: CaseWork.Intent? = nil) async throws -> ChildRecord {
        guard let id = parameters.get(parameter).flatMap(UUID.init(uuidString:)),
            let child = try await child(id, user, intent)
        else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        return child
    }

    func uuidParameter(_ name: String) throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else {
            throw WaypointError.notFound("Page not found. Check the address, or go back to the home page.")
        }
        return id
    }
}

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
