/// Intervention types of domain.md, with what the journey rules need to know about each.
public enum InterventionType: String, CodedValue {
    case prevention, turnaround, diversion
    case outcome22 = "outcome_22"
    case youthCaution = "youth_caution"
    case youthConditionalCaution = "youth_conditional_caution"
    case referralOrder = "referral_order"
    case youthRehabilitationOrder = "youth_rehabilitation_order"
    case detentionAndTrainingOrder = "detention_and_training_order"
    case remand
    case bailSupport = "bail_support"

    public var label: String {
        switch self {
        case .prevention: "Prevention"
        case .turnaround: "Turnaround"
        case .diversion: "Diversion"
        case .outcome22: "Outcome 22"
        case .youthCaution: "Youth caution"
        case .youthConditionalCaution: "Youth conditional caution"
        case .referralOrder: "Referral order"
        case .youthRehabilitationOrder: "Youth rehabilitation order"
        case .detentionAndTrainingOrder: "Detention and training order"
        case .remand: "Remand"
        case .bailSupport: "Bail support"
        }
    }

    /// Voluntary, out-of-court or statutory (court) work.
    public enum Kind: String, Sendable { case voluntary, outOfCourt = "out_of_court", statutory }
    public var kind: Kind {
        switch self {
        case .prevention, .turnaround: .voluntary
        case .diversion, .outcome22, .youthCaution, .youthConditionalCaution: .outOfCourt
        case .referralOrder, .youthRehabilitationOrder, .detentionAndTrainingOrder, .remand, .bailSupport: .statutory
        }
    }

    /// A statutory order whose conditions can be breached.
    public var isStatutoryOrder: Bool {
        [.referralOrder, .youthRehabilitationOrder, .detentionAndTrainingOrder].contains(self)
    }

    /// The usual planned length, where domain.md gives one (prevention 12 weeks, out-of-court
    /// around 16 weeks). Orders take their length from the court.
    public var defaultPlannedWeeks: Int? {
        switch self {
        case .prevention, .turnaround: 12
        case .diversion, .outcome22, .youthCaution, .youthConditionalCaution: 16
        default: nil
        }
    }

    /// Referral orders last 3–12 months; DTOs 4–24 months (domain.md).
    public var lengthRangeMonths: ClosedRange<Int>? {
        switch self {
        case .referralOrder: 3...12
        case .detentionAndTrainingOrder: 4...24
        default: nil
        }
    }
}

public enum ClosureReason: String, CodedValue {
    case completed, breached, transferred, disengaged, other
    public var label: String {
        switch self {
        case .completed: "Completed"
        case .breached: "Breached"
        case .transferred: "Transferred to another service"
        case .disengaged: "Child disengaged"
        case .other: "Other"
        }
    }
}

/// Requirements a court can attach to a youth rehabilitation order.
public enum YRORequirement: String, CodedValue {
    case supervision, activity, curfew
    case electronicMonitoring = "electronic_monitoring"
    case unpaidWork = "unpaid_work"
    case programme
    case attendanceCentre = "attendance_centre"
    case prohibitedActivity = "prohibited_activity"
    case exclusion
    case residence
    case mentalHealthTreatment = "mental_health_treatment"
    case drugTreatment = "drug_treatment"
    case intensiveSupervision = "intensive_supervision_and_surveillance"
    public var label: String {
        switch self {
        case .supervision: "Supervision"
        case .activity: "Activity"
        case .curfew: "Curfew"
        case .electronicMonitoring: "Electronic monitoring"
        case .unpaidWork: "Unpaid work (16–17)"
        case .programme: "Programme"
        case .attendanceCentre: "Attendance centre"
        case .prohibitedActivity: "Prohibited activity"
        case .exclusion: "Exclusion"
        case .residence: "Residence"
        case .mentalHealthTreatment: "Mental health treatment"
        case .drugTreatment: "Drug treatment"
        case .intensiveSupervision: "Intensive supervision and surveillance"
        }
    }
}
