/// Joint out-of-court decision panels (seed 002, Youth Disposal Panels): the police and the youth
/// justice service decide together which out-of-court outcome a child gets, after the service has
/// screened the child; a scrutiny panel later reviews a sample of the decisions.

/// Who sits on a panel, by agency. Police and youth justice members are required: the decision is joint.
public enum PanelAgency: String, CaseIterable, Sendable {
    case police
    case youthJustice = "youth_justice"
    case socialCare = "social_care"
    case health, education, other

    public var label: String {
        switch self {
        case .police: "Police"
        case .youthJustice: "Youth justice service"
        case .socialCare: "Children's social care"
        case .health: "Health"
        case .education: "Education"
        case .other: "Other agencies"
        }
    }
    public var required: Bool { self == .police || self == .youthJustice }
}

/// The outcomes a joint panel decides between: national outcome codes, each with the
/// intervention the youth justice service then runs (none after no further action).
public enum PanelOutcome: String, CaseIterable, Sendable {
    case communityResolution = "community_resolution"
    case outcome22 = "outcome_22"
    case youthCaution = "youth_caution"
    case youthConditionalCaution = "youth_conditional_caution"
    case noFurtherAction = "no_further_action"

    public var label: String {
        switch self {
        case .communityResolution: "Community resolution"
        case .outcome22: "Outcome 22 (diversionary, educational or intervention activity)"
        case .youthCaution: "Youth caution"
        case .youthConditionalCaution: "Youth conditional caution"
        case .noFurtherAction: "No further action"
        }
    }

    /// The work that follows: a community resolution with the service's support is diversion.
    public var intervention: InterventionType? {
        switch self {
        case .communityResolution: .diversion
        case .outcome22: .outcome22
        case .youthCaution: .youthCaution
        case .youthConditionalCaution: .youthConditionalCaution
        case .noFurtherAction: nil
        }
    }
}

public struct DisposalPanelInput: Equatable, Sendable {
    public let heldOn: LocalDate
    public let place: String?
    public let members: [PanelAgency: String]
    public init(heldOn: LocalDate, place: String?, members: [PanelAgency: String]) {
        self.heldOn = heldOn
        self.place = place
        self.members = members
    }
}

public struct PanelDecisionInput: Equatable, Sendable {
    public let offenceID: String
    public let screening: String
    public let outcome: PanelOutcome
    public let rationale: String
    public let conditions: String?
    public init(offenceID: String, screening: String, outcome: PanelOutcome, rationale: String, conditions: String?) {
        self.offenceID = offenceID
        self.screening = screening
        self.outcome = outcome
        self.rationale = rationale
        self.conditions = conditions
    }
}

public enum ScrutinyFinding: String, CaseIterable, Sendable {
    case appropriate
    case appropriateWithLearning = "appropriate_with_learning"
    case notAppropriate = "not_appropriate"

    public var label: String {
        switch self {
        case .appropriate: "Appropriate"
        case .appropriateWithLearning: "Appropriate, with learning"
        case .notAppropriate: "Not appropriate"
        }
    }
}

public struct ScrutinyInput: Equatable, Sendable {
    public let heldOn: LocalDate
    public let from: LocalDate
    public let to: LocalDate
    public let sampleSize: Int
    public init(heldOn: LocalDate, from: LocalDate, to: LocalDate, sampleSize: Int) {
        self.heldOn = heldOn
        self.from = from
        self.to = to
        self.sampleSize = sampleSize
    }
}

public enum DisposalPanelForms {
    public static func panel(_ f: FormValues, today: LocalDate) -> Result<DisposalPanelInput, FormErrors> {
        var e = FormErrors()
        let held = Parse.date(f, "held_on", label: "The date of the panel", required: true, today: today, notFuture: true, errors: &e)
        let place = Parse.text(f, "place", label: "Place", max: 200, errors: &e)
        var members: [PanelAgency: String] = [:]
        for a in PanelAgency.allCases {
            let name = "member_\(a.rawValue)"
            let v = Parse.text(
                f, name, label: "\(a.label) members", required: a.required ? "Enter the \(a.label.lowercased()) members of the panel" : nil,
                max: 500, errors: &e)
            if let v { members[a] = v }
        }
        guard e.isEmpty, let held else { return .failure(e) }
        return .success(DisposalPanelInput(heldOn: held, place: place, members: members))
    }

    /// `offences`: the offences the panel may decide (pending, in the user's services).
    public static func decision(_ f: FormValues, offences: Set<String>) -> Result<PanelDecisionInput, FormErrors> {
        var e = FormErrors()
        let offence = f.trimmed("offence_id")
        if offence == nil {
            e.add("offence_id", "Select the child and offence the panel decided")
        } else if !offences.contains(offence!) {
            e.add("offence_id", "Select an offence from the list: it may have been decided already")
        }
        let screening = Parse.text(
            f, "screening", label: "Screening summary", required: "Enter the summary of the service's screening", max: 8000, errors: &e)
        let outcome = f.trimmed("outcome").flatMap(PanelOutcome.init(rawValue:))
        if outcome == nil { e.add("outcome", "Select the panel's decision") }
        let rationale = Parse.text(
            f, "rationale", label: "Rationale", required: "Enter why the panel decided this", max: 8000, errors: &e)
        let conditions = Parse.text(f, "conditions", label: "Conditions", max: 8000, errors: &e)
        if outcome == .youthConditionalCaution, conditions == nil, e.message(for: "conditions") == nil {
            e.add("conditions", "Enter the conditions of the youth conditional caution")
        }
        guard e.isEmpty, let offence, let screening, let outcome, let rationale else { return .failure(e) }
        return .success(
            PanelDecisionInput(offenceID: offence, screening: screening, outcome: outcome, rationale: rationale, conditions: conditions))
    }

    public static func scrutiny(_ f: FormValues, today: LocalDate) -> Result<ScrutinyInput, FormErrors> {
        var e = FormErrors()
        let held = Parse.date(
            f, "held_on", label: "The date of the scrutiny panel", required: true, today: today, notFuture: true, errors: &e)
        let from = Parse.date(f, "from", label: "The first decision date", required: true, today: today, notFuture: true, errors: &e)
        let to = Parse.date(
            f, "to", label: "The last decision date", required: true, today: today, notFuture: true,
            notBefore: from.map { ($0, "the first decision date") }, errors: &e)
        let size = Parse.int(f, "sample_size", label: "Sample size", range: 1...50, required: true, errors: &e)
        guard e.isEmpty, let held, let from, let to, let size else { return .failure(e) }
        return .success(ScrutinyInput(heldOn: held, from: from, to: to, sampleSize: size))
    }

    public static func finding(_ f: FormValues) -> Result<(ScrutinyFinding, String?), FormErrors> {
        var e = FormErrors()
        let finding = f.trimmed("finding").flatMap(ScrutinyFinding.init(rawValue:))
        if finding == nil { e.add("finding", "Select the panel's finding") }
        let learning = Parse.text(f, "learning", label: "Learning", max: 8000, errors: &e)
        if finding != nil, finding != .appropriate, learning == nil, e.message(for: "learning") == nil {
            e.add("learning", "Enter the learning from this decision")
        }
        guard e.isEmpty, let finding else { return .failure(e) }
        return .success((finding, learning))
    }
}

/// A scrutiny panel's sample: `size` of the decisions, drawn at random but the same every time
/// for the same seed (so the draw can be checked).
public enum ScrutinySample {
    public static func draw(_ ids: [String], size: Int, seed: UInt64) -> [String] {
        var rng = SeededGenerator(seed: seed)
        var pool = ids.sorted()
        var out: [String] = []
        while out.count < size, !pool.isEmpty {
            out.append(pool.remove(at: Int(rng.next() % UInt64(pool.count))))
        }
        return out.sorted()
    }
}
