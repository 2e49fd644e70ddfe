import Foundation

/// A value as stored in a practice record's column: dates are `YYYY-MM-DD` text, times `HH:MM`,
/// codes their snake_case code.
public enum StoredValue: Sendable, Equatable, Hashable {
    case text(String)
    case int(Int)
    case double(Double)

    public var text: String? { if case .text(let s) = self { s } else { nil } }
    public var int: Int? { if case .int(let n) = self { n } else { nil } }
    public var double: Double? {
        switch self {
        case .double(let d): d
        case .int(let n): Double(n)
        case .text: nil
        }
    }
    public var date: LocalDate? { text.flatMap(LocalDate.init(iso:)) }

    /// The value as a form field would hold it.
    public var formText: String {
        switch self {
        case .text(let s): s
        case .int(let n): String(n)
        case .double(let d): d == d.rounded() ? String(Int(d)) : String(d)
        }
    }
}

/// How a field is entered, checked and stored.
public enum FieldKind: Sendable {
    /// One line of text.
    case text
    /// Several lines (a textarea): words in the child's own voice live here.
    case longText
    /// A calendar date from the three-part date input.
    case date(notFuture: Bool)
    /// A time of day, `HH:MM` (24-hour).
    case time
    case int(ClosedRange<Int>)
    /// Hours and the like: up to two decimal places.
    case decimal(ClosedRange<Double>)
    /// One of a fixed list of codes.
    case choice([(code: String, label: String)])
    /// One of a list the controller supplies at run time (the child's offences, the service's workers).
    case lookup(String)

    public var storedAsInt: Bool { if case .int = self { true } else { false } }
    public var storedAsDouble: Bool { if case .decimal = self { true } else { false } }
}

/// One field of a practice record.
public struct FieldSpec: Sendable {
    public let name: String
    public let label: String
    public let kind: FieldKind
    /// The message when it is left blank; nil when optional.
    public let required: String?
    public let hint: String?
    /// Identity or contact details only some roles may see (victims): never selected for others.
    public let restricted: Bool
    /// Shown as a column in the list of records.
    public let inList: Bool
    /// Set by the system, not on the form.
    public let system: Bool

    public init(
        _ name: String, _ label: String, _ kind: FieldKind, required: String? = nil, hint: String? = nil,
        restricted: Bool = false, inList: Bool = false, system: Bool = false
    ) {
        self.name = name
        self.label = label
        self.kind = kind
        self.required = required
        self.hint = hint
        self.restricted = restricted
        self.inList = inList
        self.system = system
    }

    /// The id of the input an error links to.
    public var inputID: String { if case .date = kind { "\(name)-day" } else { name } }

    public func label(for code: String) -> String {
        if case .choice(let options) = kind { return options.first { $0.code == code }?.label ?? code }
        return code
    }
}

public typealias RecordValues = [String: StoredValue]

/// Parsing a practice record's form by its spec: each field is checked in page order; a rule
/// that spans fields runs after, and only when every field parsed.
public enum RecordForm {
    public static func parse(
        _ spec: RecordSpec, _ f: FormValues, today: LocalDate,
        lookups: [String: [(code: String, label: String)]] = [:], include: (FieldSpec) -> Bool = { _ in true }
    ) -> Result<RecordValues, FormErrors> {
        var e = FormErrors()
        var out: RecordValues = [:]
        for field in spec.fields where !field.system && include(field) {
            if let v = parseField(field, f, today: today, lookups: lookups, errors: &e) { out[field.name] = v }
        }
        guard e.isEmpty else { return .failure(e) }
        spec.rules(out, today, &e)
        return e.isEmpty ? .success(out) : .failure(e)
    }

    static func parseField(
        _ field: FieldSpec, _ f: FormValues, today: LocalDate, lookups: [String: [(code: String, label: String)]],
        errors e: inout FormErrors
    ) -> StoredValue? {
        switch field.kind {
        case .date(let notFuture):
            return Parse.date(
                f, field.name, label: field.label, required: field.required != nil, today: today, notFuture: notFuture, errors: &e
            )
            .map { .text($0.iso) }
        default: break
        }
        guard let raw = f.trimmed(field.name) else {
            if let m = field.required { e.add(field.inputID, m) }
            return nil
        }
        switch field.kind {
        case .text:
            guard raw.count <= 200 else { e.add(field.name, "\(field.label) must be 200 characters or fewer"); return nil }
            return .text(raw)
        case .longText:
            guard raw.count <= 8000 else { e.add(field.name, "\(field.label) must be 8,000 characters or fewer"); return nil }
            return .text(raw)
        case .time:
            let parts = raw.replacingOccurrences(of: ".", with: ":").split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m),
                parts[1].count == 2
            else {
                e.add(field.name, "\(field.label) must be a time on the 24-hour clock, like 09:30 or 16:00")
                return nil
            }
            return .text(String(format: "%02d:%02d", h, m))
        case .int(let range):
            guard let n = Int(raw), range.contains(n) else {
                e.add(field.name, "\(field.label) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return .int(n)
        case .decimal(let range):
            guard let d = Double(raw), d.isFinite, range.contains(d), (d * 100).rounded() == d * 100 else {
                e.add(
                    field.name,
                    "\(field.label) must be a number from \(Self.number(range.lowerBound)) to \(Self.number(range.upperBound)), like 1.5")
                return nil
            }
            return .double(d)
        case .choice(let options):
            guard options.contains(where: { $0.code == raw }) else {
                e.add(field.name, "Select a valid option for \(field.label.lowercased())"); return nil
            }
            return .text(raw)
        case .lookup(let source):
            guard (lookups[source] ?? []).contains(where: { $0.code == raw }) else {
                e.add(field.name, "Select a valid option for \(field.label.lowercased())"); return nil
            }
            return .text(raw)
        case .date:
            return nil
        }
    }

    public static func number(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    /// Form values to edit a stored record.
    public static func values(_ spec: RecordSpec, _ r: RecordValues) -> FormValues {
        var v: [String: String] = [:]
        for field in spec.fields {
            guard let value = r[field.name] else { continue }
            if case .date = field.kind, let d = value.date {
                v.merge(Parse.dateValues(d, field.name)) { $1 }
            } else {
                v[field.name] = value.formText
            }
        }
        return FormValues(v)
    }

    /// How a value reads on a page or in a CSV.
    public static func display(_ field: FieldSpec, _ value: StoredValue?, lookups: [String: [(code: String, label: String)]] = [:])
        -> String?
    {
        guard let value else { return nil }
        switch field.kind {
        case .date: return value.date?.longFormat ?? value.formText
        case .choice: return field.label(for: value.formText)
        case .lookup(let source): return lookups[source]?.first { $0.code == value.formText }?.label ?? value.formText
        default: return value.formText
        }
    }
}
