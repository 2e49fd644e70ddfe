public struct InterventionInput: Equatable, Sendable {
    public var type: InterventionType
    public var startDate: LocalDate
    public var plannedEndDate: LocalDate?
    public var requirements: [YRORequirement]
    public var custodyEndDate: LocalDate?

    public init(
        type: InterventionType, startDate: LocalDate, plannedEndDate: LocalDate?, requirements: [YRORequirement] = [],
        custodyEndDate: LocalDate? = nil
    ) {
        self.type = type
        self.startDate = startDate
        self.plannedEndDate = plannedEndDate
        self.requirements = requirements
        self.custodyEndDate = custodyEndDate
    }
}

/// A new intervention (an order from court, or out-of-court work recorded directly).
public enum InterventionForm {
    public static func parse(_ f: FormValues, today: LocalDate) -> Result<InterventionInput, FormErrors> {
        var e = FormErrors()
        let type = Parse.coded(f, "type", InterventionType.self, missing: "Select the type of intervention", errors: &e)
        let start = Parse.date(f, "start", label: "Start date", required: true, today: today, errors: &e)
        let months = Parse.int(f, "length_months", label: "Length in months", range: 1...36, required: false, errors: &e)
        if let type, let range = type.lengthRangeMonths {
            if months == nil && f.trimmed("length_months") == nil {
                e.add(
                    "length_months",
                    "Enter the length of the \(type.label.lowercased()) in months (\(range.lowerBound) to \(range.upperBound))")
            } else if let m = months, !range.contains(m) {
                e.add("length_months", "A \(type.label.lowercased()) lasts \(range.lowerBound) to \(range.upperBound) months")
            }
        }
        var requirements: [YRORequirement] = []
        for code in f.list("requirements") {
            if let r = YRORequirement(rawValue: code) { requirements.append(r) } else { e.add("requirements", "Select valid requirements") }
        }
        if type == .youthRehabilitationOrder && requirements.isEmpty {
            e.add("requirements", "Select at least one requirement of the youth rehabilitation order")
        }
        if type != .youthRehabilitationOrder { requirements = [] }
        guard e.isEmpty, let type, let start else { return .failure(e) }
        let plannedEnd = Deadlines.plannedEnd(type: type, start: start, lengthMonths: months)
        // A DTO is served half in custody, half in the community.
        var custodyEnd: LocalDate?
        if type == .detentionAndTrainingOrder, let m = months {
            custodyEnd = start.adding(days: (start.adding(months: m).dayNumber - start.dayNumber) / 2)
        }
        return .success(
            InterventionInput(
                type: type, startDate: start, plannedEndDate: plannedEnd, requirements: requirements, custodyEndDate: custodyEnd))
    }
}

public struct ClosureInput: Equatable, Sendable {
    public var endDate: LocalDate
    public var reason: ClosureReason
    public var outcome: String

    public init(endDate: LocalDate, reason: ClosureReason, outcome: String) {
        self.endDate = endDate
        self.reason = reason
        self.outcome = outcome
    }
}

public enum ClosureForm {
    public static func parse(_ f: FormValues, startDate: LocalDate, today: LocalDate) -> Result<ClosureInput, FormErrors> {
        var e = FormErrors()
        let end = Parse.date(
            f, "end", label: "End date", required: true, today: today, notFuture: true, notBefore: (startDate, "the start date"), errors: &e
        )
        let reason = Parse.coded(f, "closure_reason", ClosureReason.self, missing: "Select why the intervention is closing", errors: &e)
        let outcome = Parse.text(f, "outcome", label: "Outcome", required: "Enter the outcome for the child", errors: &e)
        guard e.isEmpty, let end, let reason, let outcome else { return .failure(e) }
        return .success(ClosureInput(endDate: end, reason: reason, outcome: outcome))
    }
}
