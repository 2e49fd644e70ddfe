import Foundation

/// Parses the child form (as typed) into `ChildDetails`, or per-field errors in page order.
/// Field names are the HTML input names and ids the error summary links to.
public enum ChildForm {
    public static let minimumAge = 8
    public static let maximumAge = 25
    public static let maximumTextLength = 4000
    public static let maximumNameLength = 100

    public static func parse(_ form: FormValues, today: LocalDate) -> Result<ChildDetails, FormErrors> {
        var errors = FormErrors()

        func name(_ key: String, _ label: String, required: Bool) -> String? {
            guard let v = form.trimmed(key) else {
                if required { errors.add(key, "Enter the child's \(label)") }
                return nil
            }
            if v.count > maximumNameLength {
                errors.add(key, "\(label.prefix(1).uppercased() + label.dropFirst()) must be \(maximumNameLength) characters or fewer")
                return nil
            }
            return v
        }
        let given = name("given_name", "given name", required: true)
        let family = name("family_name", "family name", required: true)
        let preferred = name("preferred_name", "preferred name", required: false)

        let dob = DateInput.parse(form, prefix: "dob", label: "Date of birth", today: today, errors: &errors)
        if let dob {
            if dob > today {
                errors.add("dob-day", "Date of birth must be in the past")
            } else {
                let age = dob.age(on: today)
                if age < minimumAge || age > maximumAge {
                    errors.add(
                        "dob-day",
                        "Date of birth must be for a child aged \(minimumAge) to \(maximumAge) today (this date gives age \(age))")
                }
            }
        }

        func coded<T: CodedValue>(_ key: String, _ type: T.Type, missing: String?) -> T? {
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
        let sex = coded("sex", Sex.self, missing: "Select the child's sex (choose 'Not known' if it is not known)")
        let ethnicity = coded(
            "ethnicity", Ethnicity.self, missing: "Select the child's ethnicity (choose 'Not stated' if they have not said)")
        let care = coded("care_status", CareStatus.self, missing: "Select the child's care status")
        let send = coded("send", YesNo.self, missing: nil)
        let ehcp = coded("ehcp", YesNo.self, missing: nil)

        var postcode: Postcode?
        if let v = form.trimmed("postcode") {
            postcode = Postcode(v)
            if postcode == nil { errors.add("postcode", "Enter a real postcode, like SW1A 1AA") }
        }
        let district = text("district", form, max: maximumNameLength, label: "District", errors: &errors)

        var pnc: PNCID?
        if let v = form.trimmed("pnc_id") {
            pnc = PNCID(v)
            if pnc == nil {
                errors.add("pnc_id", "Enter a PNC ID in the format YYYY/NNNNNNNC, like 2004/1234567F, with the correct check letter")
            }
        }
        var upn: UPN?
        if let v = form.trimmed("upn") {
            upn = UPN(v)
            if upn == nil { errors.add("upn", "Enter a UPN of 13 characters, like B801200005001, with the correct check letter") }
        }
        var nhs: NHSNumber?
        if let v = form.trimmed("nhs_number") {
            nhs = NHSNumber(v)
            if nhs == nil { errors.add("nhs_number", "Enter a valid 10-digit NHS number, like 943 476 5919") }
        }
        let school = text("school", form, max: 200, label: "School or ETE provider", errors: &errors)
        let ete = coded("ete_status", ETEStatus.self, missing: nil)
        let accommodation = coded("accommodation", Accommodation.self, missing: nil)
        let whatMatters = text("what_matters", form, max: maximumTextLength, label: "What matters to the child", errors: &errors)
        let strengths = text("strengths", form, max: maximumTextLength, label: "Strengths", errors: &errors)

        var alerts: [AlertFlag] = []
        for code in form.list("alerts") {
            if let a = AlertFlag(rawValue: code) {
                if !alerts.contains(a) { alerts.append(a) }
            } else {
                errors.add("alerts", "Select valid alerts")
            }
        }
        alerts.sort { AlertFlag.allCases.firstIndex(of: $0)! < AlertFlag.allCases.firstIndex(of: $1)! }

        guard errors.isEmpty, let given, let family, let dob, let sex, let ethnicity, let care else {
            return .failure(errors)
        }
        return .success(
            ChildDetails(
                givenName: given, familyName: family, preferredName: preferred, dateOfBirth: dob,
                sex: sex, ethnicity: ethnicity, careStatus: care, send: send, ehcp: ehcp,
                postcode: postcode, district: district, pncID: pnc, upn: upn, nhsNumber: nhs,
                school: school, eteStatus: ete, accommodation: accommodation,
                whatMatters: whatMatters, strengths: strengths, alerts: alerts))
    }

    static func text(_ key: String, _ form: FormValues, max: Int, label: String, errors: inout FormErrors) -> String? {
        guard let v = form.trimmed(key) else { return nil }
        if v.count > max {
            errors.add(key, "\(label) must be \(max) characters or fewer")
            return nil
        }
        return v
    }

    /// The form values that show `details` for editing.
    public static func values(of d: ChildDetails) -> FormValues {
        var v: [String: String] = [
            "given_name": d.givenName, "family_name": d.familyName,
            "preferred_name": d.preferredName ?? "",
            "dob-day": String(d.dateOfBirth.day), "dob-month": String(d.dateOfBirth.month),
            "dob-year": String(d.dateOfBirth.year),
            "sex": d.sex.rawValue, "ethnicity": d.ethnicity.rawValue, "care_status": d.careStatus.rawValue,
            "send": d.send?.rawValue ?? "", "ehcp": d.ehcp?.rawValue ?? "",
            "postcode": d.postcode?.value ?? "", "district": d.district ?? "",
            "pnc_id": d.pncID?.canonical ?? "", "upn": d.upn?.value ?? "",
            "nhs_number": d.nhsNumber?.formatted ?? "", "school": d.school ?? "",
            "ete_status": d.eteStatus?.rawValue ?? "", "accommodation": d.accommodation?.rawValue ?? "",
            "what_matters": d.whatMatters ?? "", "strengths": d.strengths ?? ""
        ]
        v["version"] = nil
        return FormValues(v, lists: ["alerts": d.alerts.map(\.rawValue)])
    }
}

/// The GOV.UK three-field date input (day, month, year).
public enum DateInput {
    /// "Enter the …" for an empty field, whether or not its label starts with "The".
    public static func enterMessage(_ label: String) -> String {
        let l = label.lowercased()
        return "Enter " + (l.hasPrefix("the ") ? l : "the " + l)
    }

    /// A date typed in three fields: it must exist and fall in `DateWindow` (1 January 1900 to ten
    /// years after `today`).
    public static func parse(_ form: FormValues, prefix: String, label: String, today: LocalDate, errors: inout FormErrors) -> LocalDate? {
        let d = form.trimmed("\(prefix)-day"), m = form.trimmed("\(prefix)-month"), y = form.trimmed("\(prefix)-year")
        let firstField = "\(prefix)-day"
        if d == nil && m == nil && y == nil {
            errors.add(firstField, enterMessage(label))
            return nil
        }
        var missing: [String] = []
        if d == nil { missing.append("day") }
        if m == nil { missing.append("month") }
        if y == nil { missing.append("year") }
        if !missing.isEmpty {
            let field = d == nil ? "\(prefix)-day" : (m == nil ? "\(prefix)-month" : "\(prefix)-year")
            errors.add(field, "\(label) must include a \(missing.joined(separator: " and "))")
            return nil
        }
        guard let d, let m, let y, d.count <= 2, m.count <= 2, y.count == 4,
            let day = Int(d), let month = Int(m), let year = Int(y),
            let date = LocalDate(year: year, month: month, day: day)
        else {
            errors.add(firstField, "\(label) must be a real date, like 27 3 2010")
            return nil
        }
        guard DateWindow.contains(date, today: today) else {
            errors.add(firstField, DateWindow.message(label: label, today: today))
            return nil
        }
        return date
    }
}

/// The dates Waypoint accepts from outside (forms, report periods, imports, settings): from
/// 1 January 1900 to ten years after today. Anything else is a typing mistake or hostile input,
/// and would only reach arithmetic at the ends of the calendar.
public enum DateWindow {
    public static let earliest = LocalDate(year: 1900, month: 1, day: 1)!
    public static func latest(today: LocalDate) -> LocalDate { today.adding(years: 10) }
    public static func contains(_ date: LocalDate, today: LocalDate) -> Bool {
        date >= earliest && date <= latest(today: today)
    }
    public static func message(label: String, today: LocalDate) -> String {
        "\(label) must be between \(earliest.longFormat) and \(latest(today: today).longFormat)"
    }
}
