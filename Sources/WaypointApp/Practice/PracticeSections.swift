import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The practice sections of the intervention page and the child's page, read for one user: what
/// they may see and record is decided here, and the pages render what this returns.
enum PracticeSections {
    static func forIntervention(_ req: Request, _ user: CurrentUser, _ i: InterventionRow, _ child: ChildRecord) async throws
        -> [PracticeSection]
    {
        let type = i.interventionType ?? .prevention
        let specs = RecordKind.allCases.map(\.spec).filter { $0.parent == .intervention && $0.appliesTo(type) }
        var bySection: [(String, [PracticeViews.SectionData])] = []
        var records: [RecordKind: [PracticeRecord]] = [:]
        for spec in specs {
            let restricted = PracticeController.seesRestricted(user, spec)
            let list = try await RecordStore.list(spec, intervention: i.id, restricted: restricted, on: req.db)
            records[spec.kind] = list
            let parent = PracticeController.Parent(spec: spec, child: child, intervention: i)
            let data = PracticeViews.SectionData(
                spec: spec, records: list, canRecord: user.can(spec.recordAction, serviceID: i.service_id),
                addPath: Paths.newInterventionRecord(i.id, spec.kind), csvPath: Paths.interventionRecordsCSV(i.id, spec.kind),
                lookups: try await PracticeController.lookups(parent, on: req.db), restricted: restricted)
            if let k = bySection.firstIndex(where: { $0.0 == spec.section }) {
                bySection[k].1.append(data)
            } else {
                bySection.append((spec.section, [data]))
            }
        }
        let open = i.end_date == nil
        let today = req.today
        return bySection.map { title, data in
            var lead: [PracticeSection.Lead] = []
            switch title {
            case "Compliance":
                let s = ComplianceHook.state(
                    warnings: records[.warning] ?? [], contacts: records[.contact] ?? [], breaches: records[.breach] ?? [], today: today)
                lead.append(s.breachDue != nil ? .warning(s.text) : .text(s.text))
                lead.append(.note(Compliance.rule))
            case "Reparation":
                let ordered = records[.reparationRequirement]?.first?["hours_ordered"]?.int
                let done = (records[.reparationSession] ?? []).compactMap { $0["hours"]?.double }.reduce(0, +)
                lead.append(
                    .text(
                        ordered.map { "\(RecordForm.number(done)) of \($0) hours completed." }
                            ?? "\(RecordForm.number(done)) hours completed. The hours ordered are not recorded yet."))
            case "Contacts and sessions":
                let c = records[.contact] ?? []
                let attended = c.filter { $0["attendance"]?.text == "attended" }.count
                let missed = c.filter { $0["attendance"]?.text == "did_not_attend" }.count
                let arranged = c.filter { $0["attendance"] == nil }.count
                lead.append(.text("\(attended) attended, \(missed) did not attend, \(arranged) arranged."))
            case "KPI data":
                let stages = Set((records[.kpi] ?? []).compactMap { $0["stage"]?.text })
                if !stages.contains("start") && open && user.can(.recordPractice, serviceID: i.service_id) {
                    lead.append(.text("The start data is not recorded yet. The end data is taken when the intervention is closed."))
                }
            default: break
            }
            return PracticeSection(title: title, parts: data, open: open, lead: lead)
        }
    }

    /// The child's own record sections (not about one intervention): victims, shown where the
    /// legal history is; and the care history, exploitation concerns and achievements (case
    /// workers only), with what the history says today. `offences`: the child's, as the page read them;
    /// `holding`: the tables with records of the child (`ChildTables`), the others not read.
    static let childKinds: [RecordKind] = [.victim, .careEpisode, .placementOffence, .exploitation, .achievement]

    static func forChild(
        _ req: Request, _ user: CurrentUser, _ child: ChildRecord, offences: [OffenceRow], holding: Set<String>
    ) async throws
        -> (victims: PracticeSection, records: [PracticeSection])
    {
        let lookups: PracticeViews.Lookups = [
            "offences": offences.map {
                ($0.id.uuidString.lowercased(), "\(Show.label(OffenceCategory.self, $0.category)) on \(Show.date($0.offence_date))")
            }
        ]
        let victims = try await sectionData(req, user, child, .victim, lookups, holding)
        let victimSection = PracticeSection(
            title: victims.spec.section, parts: [victims], open: true,
            lead: victims.restricted ? [] : [.note("Only victim workers and managers see who the victims are.")])
        guard user.can(.viewCaseWork, serviceID: child.serviceID) else { return (victimSection, []) }
        let today = req.today
        let episodes = try await sectionData(req, user, child, .careEpisode, lookups, holding)
        let atPlacement = try await sectionData(req, user, child, .placementOffence, lookups, holding)
        let concerns = try await sectionData(req, user, child, .exploitation, lookups, holding)
        let achievements = try await sectionData(req, user, child, .achievement, lookups, holding)
        let history = episodes.records.compactMap { CareEpisode($0.values) }
        let status = CareHistory.status(history, dateOfBirth: child.details.dateOfBirth, on: today)
        var careLead: [PracticeSection.Lead] = [.text(Self.careText(history, status, today: today))]
        if history.isEmpty && child.details.careStatus != .none {
            careLead.append(
                .warning("The child's details say \(child.details.careStatus.label.lowercased()), but no care episode is recorded."))
        }
        let concernType = RecordKind.exploitation.spec.field("concern_type")
        let current = concerns.records.filter { $0["closed_on"] == nil }
        let concernLead: [PracticeSection.Lead] = [
            .text(
                current.isEmpty
                    ? "No current exploitation concern."
                    : "\(current.count) current \(current.count == 1 ? "concern" : "concerns"): "
                        + current.compactMap { r in r["concern_type"].flatMap { concernType?.label(for: $0.formText) } }
                        .joined(separator: ", ") + ".")
        ]
        let n = achievements.records.count
        var portfolio: [PracticeSection.Lead] = [.text("\(n) \(n == 1 ? "achievement" : "achievements") in the portfolio.")]
        if n > 0 { portfolio.append(.link("Print the portfolio", Paths.portfolio(child.id))) }
        return (
            victimSection,
            [
                PracticeSection(title: "Care history", parts: [episodes, atPlacement], open: true, lead: careLead),
                PracticeSection(title: "Exploitation and safety", parts: [concerns], open: true, lead: concernLead),
                PracticeSection(title: "Achievements", parts: [achievements], open: true, lead: portfolio)
            ]
        )
    }

    static func careText(_ history: [CareEpisode], _ status: CareHistory.Status, today: LocalDate) -> String {
        switch status {
        case .lookedAfter:
            guard let e = CareHistory.episode(history, on: today) else { return "Looked after." }
            let whose =
                switch CareHistory.placement(e) {
                case .ownInArea: "by this authority, placed in its area"
                case .ownOutOfArea: "by this authority, placed outside its area"
                case .otherAuthority: "by another authority, placed here"
                }
            return "Looked after since \(e.start.longFormat), \(whose)."
        case .careLeaver: return "A care leaver (looked after for 13 weeks or more since the age of 14, some of it after 16)."
        case .notInCare: return history.isEmpty ? "No time in care recorded." : "Not looked after now, and not a care leaver."
        }
    }

    static func sectionData(
        _ req: Request, _ user: CurrentUser, _ child: ChildRecord, _ kind: RecordKind, _ lookups: PracticeViews.Lookups,
        _ holding: Set<String>
    ) async throws -> PracticeViews.SectionData {
        let spec = kind.spec
        let restricted = PracticeController.seesRestricted(user, spec)
        let list =
            holding.contains(spec.table) ? try await RecordStore.list(spec, child: child.id, restricted: restricted, on: req.db) : []
        return PracticeViews.SectionData(
            spec: spec, records: list, canRecord: user.can(spec.recordAction, serviceID: child.serviceID),
            addPath: Paths.newChildRecord(child.id, kind), csvPath: Paths.childRecordsCSV(child.id, kind), lookups: lookups,
            restricted: restricted)
    }
}
