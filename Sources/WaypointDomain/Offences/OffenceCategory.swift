public enum OffenceCategory: String, CodedValue {
    case violenceAgainstThePerson = "violence_against_the_person"
    case sexualOffences = "sexual_offences"
    case robbery
    case theftAndHandling = "theft_and_handling"
    case burglary
    case criminalDamage = "criminal_damage"
    case drugs
    case publicOrder = "public_order"
    case motoring
    case fraudAndForgery = "fraud_and_forgery"
    case breach
    case other
    public var label: String {
        switch self {
        case .violenceAgainstThePerson: "Violence against the person"
        case .sexualOffences: "Sexual offences"
        case .robbery: "Robbery"
        case .theftAndHandling: "Theft and handling"
        case .burglary: "Burglary"
        case .criminalDamage: "Criminal damage"
        case .drugs: "Drugs"
        case .publicOrder: "Public order"
        case .motoring: "Motoring"
        case .fraudAndForgery: "Fraud and forgery"
        case .breach: "Breach of an order"
        case .other: "Other"
        }
    }
}

/// An outcome (disposal) code from the reference table: reports read these attributes,
/// never a list of codes.
public struct OutcomeType: Hashable, Sendable {
    public let code: String
    public let label: String
    public let tier: String
    public let countsAsEntry: Bool
    public let conviction: Bool
    public let custodial: Bool
    /// Which disposal group first time entrants are broken down by; `none` for an outcome that
    /// does not count as an entry.
    public let disposalGroup: DisposalGroup
    /// No longer offered for new records (past records keep it, and reports still count it).
    public let retired: Bool
    public init(
        code: String, label: String, tier: String, countsAsEntry: Bool, conviction: Bool, custodial: Bool,
        disposalGroup: DisposalGroup = .none, retired: Bool = false
    ) {
        self.code = code
        self.label = label
        self.tier = tier
        self.countsAsEntry = countsAsEntry
        self.conviction = conviction
        self.custodial = custodial
        self.disposalGroup = disposalGroup
        self.retired = retired
    }

    /// The first-time-entrant breakdown `disposal` (domain.md): each code that counts as an entry
    /// is in exactly one of the three groups.
    public enum DisposalGroup: String, CaseIterable, Sendable {
        case none
        case youthCaution = "youth_caution"
        case youthConditionalCaution = "youth_conditional_caution"
        case court
        public var label: String {
            switch self {
            case .none: "None (does not count as an entry)"
            case .youthCaution: "Youth caution"
            case .youthConditionalCaution: "Youth conditional caution"
            case .court: "Court (a conviction)"
            }
        }
    }

    /// Why these attributes contradict each other, as (field, message) pairs; empty when they agree.
    /// Custodial implies a conviction, a conviction implies an entry, and each entry code is in
    /// one disposal group (court exactly for convictions).
    public var contradictions: [(field: String, message: String)] {
        var out: [(String, String)] = []
        if custodial && !conviction {
            out.append(("conviction", "A custodial outcome is a conviction: answer Yes, or answer No to custodial"))
        }
        if conviction && !countsAsEntry {
            out.append(("counts_as_entry", "A conviction counts as an entry to the justice system: answer Yes, or answer No to conviction"))
        }
        switch disposalGroup {
        case .none where countsAsEntry: out.append(("disposal_group", "Select the disposal group of an outcome that counts as an entry"))
        case .court where !conviction: out.append(("disposal_group", "Only a conviction is in the court group"))
        case .youthCaution, .youthConditionalCaution:
            if !countsAsEntry {
                out.append(("disposal_group", "An outcome that does not count as an entry has no disposal group: select None"))
            } else if conviction {
                out.append(("disposal_group", "A conviction is in the court group"))
            }
        default: break
        }
        return out
    }

    /// The national list of domain.md, seeded into the table by a migration.
    public static let national: [OutcomeType] = [
        .init(code: "pending", label: "Pending", tier: "pending", countsAsEntry: false, conviction: false, custodial: false),
        .init(
            code: "no_further_action", label: "No further action", tier: "none", countsAsEntry: false, conviction: false, custodial: false),
        .init(
            code: "community_resolution", label: "Community resolution", tier: "pre_court", countsAsEntry: false, conviction: false,
            custodial: false),
        .init(
            code: "outcome_21", label: "Outcome 21 (further action not in the public interest)", tier: "pre_court", countsAsEntry: false,
            conviction: false, custodial: false),
        .init(
            code: "outcome_22", label: "Outcome 22 (diversionary, educational or intervention activity)", tier: "pre_court",
            countsAsEntry: false, conviction: false, custodial: false),
        .init(
            code: "outcome_23", label: "Outcome 23 (deferred prosecution)", tier: "pre_court", countsAsEntry: false, conviction: false,
            custodial: false),
        .init(
            code: "youth_caution", label: "Youth caution", tier: "pre_court", countsAsEntry: true, conviction: false, custodial: false,
            disposalGroup: .youthCaution),
        .init(
            code: "youth_conditional_caution", label: "Youth conditional caution", tier: "pre_court", countsAsEntry: true,
            conviction: false, custodial: false, disposalGroup: .youthConditionalCaution),
        .init(
            code: "absolute_discharge", label: "Absolute discharge", tier: "first_tier", countsAsEntry: true, conviction: true,
            custodial: false, disposalGroup: .court),
        .init(
            code: "conditional_discharge", label: "Conditional discharge", tier: "first_tier", countsAsEntry: true, conviction: true,
            custodial: false, disposalGroup: .court),
        .init(
            code: "fine", label: "Fine", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false, disposalGroup: .court),
        .init(
            code: "referral_order", label: "Referral order", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false,
            disposalGroup: .court),
        .init(
            code: "reparation_order", label: "Reparation order", tier: "first_tier", countsAsEntry: true, conviction: true,
            custodial: false, disposalGroup: .court),
        .init(
            code: "youth_rehabilitation_order", label: "Youth rehabilitation order", tier: "community", countsAsEntry: true,
            conviction: true, custodial: false, disposalGroup: .court),
        .init(
            code: "detention_and_training_order", label: "Detention and training order", tier: "custody", countsAsEntry: true,
            conviction: true, custodial: true, disposalGroup: .court),
        .init(
            code: "custody_long_term", label: "Long-term custody (grave crimes)", tier: "custody", countsAsEntry: true, conviction: true,
            custodial: true, disposalGroup: .court),
        .init(code: "not_guilty", label: "Not guilty", tier: "none", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "dismissed", label: "Dismissed", tier: "none", countsAsEntry: false, conviction: false, custodial: false)
    ]

    public static let tiers: [(code: String, label: String)] = [
        ("pending", "Pending"), ("none", "No outcome"), ("pre_court", "Pre-court"), ("first_tier", "First-tier (court)"),
        ("community", "Community (court)"), ("custody", "Custody")
    ]
}
