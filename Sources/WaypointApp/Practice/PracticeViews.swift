import Foundation
import WaypointDomain

/// Pages for practice records, built from the kind's spec.
/// What a practice record is on, as its pages show it: its kind, the child, and the work when it is
/// on an intervention ("Referral order from 1 April 2024").
struct PracticeOn {
    let spec: RecordSpec
    let child: ChildRef
    let work: (id: UUID, label: String)?

    init(_ p: PracticeController.Parent) {
        spec = p.spec
        child = ChildRef(p.child)
        work = p.intervention.map { i in (i.id, "\(Show.label(InterventionType.self, i.type)) from \(Show.date(i.start_date))") }
    }
}

/// A practice record's form: what it is on, whether it changes a record already made, where it
/// posts and returns, its choices, whether the reader sees restricted fields, and what was typed.
struct PracticeEdit {
    let on: PracticeOn
    let editing: Bool
    let action: String
    let back: String
    let lookups: PracticeViews.Lookups
    let seesRestricted: Bool
    var form: FormState
}

/// One practice record, with who recorded it, the panel's volunteers, and what the reader may see
/// and do.
struct PracticeShow {
    let on: PracticeOn
    let record: PracticeRecord
    let lookups: PracticeViews.Lookups
    let members: [String]
    let seesRestricted: Bool
    let canEdit: Bool
    let back: String
    let createdBy: String?
}

enum PracticeViews {
    typealias Lookups = [String: [(code: String, label: String)]]

    /// One field as a GOV.UK input. Errors link to the field's input id.
    static func input(_ f: FieldSpec, values v: FormValues, errors: [FieldError], lookups: Lookups, prefix: String = "") -> H {
        let name = prefix + f.name
        let error = FieldMessages(errors)(prefix + f.inputID)
        let label = f.label + (f.required == nil && !isChoice(f) ? " (optional)" : "")
        switch f.kind {
        case .text:
            return C.textInput(name, label: label, value: v[name], error: error, hint: f.hint)
        case .longText:
            return C.textarea(name, label: label, value: v[name], error: error, hint: f.hint, rows: 4)
        case .date:
            return C.dateInput(name, legend: label, values: v, error: error, hint: f.hint)
        case .time:
            return C.textInput(
                name, label: label, value: v[name], error: error, hint: f.hint ?? "24-hour clock, like 09:30", width: "input--width-5")
        case .int:
            return C.textInput(
                name, label: label, value: v[name], error: error, hint: f.hint, width: "input--width-4", inputmode: "numeric")
        case .decimal:
            return C.textInput(
                name, label: label, value: v[name], error: error, hint: f.hint, width: "input--width-4", inputmode: "decimal")
        case .choice(let options):
            if f.required != nil && options.count <= 7 {
                return C.radios(
                    name, legend: f.label, options: options, selected: v[name], error: error, hint: f.hint, inline: options.count <= 3)
            }
            return C.select(
                name, label: f.label, options: options, selected: v[name], error: error, hint: f.hint,
                blank: f.required == nil ? "Not recorded" : "Select an option")
        case .lookup(let source):
            let options = lookups[source] ?? []
            return C.select(
                name, label: f.label, options: options, selected: v[name], error: error,
                hint: options.isEmpty ? "There is nothing to choose from yet" : f.hint,
                blank: f.required == nil ? "Not recorded" : "Select an option")
        }
    }

    static func isChoice(_ f: FieldSpec) -> Bool {
        switch f.kind {
        case .choice, .lookup: true
        default: false
        }
    }

    static func form(_ ctx: PageContext, _ m: PracticeEdit) -> String {
        let (v, errors, lookups, spec, editing) = (m.form.values, m.form.errors, m.lookups, m.on.spec, m.editing)
        var fields: [H] = []
        if editing { fields.append(voidEl(.input, [.type: "hidden", .name: "version", .value: v["version"]])) }
        for f in spec.fields where !f.system && (!f.restricted || m.seesRestricted) {
            fields.append(input(f, values: v, errors: errors, lookups: lookups))
            if spec.kind == .panel && f.name == "yjs_member" {
                let volunteers = lookups["volunteers"] ?? []
                fields.append(
                    volunteers.isEmpty
                        ? C.insetText([txt("No volunteers are registered in this service yet. An administrator can add them.")])
                        : C.checkboxes(
                            "members", legend: "Volunteer panel members", options: volunteers, selected: v.list("members"),
                            error: FieldMessages(errors)("members"), hint: "They will see this panel's papers, and no others"
                        ))
            }
        }
        return FormPage(
            title: editing ? spec.title : "Add \(spec.title.lowercased())", caption: m.on.child.name,
            pageTitle: (editing ? "Change " : "Add ") + spec.title.lowercased(), note: m.on.work?.label, intro: spec.intro, errors: errors,
            action: m.action, submit: editing ? "Save changes" : "Save", cancel: m.back
        ).render(ctx, fields)
    }

    static func show(_ ctx: PageContext, _ m: PracticeShow) -> String {
        let (r, lookups, members, spec) = (m.record, m.lookups, m.members, m.on.spec)
        var rows: [(key: String, value: H)] = [("Child", C.link(m.on.child.name, Paths.child(m.on.child.id)))]
        if let work = m.on.work { rows.append(("Intervention", C.link(work.label, Paths.intervention(work.id)))) }
        for f in RecordStore.visibleFields(spec, restricted: m.seesRestricted) where !f.system {
            let shown = RecordForm.display(f, r[f.name], lookups: lookups)
            rows.append((f.label, f.kind.isLong ? C.multiline(shown) : C.value(shown)))
            if spec.kind == .panel && f.name == "yjs_member" {
                rows.append(("Volunteer panel members", C.value(members.isEmpty ? nil : members.joined(separator: ", "))))
            }
        }
        if spec.kind == .contact, let n = r["rescheduled_count"]?.int, n > 0 {
            rows.append(
                (
                    "Rescheduled",
                    txt("\(n) time\(n == 1 ? "" : "s"), first arranged for \(r["rescheduled_from"]?.text.map(showDateTime) ?? "")")
                ))
        }
        if spec.hasRestrictedFields && !m.seesRestricted {
            rows.append(("Identity", el(.span, [.class: "secondary-text"], "Only victim workers and managers see who the victim is")))
        }
        rows.append(("Recorded", txt(DateFormatting.londonDateTime(r.createdAt) + (m.createdBy.map { " by \($0)" } ?? ""))))
        var content: [H] = [C.h1(spec.title, caption: m.on.child.name), C.summaryList(rows)]
        if m.canEdit {
            let label = spec.kind == .contact ? "Reschedule, cancel or record the outcome" : "Change"
            content.append(C.buttonLink(label, Paths.editRecord(spec.kind, r.id), secondary: true))
        }
        content.append(el(.p, [.class: "body"], [C.link("Back", m.back)]))
        return Layout.page(title: spec.title, ctx, [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])])
    }

    /// "2024-03-27 10:00" as "27 March 2024 at 10:00".
    static func showDateTime(_ s: String) -> String {
        let parts = s.split(separator: " ")
        guard let d = parts.first.flatMap({ LocalDate(iso: String($0)) }) else { return s }
        return d.longFormat + (parts.count > 1 ? " at \(parts[1])" : "")
    }

    /// The records of one kind in a section of an intervention or child page, shown as a table
    /// with its CSV and its add button.
    struct SectionData {
        let spec: RecordSpec
        let records: [PracticeRecord]
        let canRecord: Bool
        let addPath: String
        let csvPath: String
        let lookups: Lookups
        let restricted: Bool
    }

    static func section(_ section: PracticeSection) -> H {
        let title = section.title
        let data = section.parts
        let open = section.open
        var out: [H] = [el(.h2, [.class: "heading-m", .id: Paths.anchor(title)], title)]
        out += section.lead.map { lead -> H in
            switch lead {
            case .text(let s): C.p(s)
            case .note(let s): C.p(s, "body-s secondary-text")
            case .warning(let s): C.warning(s)
            case .link(let text, let path): el(.p, [.class: "body"], [C.link(text, path)])
            }
        }
        for d in data {
            let spec = d.spec
            if data.count > 1 || spec.plural != title { out.append(el(.h3, [.class: "heading-s"], spec.plural)) }
            let fields = RecordStore.visibleFields(spec, restricted: d.restricted).filter(\.inList)
            if d.records.isEmpty {
                out.append(C.p("None recorded yet.", "body secondary-text"))
            } else {
                out.append(
                    C.table(
                        caption: nil, headers: fields.map(\.label) + [""],
                        rows: d.records.map { r in
                            fields.map { f -> H in
                                let s = RecordForm.display(f, r[f.name], lookups: d.lookups)
                                if spec.kind == .contact && f.name == "attendance" && s == nil { return C.tag("Arranged", colour: "blue") }
                                return f.kind.isLong ? txt(s.map { $0.count > 90 ? String($0.prefix(90)) + "…" : $0 } ?? "") : C.value(s)
                            } + [C.link("View", Paths.record(spec.kind, r.id))]
                        }))
                out.append(el(.p, [.class: "body-s"], [C.link("Download \(spec.plural.lowercased()) (CSV)", d.csvPath)]))
            }
            let single: Bool = {
                if case .perIntervention = spec.single { return !d.records.isEmpty }
                return false
            }()
            if d.canRecord && !single && (open || [.feedback, .caseAudit, .kpi, .exitPlan].contains(spec.kind)) {
                out.append(C.buttonLink("Add \(spec.title.lowercased())", d.addPath, secondary: true))
            }
        }
        return el(.section, [.class: "practice-section"], out)
    }
}

extension PracticeViews {
    /// The portfolio of achievements: the child's name and each achievement in date order, plain
    /// enough to print (the site's header and links are left off the printed page).
    /// A child's portfolio of achievements.
    struct PracticePortfolio {
        let child: ChildRecord
        let list: [PracticeRecord]
        let today: LocalDate

        init(_ child: ChildRecord, _ list: [PracticeRecord], today: LocalDate) {
            self.child = child
            self.list = list
            self.today = today
        }
    }

    static func portfolio(_ ctx: PageContext, _ m: PracticePortfolio) -> String {
        let (child, list, today) = (m.child, m.list, m.today)
        let d = child.details
        let spec = RecordKind.achievement.spec
        let name = (d.preferredName ?? d.givenName) + " " + d.familyName
        var content: [H] = [
            el(.p, [.class: "no-print"], [C.link("Back to \(name)", Paths.child(child.id) + "#achievements")]),
            el(.span, [.class: "caption-l"], "Portfolio of achievements"),
            el(.h1, [.class: "heading-l"], name)
        ]
        if list.isEmpty {
            content.append(C.p("No achievements recorded yet."))
        } else {
            content.append(C.p("\(name) has achieved \(list.count == 1 ? "this" : "these \(list.count) things"). Well done."))
            content.append(
                C.table(
                    caption: nil, headers: ["Date", "Achievement", "Type", "Awarding body", "Level"],
                    rows: list.map { r in
                        [
                            C.value(RecordForm.display(spec.field("achieved_on")!, r["achieved_on"])),
                            C.value(r["title"]?.formText),
                            C.value(RecordForm.display(spec.field("achievement_type")!, r["achievement_type"])),
                            C.value(r["awarding_body"]?.formText), C.value(r["level"]?.formText)
                        ]
                    }))
            content.append(
                el(.p, [.class: "no-print"], [el(.button, [.type: "button", .class: "button", .dataPrint: "portfolio"], "Print")]))
        }
        content.append(C.p("Printed \(today.longFormat).", "body-s secondary-text"))
        return Layout.page(title: "Portfolio of achievements – \(name)", ctx, content)
    }
}

extension FieldKind {
    var isLong: Bool { if case .longText = self { true } else { false } }
}

/// A practice section of an intervention or child page, as data: its title, the records of each
/// kind in it, and what it says first (what the records add up to today).
struct PracticeSection {
    enum Lead {
        case text(String)
        /// Smaller, secondary text.
        case note(String)
        case warning(String)
        case link(String, String)
    }

    let title: String
    let parts: [PracticeViews.SectionData]
    let open: Bool
    var lead: [Lead] = []
}
