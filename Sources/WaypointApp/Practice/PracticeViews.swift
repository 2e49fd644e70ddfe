import Foundation
import WaypointDomain

/// Pages for practice records, built from the kind's spec.
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

    /// A practice record's form: on which child or work, the record when editing, where it posts and returns, what was typed, and its choices.
    struct PracticeEdit {
        let p: PracticeController.Parent
        let record: PracticeRecord?
        let action: String
        let back: String
        let values: FormValues
        let errors: [FieldError]
        let lookups: Lookups

        init(
            _ p: PracticeController.Parent, record: PracticeRecord?, action: String, back: String, values v: FormValues,
            errors: [FieldError], lookups: Lookups
        ) {
            self.p = p
            self.record = record
            self.action = action
            self.back = back
            self.values = v
            self.errors = errors
            self.lookups = lookups
        }
    }

    static func form(_ ctx: PageContext, _ m: PracticeEdit) -> String {
        let (p, record, action, back, v, errors, lookups) = (m.p, m.record, m.action, m.back, m.values, m.errors, m.lookups)
        let spec = p.spec
        var fields: [H] = [Layout.csrfField(ctx.csrf)]
        if record != nil { fields.append(voidEl(.input, [.type: "hidden", .name: "version", .value: v["version"]])) }
        for f in spec.fields where !f.system && (!f.restricted || PracticeController.seesRestricted(ctx.user!, spec)) {
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
        fields.append(
            el(.div, [.class: "button-group"], [C.button(record == nil ? "Save" : "Save changes"), C.link("Cancel", back, "link")]))
        let title = (record == nil ? "Add " : "Change ") + spec.title.lowercased()
        var content: [H] = [
            C.errorSummary(errors), C.h1(record == nil ? "Add \(spec.title.lowercased())" : spec.title, caption: p.child.details.fullName)
        ]
        if let i = p.intervention {
            content.append(C.p("\(Show.label(InterventionType.self, i.type)) from \(Show.date(i.start_date))", "body secondary-text"))
        }
        if let intro = spec.intro { content.append(C.p(intro)) }
        content.append(el(.form, [.method: "post", .action: action, .novalidate: ""], fields))
        return Layout.page(
            title: title, ctx, hasErrors: !errors.isEmpty,
            [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])])
    }

    /// One practice record, with who recorded it and whether the reader may edit it.
    struct PracticeShow {
        let p: PracticeController.Parent
        let r: PracticeRecord
        let lookups: Lookups
        let members: [String]
        let canEdit: Bool
        let back: String
        let createdBy: String?

        init(
            _ p: PracticeController.Parent, _ r: PracticeRecord, lookups: Lookups, members: [String], canEdit: Bool, back: String,
            createdBy: String?
        ) {
            self.p = p
            self.r = r
            self.lookups = lookups
            self.members = members
            self.canEdit = canEdit
            self.back = back
            self.createdBy = createdBy
        }
    }

    static func show(_ ctx: PageContext, _ m: PracticeShow) -> String {
        let (p, r, lookups, members, canEdit, back, createdBy) = (m.p, m.r, m.lookups, m.members, m.canEdit, m.back, m.createdBy)
        let spec = p.spec
        var rows: [(key: String, value: H)] = [("Child", C.link(p.child.details.fullName, Paths.child(p.child.id)))]
        if let i = p.intervention {
            rows.append(
                (
                    "Intervention",
                    C.link("\(Show.label(InterventionType.self, i.type)) from \(Show.date(i.start_date))", Paths.intervention(i.id))
                ))
        }
        for f in RecordStore.visibleFields(spec, restricted: PracticeController.seesRestricted(ctx.user!, spec)) where !f.system {
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
        if spec.hasRestrictedFields && !PracticeController.seesRestricted(ctx.user!, spec) {
            rows.append(("Identity", el(.span, [.class: "secondary-text"], "Only victim workers and managers see who the victim is")))
        }
        rows.append(("Recorded", txt(DateFormatting.londonDateTime(r.createdAt) + (createdBy.map { " by \($0)" } ?? ""))))
        var content: [H] = [C.h1(spec.title, caption: p.child.details.fullName), C.summaryList(rows)]
        if canEdit {
            let label = spec.kind == .contact ? "Reschedule, cancel or record the outcome" : "Change"
            content.append(C.buttonLink(label, Paths.editRecord(spec.kind, r.id), secondary: true))
        }
        content.append(el(.p, [.class: "body"], [C.link("Back", back)]))
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
