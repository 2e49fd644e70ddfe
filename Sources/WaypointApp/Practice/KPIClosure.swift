import Fluent
import Foundation
import WaypointDomain

/// The end-of-intervention KPI data, taken by the closure form: an intervention does not close
/// without it (each answer given, or "not known" with the reason).
enum KPIClosure {
    static func parse(_ f: FormValues, today: LocalDate) -> Result<RecordValues, FormErrors> {
        let answers = Set(KPIFields.answers.map(\.name))
        return RecordForm.parse(RecordKind.kpi.spec, f, today: today, include: { answers.contains($0.name) })
    }

    static func existingEnd(_ intervention: UUID, on db: Database) async throws -> PracticeRecord? {
        try await RecordStore.list(RecordKind.kpi.spec, intervention: intervention, restricted: true, on: db).first {
            $0["stage"]?.text == "end"
        }
    }

    static func save(
        _ answers: RecordValues, endDate: LocalDate, existing: PracticeRecord?, intervention i: InterventionRow, by: UUID, on db: Database,
        now: Date
    ) async throws {
        var v = answers
        v["stage"] = .text("end")
        v["recorded_on"] = .text(endDate.iso)
        let spec = RecordKind.kpi.spec
        if let existing {
            _ = try await RecordStore.update(
                spec, existing.id, version: existing.version, values: v, formFields: spec.fields, on: db, now: now)
        } else {
            _ = try await RecordStore.insert(
                spec, v, serviceID: i.service_id, childID: i.child_id, interventionID: i.id, by: by, on: db, now: now)
        }
    }
}
