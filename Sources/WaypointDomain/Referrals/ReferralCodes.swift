public enum ReferralSource: String, CodedValue {
    case police, school
    case socialCare = "social_care"
    case earlyHelp = "early_help"
    case communitySafety = "community_safety"
    case health
    case selfOrFamily = "self_or_family"
    case other
    public var label: String {
        switch self {
        case .police: "Police"
        case .school: "School"
        case .socialCare: "Children's social care"
        case .earlyHelp: "Early help or family hub"
        case .communitySafety: "Community safety"
        case .health: "Health"
        case .selfOrFamily: "The child, a parent or carer"
        case .other: "Other"
        }
    }
}

public enum ScreeningDecision: String, CodedValue {
    case pending, accepted
    case screenedOut = "screened_out"
    case noFurtherAction = "no_further_action"
    public var label: String {
        switch self {
        case .pending: "Waiting for screening"
        case .accepted: "Accepted"
        case .screenedOut: "Screened out to another service"
        case .noFurtherAction: "No further action"
        }
    }
}

public enum ScreenOutDestination: String, CodedValue {
    case socialCare = "social_care"
    case earlyHelp = "early_help"
    case camhs
    case otherService = "other_service"
    public var label: String {
        switch self {
        case .socialCare: "Children's social care"
        case .earlyHelp: "Early help or family hub"
        case .camhs: "CAMHS"
        case .otherService: "Another service"
        }
    }
}

public enum Consent: String, CodedValue {
    case given
    case refused
    case notYetSought = "not_yet_sought"
    case notRequired = "not_required"
    public var label: String {
        switch self {
        case .given: "Given"
        case .refused: "Refused"
        case .notYetSought: "Not yet sought"
        case .notRequired: "Not required (statutory)"
        }
    }
}
