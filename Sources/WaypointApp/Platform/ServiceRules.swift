import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct Count: Decodable { let n: Int }

/// Reference data and service settings the journey rules need.
enum ServiceRules {
    static func calendar(on db: Database) async throws -> WorkingDayCalendar {
        struct Row: Decodable { let date: String }
        let rows = try await db.sql.select().column("date").from("bank_holidays").all(decoding: Row.self)
        return WorkingDayCalendar(holidays: Set(rows.compactMap { LocalDate(iso: $0.date) }))
    }

    static func timescales(for serviceID: UUID, on db: Database) async throws -> Timescales {
        try await timescales(for: serviceID, service: try await Service.find(serviceID, on: db), on: db)
    }

    /// The same, for a caller that has read the service already.
    static func timescales(for serviceID: UUID, service: Service?, on db: Database) async throws -> Timescales {
        var t = Timescales()
        if let service { t.caseloadCap = service.caseloadCap }
        struct Row: Decodable { let setting: String; let intervention_type: String; let value: Int }
        let rows = try await db.sql.select().columns("setting", "intervention_type", "value").from("timescale_settings")
            .where("service_id", .equal, SQLBind(serviceID)).all(decoding: Row.self)
        for r in rows {
            switch (r.setting, InterventionType(rawValue: r.intervention_type)) {
            case ("assessment_working_days", nil): t.assessmentWorkingDays = r.value
            case ("assessment_working_days", let type?): t.assessmentWorkingDaysByType[type] = r.value
            case ("initial_panel_working_days", _): t.initialPanelWorkingDays = r.value
            case ("review_months", nil): t.reviewMonths = r.value
            case ("review_months", let type?): t.reviewMonthsByType[type] = r.value
            default: break
            }
        }
        return t
    }

    static func outcomeTypes(on db: Database) async throws -> [OutcomeType] {
        struct Row: Decodable {
            let code: String; let label: String; let tier: String; let counts_as_entry: Bool; let conviction: Bool; let custodial: Bool
            let disposal_group: String; let retired: Bool
        }
        return try await db.sql.select().columns(
            "code", "label", "tier", "counts_as_entry", "conviction", "custodial", "disposal_group", "retired"
        )
        .from("outcome_types").orderBy("sort_order").orderBy("code").all(decoding: Row.self)
        .map {
            OutcomeType(
                code: $0.code, label: $0.label, tier: $0.tier, countsAsEntry: $0.counts_as_entry, conviction: $0.conviction,
                custodial: $0.custodial,
                disposalGroup: OutcomeType.DisposalGroup(rawValue: $0.disposal_group) ?? .none, retired: $0.retired)
        }
    }
}
