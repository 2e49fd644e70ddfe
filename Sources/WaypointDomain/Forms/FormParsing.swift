/// Small shared parsers for forms: each adds a field error and returns nil on bad input.
public enum Parse {
    public static func coded<T: CodedValue>(_ form: FormValues, _ key: String, _ type: T.Type, missing: String?, errors: inout FormErrors)
        -> T?
    {
        guard let v = form.trimmed(key) else {
            if let missing { errors.add(key, missing) }
            return nil
        }
        guard let c = T(rawValue: v) else {
            errors.add(key, "Select a valid option")
            return nil
        }
        return c
    }

    public static func text(
        _ form: FormValues, _ key: String, label: String, required: String? = nil, max: Int = 4000, errors: inout FormErrors
    ) -> String? {
        guard let v = form.trimmed(key) else {
            if let required { errors.add(key, required) }
            return nil
        }
        if v.count > max {
            errors.add(key, "\(label) must be \(max) characters or fewer")
            return nil
        }
        return v
    }

    /// A date from the three-field input; optional dates may be left blank.
    /// `today` bounds every date (`DateWindow`); `notFuture` also refuses dates after it.
    public static func date(
        _ form: FormValues, _ prefix: String, label: String, required: Bool, today: LocalDate, notFuture: Bool = false,
        notBefore earliest: (LocalDate, String)? = nil, errors: inout FormErrors
    ) -> LocalDate? {
        let blank = form.trimmed("\(prefix)-day") == nil && form.trimmed("\(prefix)-month") == nil && form.trimmed("\(prefix)-year") == nil
        if blank && !required { return nil }
        guard let d = DateInput.parse(form, prefix: prefix, label: label, today: today, errors: &errors) else { return nil }
        if notFuture, d > today {
            errors.add("\(prefix)-day", "\(label) must be today or in the past")
            return nil
        }
        if let (earliest, what) = earliest, d < earliest {
            errors.add("\(prefix)-day", "\(label) must be on or after \(what) (\(earliest.longFormat))")
            return nil
        }
        return d
    }

    public static func int(
        _ form: FormValues, _ key: String, label: String, range: ClosedRange<Int>, required: Bool, errors: inout FormErrors
    ) -> Int? {
        guard let v = form.trimmed(key) else {
            if required { errors.add(key, DateInput.enterMessage(label)) }
            return nil
        }
        guard let n = Int(v), range.contains(n) else {
            errors.add(key, "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return n
    }

    /// The form values of a date for editing.
    public static func dateValues(_ d: LocalDate?, _ prefix: String) -> [String: String] {
        guard let d else { return [:] }
        return ["\(prefix)-day": String(d.day), "\(prefix)-month": String(d.month), "\(prefix)-year": String(d.year)]
    }
}
