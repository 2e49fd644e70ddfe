import Foundation
import WaypointDomain

// MARK: - Register search

/// The register: the search form, and a page of the children it found.
struct ChildIndexModel {
    struct Child {
        let id: UUID
        /// Given name, preferred name in brackets when there is one, family name.
        let name: String
        /// False when the reader must say why before opening the record: the list then shows the
        /// name only, with none of the child's details or identifiers.
        let openable: Bool
        let dateOfBirth: String
        let age: String
        let district: String?
        /// "NHS …", "PNC …".
        let identifiers: [String]
        let alerts: [String]
    }
    let values: FormValues
    let errors: [FieldError]
    let searched: Bool
    let children: [Child]
    let total: Int
    let page: Int
    let canCreate: Bool

    var totalPages: Int { max(1, (total + ChildStore.pageSize - 1) / ChildStore.pageSize) }

    /// `openable`: the children the reader can open without stating a reason (nil: all of them).
    init(
        values: FormValues, errors: [FieldError], searched: Bool, rows: [ChildListRow], total: Int, page: Int, today: LocalDate,
        openable: Set<UUID>? = nil, canCreate: Bool
    ) {
        self.values = values
        self.errors = errors
        self.searched = searched
        self.total = total
        self.page = page
        self.canCreate = canCreate
        children = rows.map { r in
            let dob = LocalDate(iso: r.date_of_birth)
            var ids: [String] = []
            if let n = r.nhs_number.flatMap(NHSNumber.init) { ids.append("NHS \(n.formatted)") }
            if let p = r.pnc_id { ids.append("PNC \(p)") }
            return Child(
                id: r.id,
                name: r.preferred_name.map { "\(r.given_name) (\($0)) \(r.family_name)" } ?? "\(r.given_name) \(r.family_name)",
                openable: openable?.contains(r.id) ?? true, dateOfBirth: dob?.longFormat ?? r.date_of_birth,
                age: dob.map { String($0.age(on: today)) } ?? "", district: r.district, identifiers: ids,
                alerts: (r.alerts ?? "").split(separator: ",").compactMap { AlertFlag(rawValue: String($0))?.label })
        }
    }
}

enum ChildIndexView {
    static func render(_ ctx: PageContext, _ m: ChildIndexModel) -> String {
        let err = FieldMessages(m.errors)
        let canCreate = m.canCreate
        let resultsHeading: String
        if m.searched {
            resultsHeading = m.total == 1 ? "1 child found" : "\(m.total) children found"
        } else {
            resultsHeading = m.total == 1 ? "1 child on the register" : "\(m.total) children on the register"
        }
        let first = (m.page - 1) * ChildStore.pageSize + 1
        let last = first + m.children.count - 1
        var content: [H] = [
            C.errorSummary(m.errors),
            el(
                .div, [.class: "page-heading"],
                [
                    C.h1("Children"),
                    canCreate ? C.buttonLink("Add a child", Paths.newChild) : group([])
                ]),
            el(
                .form, [.method: "get", .action: Paths.children, .class: "search-form", .role: "search", .novalidate: ""],
                [
                    el(.h2, [.class: "heading-m"], "Search the register"),
                    C.textInput(
                        "q", label: "Name or identifier", value: m.values["q"],
                        hint: "Part of a name, or an NHS number, UPN or PNC ID", width: "input--width-30", spellcheck: false),
                    C.dateInput(
                        "dob", legend: "Date of birth (optional)", values: m.values, error: err("dob-day"), hint: "For example, 27 3 2010"),
                    el(
                        .div, [.class: "button-group"],
                        [
                            C.button("Search"),
                            m.searched ? C.link("Clear search", Paths.children, "link") : group([])
                        ])
                ]),
            el(.h2, [.class: "heading-m", .id: "results"], resultsHeading)
        ]
        if m.children.isEmpty {
            if m.errors.isEmpty {
                content.append(
                    m.searched
                        ? C.p(
                            "No children match your search. Check the spelling, try part of the name, or search by date of birth or an identifier."
                        )
                        : C.p("There are no children on the register yet." + (canCreate ? " Use ‘Add a child’ to add the first one." : "")))
            }
        } else {
            content.append(C.p("Showing \(first) to \(last) of \(m.total)", "body-s secondary-text"))
            content.append(
                C.table(
                    caption: nil, headers: ["Name", "Date of birth", "Age", "District", "Identifiers", "Alerts"],
                    rows: m.children.map { c in
                        guard c.openable else {
                            // Not theirs or their team's: found by name, identifiers withheld until they say why.
                            let withheld = el(.span, [.class: "secondary-text"], "Shown once you say why you need the record")
                            return [C.link(c.name, Paths.childAccess(c.id)), withheld, txt(""), txt(""), txt(""), group([])]
                        }
                        return [
                            C.link(c.name, Paths.child(c.id)),
                            txt(c.dateOfBirth),
                            txt(c.age),
                            C.value(c.district),
                            c.identifiers.isEmpty ? C.notRecorded() : txt(c.identifiers.joined(separator: ", ")),
                            group(c.alerts.map { C.tag($0, colour: "red") })
                        ]
                    }))
            content.append(
                C.pagination(page: m.page, totalPages: m.totalPages) { p in
                    Paths.with(
                        Paths.children,
                        [
                            ("q", m.values["q"]), ("dob-day", m.values["dob-day"]), ("dob-month", m.values["dob-month"]),
                            ("dob-year", m.values["dob-year"]), ("page", p == 1 ? "" : String(p))
                        ])
                })
        }
        return Layout.page(title: "Children", ctx, hasErrors: !m.errors.isEmpty, wide: true, content)
    }
}

// MARK: - Add and edit

struct ChildFormModel {
    enum Mode {
        case create
        case edit(UUID, String)
    }
    let mode: Mode
    let values: FormValues
    let errors: [FieldError]
    let services: [ServiceOption]
    /// Children already on the register who may be this one: "Name, born 9 April 2011".
    var duplicates: [(id: UUID, description: String)] = []
    var today: LocalDate? = nil
    var stale: Bool = false
}

enum ChildFormView {
    static func render(_ ctx: PageContext, _ m: ChildFormModel) -> String {
        let err = FieldMessages(m.errors)
        let v = m.values
        let title: String
        let action: String
        let cancel: String
        switch m.mode {
        case .create:
            title = "Add a child"
            action = Paths.children
            cancel = Paths.children
        case .edit(let id, let name):
            title = "Edit \(name)’s details"
            action = Paths.child(id)
            cancel = Paths.child(id)
        }
        let yesNo: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No"), ("", "Not recorded")]
        var top: [H] = [C.errorSummary(m.errors)]
        if !m.duplicates.isEmpty {
            top.append(
                el(
                    .div, [.class: "duplicate-warning", .role: "alert", .tabindex: "-1", .id: "possible-duplicates"],
                    [
                        el(
                            .h2, [.class: "heading-m"],
                            m.duplicates.count == 1
                                ? "This child may already be on the register" : "These children may already be on the register"),
                        C.p(
                            "A child with the same name and date of birth, or the same identifier, is already recorded. Open the record to check before adding a new one."
                        ),
                        el(
                            .ul, [.class: "list list--bullet"],
                            m.duplicates.map { d in el(.li, [:], [C.link(d.description, Paths.child(d.id))]) })
                    ]))
        }
        var fields: [H] = [
            Layout.csrfField(ctx.csrf),
            voidEl(.input, [.type: "hidden", .name: "version", .value: v.values["version"]])
        ]
        if case .create = m.mode, m.services.count > 1 {
            fields.append(
                C.select(
                    "service_id", label: "Service", options: m.services.map { ($0.id.uuidString, $0.name) },
                    selected: v["service_id"], error: err("service_id")))
        } else if case .create = m.mode, m.services.isEmpty {
            fields.append(
                C.warning("You are not in any service, so you cannot add a child. Ask your administrator to add you to a service."))
        }
        fields += [
            el(.h2, [.class: "heading-m"], "Name"),
            C.textInput(
                "given_name", label: "Given name", value: v["given_name"], error: err("given_name"), width: "input--width-20",
                autocomplete: "off", spellcheck: false),
            C.textInput(
                "family_name", label: "Family name", value: v["family_name"], error: err("family_name"), width: "input--width-20",
                autocomplete: "off", spellcheck: false),
            C.textInput(
                "preferred_name", label: "Preferred name (optional)", value: v["preferred_name"], error: err("preferred_name"),
                hint: "The name the child likes to be called, if different", width: "input--width-20", autocomplete: "off",
                spellcheck: false),
            C.dateInput(
                "dob", legend: "Date of birth", values: v, error: err.date("dob"),
                hint: "For example, 27 3 2010"),
            el(.h2, [.class: "heading-m"], "About the child"),
            C.radios("sex", legend: "Sex", options: Sex.options, selected: v["sex"], error: err("sex"), inline: true),
            C.select(
                "ethnicity", label: "Ethnicity", options: Ethnicity.allCases.map { ($0.rawValue, $0.fullLabel) },
                selected: v["ethnicity"], error: err("ethnicity"), hint: "As the child or family describe it (ONS 2021 categories)"),
            C.radios(
                "care_status", legend: "Care status", options: CareStatus.options, selected: v["care_status"], error: err("care_status")),
            C.radios(
                "send", legend: "Special educational needs or disabilities (SEND)", options: yesNo, selected: v["send"], error: err("send"),
                inline: true),
            C.radios(
                "ehcp", legend: "Education, health and care plan (EHCP)", options: yesNo, selected: v["ehcp"], error: err("ehcp"),
                inline: true),
            C.textarea(
                "what_matters", label: "What matters to the child (optional)", value: v["what_matters"], error: err("what_matters"),
                hint: "In the child's own words where you can"),
            C.textarea("strengths", label: "Strengths (optional)", value: v["strengths"], error: err("strengths")),
            C.checkboxes(
                "alerts", legend: "Alerts (optional)", options: AlertFlag.options, selected: v.list("alerts"), error: err("alerts"),
                hint: "Shown at the top of the child's record"),
            el(.h2, [.class: "heading-m"], "Address, education and accommodation"),
            C.textInput(
                "postcode", label: "Postcode (optional)", value: v["postcode"], error: err("postcode"), width: "input--width-10",
                autocomplete: "off"),
            C.textInput("district", label: "District (optional)", value: v["district"], error: err("district"), width: "input--width-20"),
            C.textInput(
                "school", label: "School, college or ETE provider (optional)", value: v["school"], error: err("school"),
                width: "input--width-30"),
            C.select(
                "ete_status", label: "Education, training or employment status (optional)", options: ETEStatus.options,
                selected: v["ete_status"], error: err("ete_status"), blank: "Not recorded"),
            C.select(
                "accommodation", label: "Accommodation (optional)", options: Accommodation.options,
                selected: v["accommodation"], error: err("accommodation"), blank: "Not recorded"),
            el(.h2, [.class: "heading-m"], "Identifiers"),
            C.textInput(
                "nhs_number", label: "NHS number (optional)", value: v["nhs_number"], error: err("nhs_number"),
                hint: "10 digits, for example 943 476 5919", width: "input--width-10", autocomplete: "off", spellcheck: false),
            C.textInput(
                "upn", label: "Unique pupil number (UPN) (optional)", value: v["upn"], error: err("upn"),
                hint: "13 characters, for example B801200005001", width: "input--width-20", autocomplete: "off", spellcheck: false),
            C.textInput(
                "pnc_id", label: "Police National Computer (PNC) ID (optional)", value: v["pnc_id"], error: err("pnc_id"),
                hint: "For example 2004/1234567F or 04/1234567F", width: "input--width-20", autocomplete: "off", spellcheck: false)
        ]
        if !m.duplicates.isEmpty {
            fields.append(
                C.checkbox("confirm_not_duplicate", label: "I have checked the records above: this is a different child"))
        }
        if m.stale {
            fields.append(el(.div, [.class: "button-group"], [C.buttonLink("Open the latest version", cancel)]))
        } else {
            fields.append(
                el(
                    .div, [.class: "button-group"],
                    [
                        C.button(m.duplicates.isEmpty ? "Save" : "Add as a new child"),
                        C.link("Cancel", cancel, "link")
                    ]))
        }
        let caption: String? = { if case .edit(_, let n) = m.mode { return n } else { return nil } }()
        return Layout.page(
            title: title, ctx, hasErrors: !m.errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            top + [
                                C.h1(title, caption: caption),
                                el(.form, [.method: "post", .action: action, .novalidate: ""], fields)
                            ])
                    ])
            ])
    }
}

// MARK: - A child's record

enum ChildShowView {
    static func render(_ ctx: PageContext, _ m: ChildShow) -> String {
        let d = m.record.details
        let id = m.record.id
        let known = d.preferredName ?? d.givenName
        let age = d.dateOfBirth.age(on: m.today)
        let workers = Array(Set(m.currentWork.compactMap(\.caseManager))).sorted()
        var actions: [H] = []
        if m.canRecord {
            actions.append(C.link("Record a referral", Paths.newReferral(id)))
            actions.append(C.link("Record an offence", Paths.newOffence(id)))
            actions.append(C.link("Record a court hearing", Paths.newHearing(id)))
            actions.append(C.link("Record a case consultation", Paths.newConsultation(id)))
        }
        if m.canStartIntervention { actions.append(C.link("Start an intervention", Paths.newIntervention(id))) }
        if m.canEdit { actions.append(C.link("Edit details", Paths.editChild(id))) }
        if m.canSeeAudit { actions.append(C.link("Audit trail", Paths.childAudit(id))) }
        if m.canSeeAudit { actions.append(C.link("Transfer to another service", Paths.transferChild(id))) }

        var content: [H] = [
            el(
                .div, [.class: "child-banner"],
                [
                    el(.span, [.class: "caption-l"], m.serviceName),
                    el(.h1, [.class: "heading-l"], d.preferredName.map { "\($0) \(d.familyName)" } ?? d.fullName),
                    el(
                        .p, [.class: "child-banner__meta"],
                        [
                            txt("Age \(age) · born \(d.dateOfBirth.longFormat)"),
                            d.preferredName != nil ? txt(" · legal name \(d.fullName)") : group([]),
                            workers.isEmpty || m.summaryOnly ? group([]) : txt(" · worker: " + workers.joined(separator: ", "))
                        ]),
                    d.alerts.isEmpty
                        ? group([])
                        : el(
                            .ul, [.class: "alert-list", .ariaLabel: "Alerts"],
                            d.alerts.map {
                                el(.li, [:], [C.tag($0.label, colour: "red")])
                            })
                ])
        ]
        if m.summaryOnly {
            // Victim work needs who the child is, what they did and to whom: nothing of their case file.
            content.append(el(.h2, [.class: "heading-m", .id: "legal-history"], "Offences"))
            content.append(
                m.offences.isEmpty
                    ? C.p("No offences recorded.")
                    : C.table(
                        caption: nil, headers: ["Date", "Offence", "Outcome"],
                        rows: m.offences.map { o in
                            [
                                txt(Show.date(o.date)),
                                txt(Show.label(OffenceCategory.self, o.category) + (o.description.map { " — \($0)" } ?? "")),
                                txt(o.outcome + (o.outcomeDate.map { ", \(Show.date($0))" } ?? ""))
                            ]
                        }))
            content += m.victims.map { [PracticeViews.section($0)] } ?? []
            return Layout.page(title: d.fullName, ctx, wide: true, content)
        }
        content += [
            el(
                .div, [.class: "grid-row"],
                [
                    el(
                        .div, [.class: "column-half"],
                        [
                            el(.h2, [.class: "heading-m"], "What matters to \(known)"),
                            el(.p, [.class: "body"], [C.multiline(d.whatMatters)])
                        ]),
                    el(
                        .div, [.class: "column-half"],
                        [
                            el(.h2, [.class: "heading-m"], "\(known)’s strengths"),
                            el(.p, [.class: "body"], [C.multiline(d.strengths)])
                        ])
                ]),
            el(.h2, [.class: "heading-m", .id: "current-work"], "Current work and what is due")
        ]
        if m.currentWork.isEmpty {
            content.append(C.p("No current work with \(known)."))
        } else {
            content.append(
                C.table(
                    caption: nil, headers: ["Work", "Started", "Case manager", "What is due"],
                    rows: m.currentWork.map { w in
                        [
                            C.link(Show.label(InterventionType.self, w.type), Paths.intervention(w.id)),
                            txt(Show.date(w.startDate)),
                            w.caseManager.map { txt($0) } ?? C.tag("Not allocated", colour: "yellow"),
                            w.due.isEmpty
                                ? txt("Nothing due")
                                : el(
                                    .ul, [.class: "list due-list"],
                                    w.due.map { x in el(.li, [:], [Show.dueTag(x), txt(" " + Show.dueText(x))]) })
                        ]
                    }))
        }
        if !actions.isEmpty {
            content.append(el(.ul, [.class: "action-list", .ariaLabel: "Actions"], actions.map { el(.li, [:], [$0]) }))
        }
        // Legal history in date order: offences with their outcomes, and court hearings.
        var legal: [(String, [H])] = m.offences.map { o in
            (
                o.date,
                [
                    txt(Show.date(o.date)),
                    txt(
                        "Offence: " + Show.label(OffenceCategory.self, o.category) + (o.description.map { " — \($0)" } ?? "")
                            + (o.gravity.map { " (gravity \($0))" } ?? "")),
                    txt(o.outcome + (o.outcomeDate.map { ", \(Show.date($0))" } ?? ""))
                ]
            )
        }
        legal += m.hearings.map { h in (h.date, [txt(Show.date(h.date)), txt("Court hearing: \(h.court)"), txt(h.result)]) }
        legal.sort { $0.0 < $1.0 }
        content.append(el(.h2, [.class: "heading-m", .id: "legal-history"], "Legal history"))
        content.append(
            legal.isEmpty
                ? C.p("No offences or court hearings recorded.")
                : C.table(caption: nil, headers: ["Date", "What", "Outcome or result"], rows: legal.map(\.1)))
        if !m.offences.isEmpty, let victims = m.victims { content.append(PracticeViews.section(victims)) }
        content += m.childRecords.map(PracticeViews.section)
        content.append(el(.h2, [.class: "heading-m"], "Referrals"))
        content.append(
            m.referrals.isEmpty
                ? C.p("No referrals recorded.")
                : C.table(
                    caption: nil, headers: ["Received", "From", "Decision"],
                    rows: m.referrals.map { r in
                        [
                            C.link(Show.date(r.receivedOn), Paths.referral(r.id)), txt(Show.label(ReferralSource.self, r.source)),
                            txt(
                                Show.label(ScreeningDecision.self, r.decision)
                                    + (r.destination.map { ": " + Show.label(ScreenOutDestination.self, $0) } ?? ""))
                        ]
                    }))
        if !m.consultations.isEmpty {
            content.append(el(.h2, [.class: "heading-m"], "Case consultations"))
            content.append(
                C.table(
                    caption: nil, headers: ["Date", "Known to", "Outcome"],
                    rows: m.consultations.map { c in
                        [txt(Show.date(c.heldOn)), txt(c.knownTo), C.multiline(c.outcome)]
                    }))
        }
        if !m.pastWork.isEmpty {
            content.append(el(.h2, [.class: "heading-m"], "Past work"))
            content.append(
                C.table(
                    caption: nil, headers: ["Work", "Started", "Ended", "Reason"],
                    rows: m.pastWork.map { i in
                        [
                            C.link(Show.label(InterventionType.self, i.type), Paths.intervention(i.id)), txt(Show.date(i.startDate)),
                            i.endDate.map { txt(Show.date($0)) } ?? txt("Not started yet"),
                            C.value(i.closureReason.map { Show.label(ClosureReason.self, $0) })
                        ]
                    }))
        }
        content += [
            el(.h2, [.class: "heading-m"], "About \(known)"),
            C.summaryList([
                ("Legal name", txt(d.fullName)),
                ("Preferred name", C.value(d.preferredName)),
                ("Date of birth", txt("\(d.dateOfBirth.longFormat) (age \(age))")),
                ("Sex", txt(d.sex.label)),
                ("Ethnicity", txt(d.ethnicity.fullLabel)),
                ("Care status", txt(d.careStatus.label)),
                ("SEND", C.value(d.send?.label)),
                ("EHCP", C.value(d.ehcp?.label))
            ]),
            el(.h2, [.class: "heading-m"], "Home, education and accommodation"),
            C.summaryList([
                ("Postcode", C.value(d.postcode?.value)),
                ("District", C.value(d.district)),
                ("School, college or ETE provider", C.value(d.school)),
                ("ETE status", C.value(d.eteStatus?.label)),
                ("Accommodation", C.value(d.accommodation?.label))
            ]),
            el(.h2, [.class: "heading-m"], "Identifiers"),
            C.summaryList([
                ("NHS number", C.value(d.nhsNumber?.formatted)),
                ("Unique pupil number", C.value(d.upn?.value)),
                ("PNC ID", C.value(d.pncID?.canonical))
            ])
        ]
        return Layout.page(title: d.fullName, ctx, wide: true, content)
    }
}

// MARK: - Audit trail

/// A page of a child's audit trail, newest first: when, who, what, why they could see the child,
/// and the fields a change changed.
struct ChildAudit {
    struct Entry {
        let at: Date
        let who: String?
        let what: String
        let why: String
        /// "Field: before → after", one per field changed.
        let changes: [String]
    }
    let child: ChildRef
    let entries: [Entry]
    let total: Int
    let page: Int
    var totalPages: Int { max(1, (total + AuditQuery.pageSize - 1) / AuditQuery.pageSize) }

    static let actionLabels = [
        "view_child": "Viewed the record", "create_child": "Added the child", "update_child": "Changed details"
    ]

    /// Why the person could see the child: the basis the gate found, the list or download that
    /// showed them, or the reason they gave.
    static func whyText(_ action: String, details: String?, why: String?) -> String {
        if let why { return why }
        if action == "child_access_reason" { return "gave a reason: \(details ?? "")" }
        if action.hasPrefix("view_") || action.hasPrefix("export_"), let details, !details.hasPrefix("[") { return "shown in: \(details)" }
        return ""
    }

    init(_ child: ChildRecord, events: [AuditRow], total: Int, page: Int) {
        let labels = Dictionary(uniqueKeysWithValues: child.details.fields.map { ($0.column, $0.label) })
        self.child = ChildRef(child)
        self.entries = events.map { e in
            let (details, why) = Audit.splitWhy(e.details)
            var changes: [String] = []
            if let data = details?.data(using: .utf8), let list = try? JSONDecoder().decode([FieldChange].self, from: data) {
                changes = list.map { c in "\(labels[c.field] ?? c.field): \(c.from ?? "—") → \(c.to ?? "—")" }
            }
            return Entry(
                at: e.at, who: e.user_email, what: Self.actionLabels[e.action] ?? e.action,
                why: Self.whyText(e.action, details: details, why: why), changes: changes)
        }
        self.total = total
        self.page = page
    }
}

enum ChildAuditView {
    static func render(_ ctx: PageContext, _ m: ChildAudit) -> String {
        let rows: [[H]] = m.entries.map { e in
            [
                txt(LondonTime(e.at).stamp),
                C.value(e.who),
                txt(e.what),
                txt(e.why),
                e.changes.isEmpty ? txt("") : el(.ul, [.class: "list list--compact"], e.changes.map { el(.li, [:], $0) })
            ]
        }
        return Layout.page(
            title: "Audit trail for \(m.child.name)", ctx, wide: true,
            [
                C.h1("Audit trail", caption: m.child.name),
                C.p("Every view and change of this child's record, newest first. Entries cannot be edited or deleted."),
                m.entries.isEmpty
                    ? C.p("No entries yet.")
                    : C.table(
                        caption: "\(m.total) entries", headers: ["When", "Who", "What", "Why they could see it", "Changes"], rows: rows),
                C.pagination(page: m.page, totalPages: m.totalPages) { Paths.with(Paths.childAudit(m.child.id), [("page", String($0))]) },
                el(.p, [.class: "body"], [C.link("Back to the record", Paths.child(m.child.id))])
            ])
    }
}
