/// Local-practice deadlines (domain.md "Timescales"): every one a setting per service, and the
/// working-day ones per intervention type.
public struct Timescales: Equatable, Sendable {
    public var assessmentWorkingDays: Int = 10
    public var initialPanelWorkingDays: Int = 20
    public var reviewMonths: Int = 3
    public var caseloadCap: Int = 25
    /// Per intervention type: assessment and plan due this many working days after allocation.
    public var assessmentWorkingDaysByType: [InterventionType: Int] = [:]
    /// Per intervention type: plan reviews every so many months.
    public var reviewMonthsByType: [InterventionType: Int] = [:]

    public init() {}

    public func assessmentDays(for type: InterventionType) -> Int {
        assessmentWorkingDaysByType[type] ?? assessmentWorkingDays
    }

    public func reviewMonths(for type: InterventionType) -> Int {
        reviewMonthsByType[type] ?? reviewMonths
    }
}

/// A piece of work that falls due, computed from the record and today — never stored.
public struct DueItem: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case assessmentAndPlan = "assessment_and_plan"
        case initialPanel = "initial_panel"
        case planReview = "plan_review"
        case plannedEnd = "planned_end"
    }
    public let kind: Kind
    public let due: LocalDate
    public let overdue: Bool
    /// Working days until due (negative when overdue).
    public let workingDaysLeft: Int

    public var label: String {
        switch kind {
        case .assessmentAndPlan: "Assessment and plan"
        case .initialPanel: "Initial referral order panel"
        case .planReview: "Plan review"
        case .plannedEnd: "Planned end"
        }
    }
}

/// What the deadline rules need to know about an intervention.
public struct InterventionFacts: Sendable {
    public var type: InterventionType
    public var startDate: LocalDate
    public var plannedEndDate: LocalDate?
    public var endDate: LocalDate?
    public var allocatedOn: LocalDate?
    public var assessmentCompletedOn: LocalDate?
    public var initialPanelHeldOn: LocalDate?
    public var lastReviewOn: LocalDate?

    public init(
        type: InterventionType, startDate: LocalDate, plannedEndDate: LocalDate? = nil, endDate: LocalDate? = nil,
        allocatedOn: LocalDate? = nil, assessmentCompletedOn: LocalDate? = nil, initialPanelHeldOn: LocalDate? = nil,
        lastReviewOn: LocalDate? = nil
    ) {
        self.type = type
        self.startDate = startDate
        self.plannedEndDate = plannedEndDate
        self.endDate = endDate
        self.allocatedOn = allocatedOn
        self.assessmentCompletedOn = assessmentCompletedOn
        self.initialPanelHeldOn = initialPanelHeldOn
        self.lastReviewOn = lastReviewOn
    }
}

public enum Deadlines {
    /// The outstanding work on an open intervention, soonest first.
    /// - assessment and plan: `assessmentDays(type)` working days after allocation;
    /// - referral order initial panel: `initialPanelWorkingDays` working days after the order (its start);
    /// - plan review: every `reviewMonths` calendar months from the start (or the last review);
    /// - planned end, once it is within the review period.
    public static func outstanding(_ f: InterventionFacts, timescales t: Timescales, calendar: WorkingDayCalendar, today: LocalDate)
        -> [DueItem]
    {
        guard f.endDate == nil || f.endDate! > today else { return [] }
        var items: [DueItem] = []
        func item(_ kind: DueItem.Kind, _ due: LocalDate) -> DueItem {
            let left = due >= today ? calendar.workingDays(from: today, to: due) : -calendar.workingDays(from: due, to: today)
            return DueItem(kind: kind, due: due, overdue: due < today, workingDaysLeft: left)
        }
        if let allocated = f.allocatedOn, f.assessmentCompletedOn == nil {
            items.append(item(.assessmentAndPlan, calendar.adding(workingDays: t.assessmentDays(for: f.type), to: allocated)))
        }
        if f.type == .referralOrder, f.initialPanelHeldOn == nil {
            items.append(item(.initialPanel, calendar.adding(workingDays: t.initialPanelWorkingDays, to: f.startDate)))
        }
        let reviewFrom = f.lastReviewOn ?? f.startDate
        let review = reviewFrom.adding(months: t.reviewMonths(for: f.type))
        if f.plannedEndDate == nil || review < f.plannedEndDate! {
            items.append(item(.planReview, review))
        }
        if let end = f.plannedEndDate, end <= today.adding(months: t.reviewMonths(for: f.type)) {
            items.append(item(.plannedEnd, end))
        }
        return items.sorted { $0.due < $1.due }
    }

    /// The planned end of a new intervention: the type's usual length, or the order's length.
    public static func plannedEnd(type: InterventionType, start: LocalDate, lengthMonths: Int?) -> LocalDate? {
        if let m = lengthMonths { return start.adding(months: m) }
        return type.defaultPlannedWeeks.map { start.adding(days: 7 * $0) }
    }
}

/// Caseload against the service's cap.
public enum Caseload {
    /// True when allocating one more would take the worker past the cap (and so needs confirming).
    public static func wouldExceedCap(current: Int, cap: Int) -> Bool { current + 1 > cap }
}
