public struct OffenceInput: Equatable, Sendable {
    public var offenceDate: LocalDate
    public var category: OffenceCategory
    public var description: String?
    public var gravity: Int?
    public var outcome: String
    public var outcomeDate: LocalDate?

    public init(
        offenceDate: LocalDate, category: OffenceCategory, description: String?, gravity: Int?, outcome: String, outcomeDate: LocalDate?
    ) {
        self.offenceDate = offenceDate
        self.category = category
        self.description = description
        self.gravity = gravity
        self.outcome = outcome
        self.outcomeDate = outcomeDate
    }
}

/// An offence and its outcome. `outcomes` are the codes of the reference table.
public enum OffenceForm {
    public static func parse(_ f: FormValues, outcomes: Set<String>, today: LocalDate) -> Result<OffenceInput, FormErrors> {
        var e = FormErrors()
        let date = Parse.date(f, "offence", label: "Offence date", required: true, today: today, notFuture: true, errors: &e)
        let category = Parse.coded(f, "category", OffenceCategory.self, missing: "Select the offence category", errors: &e)
        let description = Parse.text(f, "description", label: "Description", max: 1000, errors: &e)
        let gravity = Parse.int(f, "gravity", label: "Gravity score", range: 1...5, required: false, errors: &e)
        var outcome = f.trimmed("outcome") ?? "pending"
        if !outcomes.contains(outcome) {
            e.add("outcome", "Select an outcome from the list")
            outcome = "pending"
        }
        var outcomeDate = Parse.date(
            f, "outcome_date", label: "Outcome date", required: false, today: today, notFuture: true,
            notBefore: date.map { ($0, "the offence date") }, errors: &e)
        if outcome == "pending" {
            if outcomeDate != nil { e.add("outcome_date-day", "Leave the outcome date blank while the outcome is pending") }
            outcomeDate = nil
        } else if outcomeDate == nil && e.message(for: "outcome_date-day") == nil {
            e.add("outcome_date-day", "Enter the date of the outcome")
        }
        guard e.isEmpty, let date, let category else { return .failure(e) }
        return .success(
            OffenceInput(
                offenceDate: date, category: category, description: description, gravity: gravity,
                outcome: outcome, outcomeDate: outcomeDate))
    }
}

public struct HearingInput: Equatable, Sendable {
    public var hearingDate: LocalDate
    public var court: String
    public var result: String

    public init(hearingDate: LocalDate, court: String, result: String) {
        self.hearingDate = hearingDate
        self.court = court
        self.result = result
    }
}

public enum HearingForm {
    public static func parse(_ f: FormValues, today: LocalDate) -> Result<HearingInput, FormErrors> {
        var e = FormErrors()
        let date = Parse.date(f, "hearing", label: "Hearing date", required: true, today: today, errors: &e)
        let court = Parse.text(f, "court", label: "Court", required: "Enter the court", max: 200, errors: &e)
        let result = Parse.text(f, "result", label: "Result", required: "Enter the result, or 'adjourned' and why", errors: &e)
        guard e.isEmpty, let date, let court, let result else { return .failure(e) }
        return .success(HearingInput(hearingDate: date, court: court, result: result))
    }
}

/// An outcome code added or corrected by an administrator, with the attributes reports depend on.
public enum OutcomeTypeForm {
    /// A new code (`editing` nil), or the corrected attributes of the code `editing`.
    public static func parse(_ f: FormValues, existing: Set<String>, editing: String? = nil) -> Result<OutcomeType, FormErrors> {
        var e = FormErrors()
        var code = editing
        if editing == nil {
            code = f.trimmed("code")?.lowercased()
            if code == nil {
                e.add("code", "Enter a code, like youth_diversion_order")
            } else if code!.range(of: "^[a-z][a-z0-9_]{1,49}$", options: .regularExpression) == nil {
                e.add("code", "Code must be lower case letters, digits and underscores, starting with a letter")
            } else if existing.contains(code!) {
                e.add("code", "This code already exists")
            }
        }
        let label = Parse.text(f, "label", label: "Name", required: "Enter the name users will see", max: 200, errors: &e)
        let tier = f.trimmed("tier")
        if tier == nil || !OutcomeType.tiers.map(\.code).contains(tier!) { e.add("tier", "Select the tier") }
        func yesNo(_ key: String, _ question: String) -> Bool? {
            switch f.trimmed(key) {
            case "yes": return true
            case "no": return false
            default: e.add(key, "Select whether it \(question)"); return nil
            }
        }
        let entry = yesNo("counts_as_entry", "counts as an entry to the justice system")
        let conviction = yesNo("conviction", "is a conviction")
        let custodial = yesNo("custodial", "is custodial")
        let group = f.trimmed("disposal_group").flatMap(OutcomeType.DisposalGroup.init(rawValue:))
        if group == nil { e.add("disposal_group", "Select the disposal group") }
        var retired = false
        if editing != nil { retired = yesNo("retired", "is retired") ?? false }
        guard e.isEmpty, let code, let label, let tier, let entry, let conviction, let custodial, let group else { return .failure(e) }
        let outcome = OutcomeType(
            code: code, label: label, tier: tier, countsAsEntry: entry, conviction: conviction, custodial: custodial,
            disposalGroup: group, retired: retired)
        for c in outcome.contradictions { e.add(c.field, c.message) }
        return e.isEmpty ? .success(outcome) : .failure(e)
    }
}
