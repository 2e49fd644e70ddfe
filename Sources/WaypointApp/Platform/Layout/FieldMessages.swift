import Foundation
import WaypointDomain

/// A form's error messages by field, for its view: `err("court")` is the court field's message,
/// `err.date("hearing")` the first message of a date's day, month and year parts. Every form view
/// reads its messages through this one type.
struct FieldMessages {
    let errors: [FieldError]
    init(_ errors: [FieldError]) { self.errors = errors }

    func callAsFunction(_ field: String) -> String? { errors.first { $0.field == field }?.message }

    /// A date input's message (its parts are "<prefix>-day", "-month" and "-year").
    func date(_ prefix: String) -> String? { self("\(prefix)-day") ?? self("\(prefix)-month") ?? self("\(prefix)-year") }
}

extension FieldError {
    /// The one message for an edit that lost a race: someone saved the record (a child's details,
    /// a practice record, an assessment) after this form was opened.
    static func staleEdit(_ field: String, _ what: String = "record") -> FieldError {
        FieldError(
            field: field,
            message:
                "Someone else changed this \(what) after you opened it, so your changes have not been saved. They are still in the form: open the latest version in a new tab and make them again."
        )
    }
}

/// A form on a page, as data: the values it shows (what was typed, or the record's) and the
/// messages of the last attempt to send it.
struct FormState {
    var values: FormValues
    var errors: [FieldError] = []

    var messages: FieldMessages { FieldMessages(errors) }
    var hasErrors: Bool { !errors.isEmpty }
}

/// The child a page is about, for its caption and its links: a form's model carries this, not the
/// child's record.
struct ChildRef {
    let id: UUID
    let name: String

    init(id: UUID, name: String) {
        self.id = id
        self.name = name
    }

    init(_ child: ChildRecord) { self.init(id: child.id, name: child.details.fullName) }
}

/// A form about one child, as data (a hearing, a consultation, a referral, new work): whose record
/// it goes on, and the form's values and messages.
struct FormAboutChild {
    let child: ChildRef
    var form: FormState

    init(_ child: ChildRecord, values: FormValues, errors: [FieldError] = []) {
        self.child = ChildRef(child)
        self.form = FormState(values: values, errors: errors)
    }
}
