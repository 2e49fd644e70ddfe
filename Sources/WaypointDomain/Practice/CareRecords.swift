/// The child's records that are not about one intervention: time in care, offences at a care
/// placement, exploitation concerns and achievements (seeds 001 and 002). Each is a practice
/// record kind with the child as its parent, so it is recorded, checked, listed, audited and
/// exported like every other.
public enum CareRecords {
    public static let legalBases: [(code: String, label: String)] = [
        ("voluntary", "Accommodated by agreement (Children Act 1989 s20, or SSWB Act 2014 s76 in Wales)"),
        ("interim_care_order", "Interim care order"), ("care_order", "Care order"),
        ("placement_order", "Placement order"), ("emergency_protection", "Police protection or emergency protection order"),
        ("remand", "Remanded to local authority accommodation"), ("other", "Other")
    ]
    public static let placementTypes: [(code: String, label: String)] = [
        ("foster", "Foster care"), ("childrens_home", "Children's home"), ("supported_accommodation", "Supported accommodation"),
        ("kinship", "Kinship care (family or friends)"), ("other", "Other")
    ]
    public static let responsibleAuthority: [(code: String, label: String)] = [
        ("this_authority", "This service's local authority"), ("other_authority", "Another local authority")
    ]
    public static let placementArea: [(code: String, label: String)] = [
        ("in_area", "Within this service's area"), ("out_of_area", "Outside this service's area")
    ]
    public static let concernTypes: [(code: String, label: String)] = [
        ("criminal_exploitation", "Child criminal exploitation"), ("sexual_exploitation", "Child sexual exploitation"),
        ("county_lines", "County lines"), ("trafficking", "Trafficking or modern slavery"), ("other", "Other")
    ]
    public static let nrmDecisions: [(code: String, label: String)] = [
        ("awaiting", "Awaiting a decision"), ("reasonable_grounds_positive", "Positive reasonable grounds"),
        ("reasonable_grounds_negative", "Negative reasonable grounds"), ("conclusive_grounds_positive", "Positive conclusive grounds"),
        ("conclusive_grounds_negative", "Negative conclusive grounds")
    ]
    public static let achievementTypes: [(code: String, label: String)] = [
        ("unit_award", "Unit award (AQA Unit Award Scheme)"), ("qualification", "Qualification"), ("certificate", "Certificate"),
        ("other", "Other achievement")
    ]

    static let episode = RecordSpec(
        .careEpisode, table: "care_episodes", title: "Care episode", plural: "Care episodes", section: "Care history", parent: .child,
        intro:
            "Each time the child is looked after: from when, on what legal basis, which authority is responsible and where they are placed. Whether the child is looked after, placed here by another authority, placed out of area or a care leaver is worked out from this history.",
        fields: [
            FieldSpec(
                "started_on", "Date looked after from", .date(notFuture: true), required: "Enter the date the child became looked after",
                inList: true),
            FieldSpec(
                "ended_on", "Date it ended", .date(notFuture: true), hint: "Leave blank while the child is looked after.", inList: true),
            FieldSpec("legal_basis", "Legal basis", .choice(legalBases), required: "Select the legal basis", inList: true),
            FieldSpec(
                "responsible_authority", "Responsible (placing) authority", .choice(responsibleAuthority),
                required: "Select the responsible authority", inList: true),
            FieldSpec("responsible_authority_name", "Name of the responsible authority", .text, hint: "When it is another authority."),
            FieldSpec("placement_type", "Placement type", .choice(placementTypes), required: "Select the placement type", inList: true),
            FieldSpec("placement_area", "Where the child is placed", .choice(placementArea), required: "Select where the child is placed"),
            FieldSpec("placement_authority", "Local authority the child is placed in", .text, hint: "When outside this service's area.")
        ],
        rules: { v, _, e in
            if let a = v["started_on"]?.date, let b = v["ended_on"]?.date, b < a {
                e.add("ended_on-day", "The end date must be on or after the date the child became looked after")
            }
            if v["responsible_authority"]?.text == "other_authority", v["responsible_authority_name"] == nil {
                e.add("responsible_authority_name", "Enter the name of the responsible authority")
            }
            if v["placement_area"]?.text == "out_of_area", v["placement_authority"] == nil {
                e.add("placement_authority", "Enter the local authority the child is placed in")
            }
        })

    static let placementOffence = RecordSpec(
        .placementOffence, table: "placement_offences", title: "Offence at a care placement", plural: "Offences at a care placement",
        section: "Care history", parent: .child, single: .perValue("offence_id"),
        intro:
            "The national protocol on reducing the unnecessary criminalisation of looked-after children and care leavers asks that a restorative or informal response is considered before the police are called.",
        fields: [
            FieldSpec("offence_id", "Offence", .lookup("offences"), required: "Select the offence", inList: true),
            FieldSpec(
                "police_called", "Placement staff called the police", .choice(Options.yesNoNotKnown),
                required: "Select whether placement staff called the police", inList: true),
            FieldSpec(
                "protocol_followed", "A restorative or informal response was considered first", .choice(Options.yesNoNotKnown),
                required: "Select whether the protocol was followed", inList: true),
            FieldSpec("notes", "What happened and the response", .longText)
        ])

    static let exploitation = RecordSpec(
        .exploitation, table: "exploitation_concerns", title: "Exploitation concern", plural: "Exploitation and safety",
        section: "Exploitation and safety", parent: .child,
        intro:
            "Offending can be a sign that a child needs to be kept safe. Record each concern and any National Referral Mechanism referral.",
        fields: [
            FieldSpec(
                "identified_on", "Date the concern was identified", .date(notFuture: true),
                required: "Enter the date the concern was identified",
                inList: true),
            FieldSpec("concern_type", "Concern", .choice(concernTypes), required: "Select the concern", inList: true),
            FieldSpec("details", "What is known", .longText),
            FieldSpec(
                "nrm_referral", "Referred to the National Referral Mechanism", .choice(Options.yesNo),
                required: "Select whether the child was referred to the National Referral Mechanism", inList: true),
            FieldSpec("nrm_referred_on", "Date of the NRM referral", .date(notFuture: true)),
            FieldSpec("nrm_decision", "NRM decision", .choice(nrmDecisions), inList: true),
            FieldSpec("nrm_decision_on", "Date of the NRM decision", .date(notFuture: true)),
            FieldSpec(
                "closed_on", "Date the concern was closed", .date(notFuture: true), hint: "Leave blank while it is a current concern.")
        ],
        rules: { v, _, e in
            let referred = v["nrm_referral"]?.text == "yes"
            if referred, v["nrm_referred_on"] == nil { e.add("nrm_referred_on-day", "Enter the date of the NRM referral") }
            if !referred, v["nrm_referred_on"] != nil || v["nrm_decision"] != nil || v["nrm_decision_on"] != nil {
                e.add("nrm_referral", "An NRM date or decision needs an NRM referral")
            }
            if let r = v["nrm_referred_on"]?.date, let i = v["identified_on"]?.date, r < i {
                e.add("nrm_referred_on-day", "The NRM referral must be on or after the date the concern was identified")
            }
            if let d = v["nrm_decision_on"]?.date, let r = v["nrm_referred_on"]?.date, d < r {
                e.add("nrm_decision_on-day", "The NRM decision must be on or after the referral")
            }
            let decided = v["nrm_decision"].map { $0.text != "awaiting" } ?? false
            if decided, v["nrm_decision_on"] == nil { e.add("nrm_decision_on-day", "Enter the date of the NRM decision") }
            if let c = v["closed_on"]?.date, let i = v["identified_on"]?.date, c < i {
                e.add("closed_on-day", "The concern cannot close before it was identified")
            }
        })

    static let achievement = RecordSpec(
        .achievement, table: "achievements", title: "Achievement", plural: "Portfolio of achievements", section: "Achievements",
        parent: .child,
        intro: "Every child leaves with a portfolio of what they achieved: unit awards, qualifications and certificates.",
        fields: [
            FieldSpec("title", "Title", .text, required: "Enter the title of the achievement", inList: true),
            FieldSpec("achievement_type", "Type", .choice(achievementTypes), required: "Select the type of achievement", inList: true),
            FieldSpec("awarding_body", "Awarding body", .text, required: "Enter the awarding body", inList: true),
            FieldSpec("level", "Level", .text, hint: "For example Entry 3 or Level 1.", inList: true),
            FieldSpec("achieved_on", "Date achieved", .date(notFuture: true), required: "Enter the date it was achieved", inList: true)
        ])
}
