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
    public init(code: String, label: String, tier: String, countsAsEntry: Bool, conviction: Bool, custodial: Bool) {
        self.code = code
        self.label = label
        self.tier = tier
        self.countsAsEntry = countsAsEntry
        self.conviction = conviction
        self.custodial = custodial
    }

    /// The national list of domain.md, seeded into the table by a migration.
    public static let national: [OutcomeType] = [
        .init(code: "pending", label: "Pending", tier: "pending", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "no_further_action", label: "No further action", tier: "none", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "community_resolution", label: "Community resolution", tier: "pre_court", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "outcome_21", label: "Outcome 21 (further action not in the public interest)", tier: "pre_court", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "outcome_22", label: "Outcome 22 (diversionary, educational or intervention activity)", tier: "pre_court", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "outcome_23", label: "Outcome 23 (deferred prosecution)", tier: "pre_court", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "youth_caution", label: "Youth caution", tier: "pre_court", countsAsEntry: true, conviction: false, custodial: false),
        .init(code: "youth_conditional_caution", label: "Youth conditional caution", tier: "pre_court", countsAsEntry: true, conviction: false, custodial: false),
        .init(code: "absolute_discharge", label: "Absolute discharge", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "conditional_discharge", label: "Conditional discharge", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "fine", label: "Fine", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "referral_order", label: "Referral order", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "reparation_order", label: "Reparation order", tier: "first_tier", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "youth_rehabilitation_order", label: "Youth rehabilitation order", tier: "community", countsAsEntry: true, conviction: true, custodial: false),
        .init(code: "detention_and_training_order", label: "Detention and training order", tier: "custody", countsAsEntry: true, conviction: true, custodial: true),
        .init(code: "custody_long_term", label: "Long-term custody (grave crimes)", tier: "custody", countsAsEntry: true, conviction: true, custodial: true),
        .init(code: "not_guilty", label: "Not guilty", tier: "none", countsAsEntry: false, conviction: false, custodial: false),
        .init(code: "dismissed", label: "Dismissed", tier: "none", countsAsEntry: false, conviction: false, custodial: false),
    ]

    public static let tiers: [(code: String, label: String)] = [
        ("pending", "Pending"), ("none", "No outcome"), ("pre_court", "Pre-court"), ("first_tier", "First-tier (court)"),
        ("community", "Community (court)"), ("custody", "Custody"),
    ]
}
