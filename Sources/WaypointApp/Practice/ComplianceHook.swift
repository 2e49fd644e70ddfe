import Fluent
import Foundation
import WaypointDomain

/// Contacts feed compliance: an unacceptable absence on a statutory order records a warning, or
/// says breach action is due (rules in `Compliance`). Rescheduling keeps the original time.
enum ComplianceHook {
    static func isUnacceptable(_ v: RecordValues) -> Bool {
        let a = v["attendance"]?.text
        return (a == "did_not_attend" || a == "cancelled_by_child") && v["absence_acceptable"]?.text == "no"
    }

    /// Runs inside the contact's transaction. Returns a code for the notice, or nil.
    static func afterContact(
        _ p: PracticeController.Parent, contactID: UUID, old: PracticeRecord?, new: RecordValues, by: UUID?, today: LocalDate,
        on db: Database, now: Date
    ) async throws -> String? {
        guard p.spec.kind == .contact, let i = p.intervention, RecordKind.warning.spec.appliesTo(i.interventionType ?? .prevention),
            isUnacceptable(new), !(old.map { isUnacceptable($0.values) } ?? false), let date = new["contact_on"]?.date
        else { return nil }
        let warnings = try await RecordStore.list(RecordKind.warning.spec, intervention: i.id, restricted: true, on: db).compactMap {
            $0["warned_on"]?.date
        }
        let failure = min(date, today)
        switch Compliance.decide(priorWarnings: warnings, failureOn: failure) {
        case .warning(let n):
            let what = Options.attendance.first { $0.code == new["attendance"]?.text }?.label.lowercased() ?? "absent"
            _ = try await RecordStore.insert(
                RecordKind.warning.spec,
                [
                    "warned_on": .text(failure.iso),
                    "reason": .text("Unacceptable absence (\(what)) from the contact on \(date.longFormat)"),
                    "contact_id": .text(contactID.uuidString.lowercased())
                ],
                serviceID: p.serviceID, childID: p.child.id, interventionID: i.id, by: by, on: db, now: now)
            return "warning\(n)"
        case .breachDue:
            return "breach"
        }
    }

    static func message(_ code: String) -> String {
        switch code {
        case "warning1": "Unacceptable absence: warning 1 of \(Compliance.maxWarnings) recorded"
        case "warning2":
            "Unacceptable absence: warning 2 of \(Compliance.maxWarnings) recorded. The next unacceptable failure within 12 months means breach action"
        case "breach": "This is a third unacceptable failure within 12 months: breach action is due. Record it under Compliance"
        default: ""
        }
    }

    /// When an arranged contact moves, count it and keep when it was first arranged for.
    static func rescheduling(old: PracticeRecord, new: RecordValues) -> RecordValues {
        guard old["attendance"] == nil, old["contact_on"] != new["contact_on"] || old["contact_time"] != new["contact_time"] else {
            return [:]
        }
        let original = "\(old["contact_on"]?.text ?? "") \(old["contact_time"]?.text ?? "")"
        return [
            "rescheduled_count": .int((old["rescheduled_count"]?.int ?? 0) + 1),
            "rescheduled_from": old["rescheduled_from"] ?? .text(original)
        ]
    }

    /// Where an order stands: live warnings, and the failure that made breach action due (if no breach action has started since).
    static func state(warnings: [PracticeRecord], contacts: [PracticeRecord], breaches: [PracticeRecord], today: LocalDate) -> (
        warnings: Int, breachDue: LocalDate?, text: String
    ) {
        let warned = Set(warnings.compactMap { $0["contact_id"]?.text })
        let unwarned = contacts.filter { isUnacceptable($0.values) && !warned.contains($0.id.uuidString.lowercased()) }.compactMap {
            $0["contact_on"]?.date
        }
        let started = breaches.compactMap { $0["started_on"]?.date }
        let open = breaches.filter { $0["result"]?.text == "pending" }.count
        let due = Compliance.breachDue(unwarnedFailures: unwarned, breachesStarted: started)
        let dates = warnings.compactMap { $0["warned_on"]?.date }
        let text =
            due.map { "Breach action is due: an unacceptable failure on \($0.longFormat) came after two warnings within 12 months." }
            ?? Compliance.summary(warnings: dates, breachesOpen: open, today: today)
        return (Compliance.live(dates, on: today).count, due, text)
    }
}
