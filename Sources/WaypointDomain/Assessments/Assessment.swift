public enum AssessmentType: String, CodedValue {
    case preventionDiversion = "prevention_diversion"
    case outOfCourt = "out_of_court"
    case statutory
    public var label: String {
        switch self {
        case .preventionDiversion: "Prevention and diversion assessment"
        case .outOfCourt: "Out-of-court assessment"
        case .statutory: "Full statutory assessment (AssetPlus)"
        }
    }
    /// The usual assessment for an intervention type.
    public static func usual(for type: InterventionType) -> AssessmentType {
        switch type.kind {
        case .voluntary: .preventionDiversion
        case .outOfCourt: type == .diversion ? .preventionDiversion : .outOfCourt
        case .statutory: .statutory
        }
    }
}

public enum AssessmentStage: String, CodedValue {
    case start, review, end
    public var label: String {
        switch self {
        case .start: "Start"
        case .review: "Review"
        case .end: "End"
        }
    }
}

public enum AssessmentStatus: String, CodedValue {
    case draft, submitted
    case signedOff = "signed_off"
    case returned
    public var label: String {
        switch self {
        case .draft: "Draft"
        case .submitted: "Waiting for sign-off"
        case .signedOff: "Signed off"
        case .returned: "Returned for changes"
        }
    }
    /// The author can still change it.
    public var editable: Bool { self == .draft || self == .returned }
}

public enum ThreeLevel: String, CodedValue {
    case low, medium, high
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

public enum FourLevel: String, CodedValue {
    case low, medium, high
    case veryHigh = "very_high"
    public var label: String { self == .veryHigh ? "Very high" : rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// The AssetPlus-style sections (statutory assessments use all of them).
public enum AssessmentSection: String, CaseIterable, Sendable {
    case personalFamilySocial = "personal_family_social"
    case offendingBehaviour = "offending_behaviour"
    case foundationsForChange = "foundations_for_change"
    case explanationsConclusions = "explanations_conclusions"
    case pathwaysPlanning = "pathways_planning"
    public var label: String {
        switch self {
        case .personalFamilySocial: "Personal, family and social factors"
        case .offendingBehaviour: "Offending and anti-social behaviour"
        case .foundationsForChange: "Foundations for change"
        case .explanationsConclusions: "Explanations and conclusions"
        case .pathwaysPlanning: "Pathways and planning"
        }
    }
}

public struct AssessmentInput: Equatable, Sendable {
    public var type: AssessmentType
    public var stage: AssessmentStage
    public var sections: [AssessmentSection: String]
    public var childViews: String?
    public var parentViews: String?
    public var likelihoodOfReoffending: ThreeLevel?
    public var riskOfSeriousHarm: FourLevel?
    public var safetyAndWellbeing: FourLevel?
}

/// Parses the assessment form. A draft may be incomplete; submitting needs every section the
/// type uses, both ratings the type uses, and the child's views (or why they are not given).
public enum AssessmentForm {
    public static func sections(for type: AssessmentType) -> [AssessmentSection] {
        switch type {
        case .statutory: AssessmentSection.allCases
        case .outOfCourt: [.personalFamilySocial, .offendingBehaviour, .explanationsConclusions, .pathwaysPlanning]
        case .preventionDiversion: [.personalFamilySocial, .explanationsConclusions, .pathwaysPlanning]
        }
    }

    public static func parse(_ f: FormValues, forSubmission: Bool) -> Result<AssessmentInput, FormErrors> {
        var e = FormErrors()
        let type = Parse.coded(f, "type", AssessmentType.self, missing: "Select the type of assessment", errors: &e)
        let stage = Parse.coded(f, "stage", AssessmentStage.self, missing: "Select the stage", errors: &e)
        var sections: [AssessmentSection: String] = [:]
        for s in AssessmentSection.allCases {
            if let v = Parse.text(f, s.rawValue, label: s.label, max: 20_000, errors: &e) { sections[s] = v }
        }
        let child = Parse.text(f, "child_views", label: "The child's views", max: 20_000, errors: &e)
        let parent = Parse.text(f, "parent_views", label: "The parent's or carer's views", max: 20_000, errors: &e)
        let likelihood = Parse.coded(f, "likelihood_of_reoffending", ThreeLevel.self, missing: nil, errors: &e)
        let harm = Parse.coded(f, "risk_of_serious_harm", FourLevel.self, missing: nil, errors: &e)
        let safety = Parse.coded(f, "safety_and_wellbeing", FourLevel.self, missing: nil, errors: &e)
        if forSubmission, let type {
            for s in AssessmentForm.sections(for: type) where sections[s] == nil {
                e.add(s.rawValue, "Complete ‘\(s.label)’ before submitting")
            }
            if child == nil {
                e.add("child_views", "Record the child's views in their own words (or why they could not be given) before submitting")
            }
            if likelihood == nil { e.add("likelihood_of_reoffending", "Rate the likelihood of reoffending before submitting") }
            if safety == nil { e.add("safety_and_wellbeing", "Rate safety and wellbeing before submitting") }
            if type == .statutory && harm == nil { e.add("risk_of_serious_harm", "Rate the risk of serious harm before submitting") }
        }
        guard e.isEmpty, let type, let stage else { return .failure(e) }
        return .success(
            AssessmentInput(
                type: type, stage: stage, sections: sections, childViews: child, parentViews: parent,
                likelihoodOfReoffending: likelihood, riskOfSeriousHarm: harm, safetyAndWellbeing: safety))
    }
}

/// Sign-off: the manager signs off, or returns it with comments.
public enum SignOffForm {
    public enum Decision: String, Sendable { case signOff = "sign_off", `return` }
    public static func parse(_ f: FormValues) -> Result<(Decision, String?), FormErrors> {
        var e = FormErrors()
        let decision = f.trimmed("decision").flatMap(Decision.init(rawValue:))
        if decision == nil { e.add("decision", "Select whether you sign off the assessment or return it") }
        let comments = Parse.text(f, "comments", label: "Comments", max: 4000, errors: &e)
        if decision == .return && comments == nil { e.add("comments", "Say what needs to change before it can be signed off") }
        guard e.isEmpty, let decision else { return .failure(e) }
        return .success((decision, comments))
    }
}

/// Timeliness: completed (first submitted) on or before the due date.
public enum Timeliness {
    public static func onTime(completed: LocalDate, due: LocalDate) -> Bool { completed <= due }
}
