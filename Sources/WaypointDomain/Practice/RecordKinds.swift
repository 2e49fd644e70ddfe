import Foundation

/// What a practice record hangs off: one intervention, or the child (victims, linked to offences).
public enum RecordParent: Sendable { case intervention, child }

/// The structured records of practice (issue: practice recording). Each kind is one table with
/// real columns, so reports count fields, not free text.
public enum RecordKind: String, CaseIterable, Sendable {
    case planTarget = "plan_target"
    case planReview = "plan_review"
    case exitPlan = "exit_plan"
    case contact
    case warning
    case breach
    case panel
    case contractItem = "contract_item"
    case victim
    case reparationRequirement = "reparation_requirement"
    case reparationSession = "reparation_session"
    case health
    case formulation
    case kpi
    case feedback
    case caseAudit = "case_audit"
    case custody
    case careEpisode = "care_episode"
    case placementOffence = "placement_offence"
    case exploitation
    case achievement

    public var spec: RecordSpec { RecordCatalogue.spec(self) }
}

/// How a kind of record is recorded, shown and checked.
public struct RecordSpec: Sendable {
    public let kind: RecordKind
    public let table: String
    public let title: String
    public let plural: String
    public let section: String
    public let parent: RecordParent
    public let fields: [FieldSpec]
    /// Who may add and change these records.
    public let recordAction: Action
    /// At most one record per intervention (or, with a field name, one per value of that field).
    public let single: Single?
    public let appliesTo: @Sendable (InterventionType) -> Bool
    public let intro: String?
    /// Checks that span fields; they run once every field parsed.
    public let rules: @Sendable (RecordValues, LocalDate, inout FormErrors) -> Void

    public enum Single: Sendable { case perIntervention, perValue(String) }

    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }
    public var hasRestrictedFields: Bool { fields.contains { $0.restricted } }
    public var listFields: [FieldSpec] { fields.filter(\.inList) }

    init(
        _ kind: RecordKind, table: String, title: String, plural: String, section: String, parent: RecordParent = .intervention,
        recordAction: Action = .recordPractice, single: Single? = nil,
        appliesTo: @escaping @Sendable (InterventionType) -> Bool = { _ in true },
        intro: String? = nil, fields: [FieldSpec],
        rules: @escaping @Sendable (RecordValues, LocalDate, inout FormErrors) -> Void = { _, _, _ in }
    ) {
        self.kind = kind
        self.table = table
        self.title = title
        self.plural = plural
        self.section = section
        self.parent = parent
        self.recordAction = recordAction
        self.single = single
        self.appliesTo = appliesTo
        self.intro = intro
        self.fields = fields
        self.rules = rules
    }
}

/// Shared option lists. Codes are stored; reports read them.
public enum Options {
    public static let yesNo: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No")]
    public static let yesNoNotKnown: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")]
    public static let yesNoNotSure: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
    public static let contactTypes: [(code: String, label: String)] = [
        ("one_to_one", "One-to-one"), ("group", "Group"), ("home_visit", "Home visit"),
        ("phone_or_video", "Phone or video"), ("panel", "Panel")
    ]
    public static let places: [(code: String, label: String)] = [
        ("school", "School"), ("home", "Home"), ("community_centre", "Community centre"),
        ("yjs_office", "YJS office"), ("other", "Other")
    ]
    public static let attendance: [(code: String, label: String)] = [
        ("attended", "Attended"), ("did_not_attend", "Did not attend"),
        ("cancelled_by_child", "Cancelled by the child"), ("cancelled_by_service", "Cancelled by the service")
    ]
    public static let targetStatus: [(code: String, label: String)] = [
        ("not_started", "Not started"), ("in_progress", "In progress"),
        ("achieved", "Achieved"), ("not_achieved", "Not achieved")
    ]
    public static let grades: [(code: String, label: String)] = [
        ("outstanding", "Outstanding"), ("good", "Good"),
        ("requires_improvement", "Requires improvement"), ("inadequate", "Inadequate")
    ]
    public static let restorativeActivities: [(code: String, label: String)] = [
        ("direct_meeting", "Direct meeting"), ("indirect", "Indirect restorative work"),
        ("letter_of_apology", "Letter of apology"), ("shuttle_mediation", "Shuttle mediation"), ("none", "None")
    ]
    public static let satisfaction: [(code: String, label: String)] = [
        ("very_satisfied", "Very satisfied"), ("satisfied", "Satisfied"),
        ("neither", "Neither satisfied nor dissatisfied"), ("dissatisfied", "Dissatisfied"),
        ("very_dissatisfied", "Very dissatisfied"), ("not_given", "Not given")
    ]
    public static let helped: [(code: String, label: String)] = [
        ("1", "1 — not at all"), ("2", "2 — a little"), ("3", "3 — somewhat"),
        ("4", "4 — quite a lot"), ("5", "5 — a great deal")
    ]
    public static let exitDestinations: [(code: String, label: String)] =
        ScreenOutDestination.options.filter { $0.code != "other_service" }
        + [
            ("education", "Education provider"), ("health", "Health service"), ("community_group", "Community or youth group"),
            ("other_service", "Another service")
        ]
    public static let stepDown: [(code: String, label: String)] = [
        ("none", "None needed"), ("early_help", "Early help"), ("universal_services", "Universal services"),
        ("community_group", "Community or youth group"), ("other", "Other")
    ]
    public static func withNotKnown(_ o: [(code: String, label: String)]) -> [(code: String, label: String)] {
        o + [("not_known", "Not known")]
    }
}

enum RecordCatalogue {
    static func spec(_ kind: RecordKind) -> RecordSpec {
        switch kind {
        case .planTarget:
            return RecordSpec(
                kind, table: "plan_targets", title: "Plan target", plural: "Plan targets", section: "Plan",
                intro: "Write the target as the child put it, in their own words.",
                fields: [
                    FieldSpec(
                        "target", "The target, in the child's own words", .longText, required: "Enter the target in the child's own words",
                        inList: true),
                    FieldSpec("action", "What will be done", .longText, required: "Enter what will be done"),
                    FieldSpec("by_whom", "By whom", .text, required: "Enter who will do it", inList: true),
                    FieldSpec("by_when", "By when", .date(notFuture: false), inList: true),
                    FieldSpec("status", "Progress", .choice(Options.targetStatus), required: "Select the progress", inList: true)
                ])
        case .planReview:
            return RecordSpec(
                kind, table: "plan_reviews", title: "Plan review", plural: "Plan reviews", section: "Plan",
                fields: [
                    FieldSpec(
                        "reviewed_on", "Date of the review", .date(notFuture: true), required: "Enter the date of the review", inList: true),
                    FieldSpec(
                        "progress", "Progress against the plan",
                        .choice([("on_track", "On track"), ("some_progress", "Some progress"), ("not_on_track", "Not on track")]),
                        required: "Select the progress against the plan", inList: true),
                    FieldSpec("outcome", "Outcome of the review", .longText, required: "Enter the outcome of the review"),
                    FieldSpec("child_views", "The child's views, in their own words", .longText)
                ])
        case .exitPlan:
            return RecordSpec(
                kind, table: "exit_plans", title: "Exit plan", plural: "Exit plan", section: "Plan", single: .perIntervention,
                fields: [
                    FieldSpec(
                        "planned_on", "Date of the exit plan", .date(notFuture: true), required: "Enter the date of the exit plan",
                        inList: true),
                    FieldSpec(
                        "onward_referral", "Is the child being referred on to another service?", .choice(Options.yesNo),
                        required: "Select yes if the child is being referred on", inList: true),
                    FieldSpec("destination", "Referred to", .choice(Options.exitDestinations), inList: true),
                    FieldSpec("destination_service", "Name of the service referred to", .text),
                    FieldSpec(
                        "step_down", "Step-down support", .choice(Options.stepDown), required: "Select the step-down support", inList: true),
                    FieldSpec("notes", "What happens next, for the child", .longText)
                ],
                rules: { v, _, e in
                    if v["onward_referral"]?.text == "yes" && v["destination"] == nil {
                        e.add("destination", "Select where the child is being referred to")
                    }
                })
        case .contact:
            return RecordSpec(
                kind, table: "contacts", title: "Contact", plural: "Contacts", section: "Contacts and sessions",
                intro:
                    "Arrange a contact ahead, then record the attendance once it has happened. Leave attendance blank while it is still arranged.",
                fields: [
                    FieldSpec("contact_on", "Date", .date(notFuture: false), required: "Enter the date of the contact", inList: true),
                    FieldSpec(
                        "contact_time", "Time", .time, required: "Enter the time of the contact",
                        hint: "24-hour clock, like 09:30 or 16:00", inList: true),
                    FieldSpec("contact_type", "Type", .choice(Options.contactTypes), required: "Select the type of contact", inList: true),
                    FieldSpec("place", "Place", .choice(Options.places), required: "Select the place", inList: true),
                    FieldSpec("workers", "Other workers present (optional)", .text),
                    FieldSpec(
                        "attendance", "Attendance", .choice(Options.attendance), hint: "Leave blank while the contact is arranged",
                        inList: true),
                    FieldSpec(
                        "absence_acceptable", "Was the absence acceptable?", .choice(Options.yesNo),
                        hint: "For statutory orders, an unacceptable absence records a warning"),
                    FieldSpec("notes", "Notes", .longText),
                    FieldSpec("rescheduled_count", "Times rescheduled", .int(0...1000), system: true),
                    FieldSpec("rescheduled_from", "Originally arranged for", .text, system: true),
                    FieldSpec("group_id", "Group session", .text, system: true)
                ],
                rules: { v, today, e in
                    let when = v["contact_on"]?.date
                    let attendance = v["attendance"]?.text
                    if let when, when > today, attendance == "attended" || attendance == "did_not_attend" {
                        e.add("attendance", "Attendance can be recorded once the contact has happened; leave it blank while it is arranged")
                    }
                    if (attendance == "did_not_attend" || attendance == "cancelled_by_child") && v["absence_acceptable"] == nil {
                        e.add("absence_acceptable", "Select whether the absence was acceptable")
                    }
                })
        case .warning:
            return RecordSpec(
                kind, table: "warnings", title: "Warning", plural: "Warnings", section: "Compliance",
                appliesTo: { $0.kind == .statutory && $0 != .remand && $0 != .bailSupport },
                fields: [
                    FieldSpec(
                        "warned_on", "Date of the warning", .date(notFuture: true), required: "Enter the date of the warning", inList: true),
                    FieldSpec(
                        "reason", "The unacceptable failure to comply", .longText, required: "Enter what the child failed to do",
                        inList: true),
                    FieldSpec("contact_id", "Contact", .text, system: true)
                ])
        case .breach:
            return RecordSpec(
                kind, table: "breaches", title: "Breach action", plural: "Breach actions", section: "Compliance",
                appliesTo: { $0.kind == .statutory && $0 != .remand && $0 != .bailSupport },
                fields: [
                    FieldSpec(
                        "started_on", "Date breach action started", .date(notFuture: true),
                        required: "Enter the date breach action started", inList: true),
                    FieldSpec(
                        "action", "Action",
                        .choice([("return_to_court", "Returned to court"), ("referral_back_to_panel", "Referred back to the panel")]),
                        required: "Select the breach action", inList: true),
                    FieldSpec("reason", "Reason", .longText, required: "Enter the reason for breach action"),
                    FieldSpec(
                        "result", "Result",
                        .choice([
                            ("pending", "Not yet decided"), ("order_continued", "Order continues"),
                            ("order_varied", "Order varied or extended"),
                            ("revoked_resentenced", "Revoked and resentenced"), ("fine", "Fine"), ("other", "Other")
                        ]),
                        required: "Select the result, or not yet decided", inList: true),
                    FieldSpec("result_on", "Date of the result", .date(notFuture: true))
                ],
                rules: { v, _, e in
                    if let r = v["result"]?.text, r != "pending", v["result_on"] == nil {
                        e.add("result_on-day", "Enter the date of the result")
                    }
                    if let s = v["started_on"]?.date, let r = v["result_on"]?.date, r < s {
                        e.add("result_on-day", "The date of the result must be on or after the breach action started")
                    }
                })
        case .panel:
            return RecordSpec(
                kind, table: "panels", title: "Referral order panel", plural: "Panels", section: "Referral order panels",
                appliesTo: { $0 == .referralOrder },
                intro: "Volunteers see the papers of the panels they sit on, and nothing else.",
                fields: [
                    FieldSpec(
                        "panel_type", "Panel",
                        .choice([("initial", "Initial panel"), ("review", "Review panel"), ("final", "Final panel")]),
                        required: "Select which panel this is", inList: true),
                    FieldSpec("held_on", "Date", .date(notFuture: false), required: "Enter the date of the panel", inList: true),
                    FieldSpec("panel_time", "Time", .time, hint: "24-hour clock, like 17:30"),
                    FieldSpec("place", "Place", .text),
                    FieldSpec(
                        "status", "Status",
                        .choice([("arranged", "Arranged"), ("held", "Held"), ("adjourned", "Adjourned"), ("not_held", "Did not go ahead")]),
                        required: "Select the status of the panel", inList: true),
                    FieldSpec("yjs_member", "YJS panel member", .lookup("workers"), required: "Select the YJS panel member"),
                    FieldSpec(
                        "contract", "Contract items agreed", .longText,
                        hint: "One item per line; record progress on each under Contract items"),
                    FieldSpec("report", "Panel report", .longText),
                    FieldSpec("child_words", "The child's own words", .longText)
                ],
                rules: { v, today, e in
                    if v["status"]?.text == "held", let d = v["held_on"]?.date, d > today {
                        e.add("status", "A panel in the future can only be arranged")
                    }
                })
        case .contractItem:
            return RecordSpec(
                kind, table: "contract_items", title: "Contract item", plural: "Contract items", section: "Referral order panels",
                appliesTo: { $0 == .referralOrder },
                fields: [
                    FieldSpec("item", "What the child agreed to do", .longText, required: "Enter the contract item", inList: true),
                    FieldSpec("agreed_on", "Date agreed", .date(notFuture: true), required: "Enter the date it was agreed", inList: true),
                    FieldSpec("progress", "Progress", .choice(Options.targetStatus), required: "Select the progress", inList: true),
                    FieldSpec("notes", "Notes on progress", .longText)
                ])
        case .victim:
            return RecordSpec(
                kind, table: "victims", title: "Victim", plural: "Victims and restorative justice",
                section: "Victims and restorative justice",
                parent: .child, recordAction: .recordVictimWork,
                intro: "A victim's identity and contact details are seen only by victim workers and managers.",
                fields: [
                    FieldSpec("offence_id", "Offence", .lookup("offences"), required: "Select the offence", inList: true),
                    FieldSpec("name", "Victim's name", .text, required: "Enter the victim's name", restricted: true, inList: true),
                    FieldSpec(
                        "victim_type", "Victim",
                        .choice([("person", "A person"), ("business", "A business or organisation"), ("community", "The community")]),
                        required: "Select who the victim is", inList: true),
                    FieldSpec("address", "Address", .longText, restricted: true),
                    FieldSpec("phone", "Phone", .text, restricted: true),
                    FieldSpec("email", "Email", .text, restricted: true),
                    FieldSpec("contact_made_on", "Date contact was made", .date(notFuture: true), inList: true),
                    FieldSpec(
                        "consent", "Consented to be contacted", .choice([("yes", "Yes"), ("no", "No"), ("not_yet_asked", "Not yet asked")]),
                        required: "Select whether the victim consented to contact", inList: true),
                    FieldSpec(
                        "views_sought", "Views sought before the decision or plan", .choice(Options.yesNo),
                        required: "Select whether the victim's views were sought"),
                    FieldSpec("views", "The victim's views", .longText, restricted: true),
                    FieldSpec(
                        "activity", "Restorative activity", .choice(Options.restorativeActivities),
                        required: "Select the restorative activity, or none", inList: true),
                    FieldSpec("wants_progress", "Asked for progress information", .choice(Options.yesNo)),
                    FieldSpec("progress_given", "Given the progress information they asked for", .choice(Options.yesNo)),
                    FieldSpec("satisfaction", "Satisfaction", .choice(Options.satisfaction), inList: true)
                ],
                rules: { v, _, e in
                    if v["activity"].map({ $0.text != "none" }) == true, v["consent"]?.text != "yes" {
                        e.add("activity", "Restorative activity needs the victim's consent to contact")
                    }
                })
        case .reparationRequirement:
            return RecordSpec(
                kind, table: "reparation_requirements", title: "Reparation ordered", plural: "Reparation ordered", section: "Reparation",
                single: .perIntervention, appliesTo: { $0.kind != .voluntary && $0 != .remand && $0 != .bailSupport },
                fields: [
                    FieldSpec("hours_ordered", "Hours ordered", .int(1...300), required: "Enter the hours ordered", inList: true),
                    FieldSpec("supervisor", "Supervisor", .text, inList: true),
                    FieldSpec("planned_activities", "Planned activities", .longText)
                ])
        case .reparationSession:
            return RecordSpec(
                kind, table: "reparation_sessions", title: "Reparation session", plural: "Reparation sessions", section: "Reparation",
                appliesTo: { $0.kind != .voluntary && $0 != .remand && $0 != .bailSupport },
                fields: [
                    FieldSpec("done_on", "Date", .date(notFuture: true), required: "Enter the date of the session", inList: true),
                    FieldSpec("activity", "Activity", .text, required: "Enter the activity", inList: true),
                    FieldSpec("supervisor", "Supervisor", .text, inList: true),
                    FieldSpec(
                        "hours", "Hours completed", .decimal(0.25...12), required: "Enter the hours completed",
                        hint: "For example 2 or 1.5", inList: true)
                ])
        case .health:
            return RecordSpec(
                kind, table: "health_records", title: "Health and wellbeing", plural: "Health and wellbeing",
                section: "Health and wellbeing",
                single: .perIntervention,
                fields: [
                    FieldSpec(
                        "health_assessment", "Health assessment done", .choice(Options.yesNo),
                        required: "Select whether a health assessment was done", inList: true),
                    FieldSpec("health_assessment_on", "Date of the health assessment", .date(notFuture: true), inList: true),
                    FieldSpec("health_assessment_by", "Done by", .text),
                    FieldSpec(
                        "camhs_referral", "Referred to CAMHS", .choice(Options.yesNo),
                        required: "Select whether the child was referred to CAMHS", inList: true),
                    FieldSpec("camhs_referred_on", "Date of the CAMHS referral", .date(notFuture: true)),
                    FieldSpec(
                        "slcn_screening", "Speech, language and communication screening done", .choice(Options.yesNo),
                        required: "Select whether speech, language and communication screening was done", inList: true),
                    FieldSpec("slcn_screened_on", "Date of the screening", .date(notFuture: true)),
                    FieldSpec(
                        "slcn_outcome", "Screening outcome",
                        .choice([
                            ("no_need", "No need identified"), ("need_identified", "Need identified"),
                            ("referred_to_salt", "Referred to speech and language therapy")
                        ])),
                    FieldSpec(
                        "substance_misuse_need", "Substance misuse need", .choice(Options.yesNoNotKnown),
                        required: "Select whether there is a substance misuse need"),
                    FieldSpec("substance_misuse_intervention", "Substance misuse intervention", .text)
                ],
                rules: { v, _, e in
                    if v["health_assessment"]?.text == "yes" && v["health_assessment_on"] == nil {
                        e.add("health_assessment_on-day", "Enter the date of the health assessment")
                    }
                    if v["camhs_referral"]?.text == "yes" && v["camhs_referred_on"] == nil {
                        e.add("camhs_referred_on-day", "Enter the date of the CAMHS referral")
                    }
                    if v["slcn_screening"]?.text == "yes" && v["slcn_screened_on"] == nil {
                        e.add("slcn_screened_on-day", "Enter the date of the screening")
                    }
                })
        case .formulation:
            return RecordSpec(
                kind, table: "formulations", title: "Formulation clinic", plural: "Enhanced case management",
                section: "Health and wellbeing",
                intro: "Enhanced case management: the psychology-led formulation of the child's needs (the five Ps).",
                fields: [
                    FieldSpec(
                        "clinic_on", "Date of the clinic", .date(notFuture: true), required: "Enter the date of the clinic", inList: true),
                    FieldSpec("attendees", "Who attended", .text),
                    FieldSpec("predisposing", "Predisposing factors", .longText, required: "Enter the predisposing factors"),
                    FieldSpec("precipitating", "Precipitating factors", .longText, required: "Enter the precipitating factors"),
                    FieldSpec("perpetuating", "Perpetuating factors", .longText, required: "Enter the perpetuating factors"),
                    FieldSpec("presenting", "Presenting factors", .longText, required: "Enter the presenting factors"),
                    FieldSpec("protective", "Protective factors", .longText, required: "Enter the protective factors"),
                    FieldSpec(
                        "recommendation", "Recommendation",
                        .choice([
                            ("discharge", "Discharge"), ("review", "Review the formulation"), ("full_pathway", "Refer to the full pathway")
                        ]),
                        required: "Select the recommendation", inList: true),
                    FieldSpec("review_months", "Review the formulation in (months)", .int(1...24), inList: true)
                ],
                rules: { v, _, e in
                    if v["recommendation"]?.text == "review" && v["review_months"] == nil {
                        e.add("review_months", "Enter in how many months the formulation will be reviewed")
                    }
                })
        case .kpi:
            return RecordSpec(
                kind, table: "kpi_records", title: "KPI data", plural: "KPI data (start and end)", section: "KPI data",
                single: .perValue("stage"), intro: KPIFields.intro, fields: KPIFields.fields, rules: KPIFields.rules)
        case .feedback:
            return RecordSpec(
                kind, table: "feedback", title: "Feedback", plural: "Feedback", section: "Closure and feedback",
                fields: [
                    FieldSpec(
                        "respondent", "Feedback from", .choice([("child", "The child"), ("parent_carer", "A parent or carer")]),
                        required: "Select who gave the feedback", inList: true),
                    FieldSpec("given_on", "Date", .date(notFuture: true), required: "Enter the date of the feedback", inList: true),
                    FieldSpec(
                        "helped", "How much did the service help?", .choice(Options.helped), required: "Select how much the service helped",
                        inList: true),
                    FieldSpec(
                        "respected", "Treated with respect", .choice(Options.yesNoNotSure),
                        required: "Select whether they were treated with respect"),
                    FieldSpec(
                        "listened_to", "Listened to", .choice(Options.yesNoNotSure), required: "Select whether they were listened to"),
                    FieldSpec(
                        "involved", "Involved in the plan", .choice(Options.yesNoNotSure),
                        required: "Select whether they were involved in the plan"),
                    FieldSpec(
                        "improved", "Things improved", .choice(Options.yesNoNotSure), required: "Select whether things improved",
                        inList: true),
                    FieldSpec("comments", "In their own words", .longText)
                ])
        case .caseAudit:
            return RecordSpec(
                kind, table: "case_audits", title: "Case audit", plural: "Case audits", section: "Closure and feedback",
                recordAction: .auditCase,
                fields: [
                    FieldSpec(
                        "audited_on", "Date of the audit", .date(notFuture: true), required: "Enter the date of the audit", inList: true),
                    FieldSpec("auditor", "Auditor", .text, required: "Enter the auditor's name", inList: true),
                    FieldSpec("grade", "Grade", .choice(Options.grades), required: "Select the grade", inList: true),
                    FieldSpec("learning_points", "Learning points", .longText, required: "Enter the learning points")
                ])
        case .custody:
            return RecordSpec(
                kind, table: "custody_records", title: "Custody and resettlement", plural: "Custody and resettlement",
                section: "Custody and resettlement",
                single: .perIntervention, appliesTo: { $0 == .detentionAndTrainingOrder || $0 == .remand },
                fields: [
                    FieldSpec(
                        "establishment", "Custodial establishment", .text, required: "Enter the custodial establishment", inList: true),
                    FieldSpec(
                        "establishment_type", "Type of establishment",
                        .choice([
                            ("yoi", "Young offender institution"), ("stc", "Secure training centre"),
                            ("sch", "Secure children's home"), ("secure_school", "Secure school")
                        ]),
                        required: "Select the type of establishment"),
                    FieldSpec(
                        "entered_on", "Date entered custody", .date(notFuture: true), required: "Enter the date the child entered custody",
                        inList: true),
                    FieldSpec("release_on", "Release date", .date(notFuture: false), inList: true),
                    FieldSpec("resettlement_plan", "Resettlement plan", .longText),
                    FieldSpec("release_accommodation", "Accommodation on release", .choice(Options.withNotKnown(Accommodation.options))),
                    FieldSpec("release_accommodation_suitable", "Accommodation on release is suitable", .choice(Options.yesNoNotKnown))
                ],
                rules: { v, _, e in
                    if let a = v["entered_on"]?.date, let r = v["release_on"]?.date, r < a {
                        e.add("release_on-day", "The release date must be on or after the date the child entered custody")
                    }
                })
        case .careEpisode: return CareRecords.episode
        case .placementOffence: return CareRecords.placementOffence
        case .exploitation: return CareRecords.exploitation
        case .achievement: return CareRecords.achievement
        }
    }
}

/// KPI 1–5 and 8 data, recorded at the start and at the end of every intervention (domain.md,
/// "Key performance indicators"). The need → offered → received cascade is kept for 4 and 5.
public enum KPIFields {
    public static let intro =
        "Record where the child stands at the start and at the end of the intervention. Where something is not known, choose Not known and say why."
    static let nk = Options.yesNoNotKnown
    public static let answers: [FieldSpec] = [
        FieldSpec(
            "accommodation", "Accommodation", .choice(Options.withNotKnown(Accommodation.options)),
            required: "Select the accommodation, or Not known"),
        FieldSpec(
            "accommodation_suitable", "In suitable accommodation", .choice(nk),
            required: "Select whether the accommodation is suitable, or Not known", inList: true),
        FieldSpec(
            "ete_status", "Education, training or employment", .choice(Options.withNotKnown(ETEStatus.options)),
            required: "Select the ETE status, or Not known"),
        FieldSpec(
            "ete_suitable", "In suitable ETE", .choice(nk), required: "Select whether the ETE is suitable, or Not known", inList: true),
        FieldSpec("ete_hours_offered", "ETE hours offered a week", .int(0...60)),
        FieldSpec("ete_hours_attended", "ETE hours attended a week", .int(0...60)),
        FieldSpec(
            "send", "Special educational needs or disabilities identified", .choice(nk),
            required: "Select whether SEND is identified, or Not known"),
        FieldSpec("ehcp", "Has an education, health and care plan", .choice(nk), required: "Select whether there is an EHCP, or Not known"),
        FieldSpec(
            "mental_health_need", "Mental health or emotional wellbeing need identified", .choice(nk),
            required: "Select whether a mental health need is identified, or Not known"),
        FieldSpec(
            "mental_health_offered", "Mental health support offered", .choice(nk),
            required: "Select whether mental health support was offered, or Not known"),
        FieldSpec(
            "mental_health_received", "Mental health support received", .choice(nk),
            required: "Select whether mental health support was received, or Not known"),
        FieldSpec(
            "substance_misuse_need", "Substance misuse need identified", .choice(nk),
            required: "Select whether a substance misuse need is identified, or Not known"),
        FieldSpec(
            "substance_misuse_offered", "Substance misuse treatment or intervention offered", .choice(nk),
            required: "Select whether substance misuse support was offered, or Not known"),
        FieldSpec(
            "substance_misuse_received", "Substance misuse treatment or intervention received", .choice(nk),
            required: "Select whether substance misuse support was received, or Not known"),
        FieldSpec("looked_after", "Looked after", .choice(nk), required: "Select whether the child is looked after, or Not known"),
        FieldSpec(
            "child_protection", "On a child protection plan", .choice(nk),
            required: "Select whether the child is on a child protection plan, or Not known"),
        FieldSpec("child_in_need", "A child in need", .choice(nk), required: "Select whether the child is a child in need, or Not known"),
        FieldSpec(
            "early_help", "On an early help plan", .choice(nk), required: "Select whether the child is on an early help plan, or Not known"),
        FieldSpec("not_known_reason", "Why some answers are not known", .longText)
    ]
    public static let fields: [FieldSpec] =
        [
            FieldSpec(
                "stage", "Stage", .choice([("start", "Start of the intervention"), ("end", "End of the intervention")]),
                required: "Select the stage", inList: true),
            FieldSpec("recorded_on", "Date", .date(notFuture: true), required: "Enter the date", inList: true)
        ] + answers

    public static let rules: @Sendable (RecordValues, LocalDate, inout FormErrors) -> Void = { v, _, e in
        if let o = v["ete_hours_offered"]?.int, let a = v["ete_hours_attended"]?.int, a > o {
            e.add("ete_hours_attended", "ETE hours attended must not be more than the hours offered")
        }
        if answers.contains(where: { v[$0.name]?.text == "not_known" }) && v["not_known_reason"] == nil {
            e.add("not_known_reason", "Say why some answers are not known")
        }
    }
}
