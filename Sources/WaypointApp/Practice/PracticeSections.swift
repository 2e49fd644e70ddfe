import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The practice sections of the intervention page and the child's page.
enum PracticeSections {
    static func forIntervention(_ req: Request, _ user: CurrentUser, _ i: InterventionRow, _ child: ChildRecord) async throws -> [H] {
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
                addPath: Paths.newInterventionRecord(i.id, spec.kind), csvPath: Paths.interventionRecords(i.id, spec.kind) + "/csv",
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
            var lead: [H] = []
            switch title {
            case "Compliance":
                let s = ComplianceHook.state(
                    warnings: records[.warning] ?? [], contacts: records[.contact] ?? [], breaches: records[.breach] ?? [], today: today)
                lead.append(s.breachDue != nil ? C.warning(s.text) : C.p(s.text))
                lead.append(C.p(Compliance.rule, "body-s secondary-text"))
            case "Reparation":
                let ordered = records[.reparationRequirement]?.first?["hours_ordered"]?.int
                let done = (records[.reparationSession] ?? []).compactMap { $0["hours"]?.double }.reduce(0, +)
                lead.append(
                    C.p(
                        ordered.map { "\(RecordForm.number(done)) of \($0) hours completed." }
                            ?? "\(RecordForm.number(done)) hours completed. The hours ordered are not recorded yet."))
            case "Contacts and sessions":
                let c = records[.contact] ?? []
                let attended = c.filter { $0["attendance"]?.text == "attended" }.count
                let missed = c.filter { $0["attendance"]?.text == "did_not_attend" }.count
                let arranged = c.filter { $0["attendance"] == nil }.count
                lead.append(C.p("\(attended) attended, \(missed) did not attend, \(arranged) arranged."))
            case "KPI data":
                let stages = Set((records[.kpi] ?? []).compactMap { $0["stage"]?.text })
                if !stages.contains("start") && open && user.can(.recordPractice, serviceID: i.service_id) {
                    lead.append(C.p("The start data is not recorded yet. The end data is taken when the intervention is closed."))
                }
            default: break
            }
            return PracticeViews.section(title, data, open: open, lead: lead)
        }
    }

    static func forChild(_ req: Request, _ user: CurrentUser, _ child: ChildRecord) async throws -> [H] {
        let spec = RecordKind.victim.spec
        let restricted = PracticeController.seesRestricted(user, spec)
        let parent = PracticeController.Parent(spec: spec, child: child, intervention: nil)
        let list = try await RecordStore.list(spec, child: child.id, restricted: restricted, on: req.db)
        let data = PracticeViews.SectionData(
            spec: spec, records: list, canRecord: user.can(spec.recordAction, serviceID: child.serviceID),
            addPath: Paths.newChildRecord(child.id, .victim), csvPath: Paths.childRecords(child.id, .victim) + "/csv",
            lookups: try await PracticeController.lookups(parent, on: req.db), restricted: restricted)
        let lead: [H] = restricted ? [] : [C.p("Only victim workers and managers see who the victims are.", "body-s secondary-text")]
        return [PracticeViews.section(spec.section, [data], open: true, lead: lead)]
    }
}
