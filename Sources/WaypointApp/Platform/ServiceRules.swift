import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WaypointDomain

struct Count: Decodable { let n: Int }

/// Reference data and service settings the journey rules need, read afresh (commands, imports,
/// reports). A page asks `req.referenceData()`, which keeps them between requests.
enum ServiceRules {
    static func calendar(on db: Database) async throws -> WorkingDayCalendar {
        try await ReferenceData.read(on: db).calendar
    }

    static func timescales(for serviceID: UUID, on db: Database) async throws -> Timescales {
        try await ReferenceData.read(on: db).timescales(for: serviceID)
    }

    static func outcomeTypes(on db: Database) async throws -> [OutcomeType] {
        try await ReferenceData.read(on: db).outcomeTypes
    }
}

extension Request {
    /// The reference data as the database holds it now, kept by the server while unchanged.
    func referenceData() async throws -> ReferenceData {
        try await application.referenceCache.current(on: db, seen: storage[ReferenceVersionSeen.self])
    }
}

/// `reference_version.n` as read with a GET request's session (`SessionAuthenticator`), so the page
/// need not ask for it again. Only a GET carries it: a GET changes nothing, so the number holds for
/// the whole request, where a form's handler may change the reference data before it reads them.
enum ReferenceVersionSeen: StorageKey {
    typealias Value = Int
}

extension Application {
    /// Set up by `configure`; one per application, as the application has one database.
    var referenceCache: ReferenceCache {
        get {
            guard let cache = storage[ReferenceCache.Key.self] else { fatalError("configure() sets up the reference cache") }
            return cache
        }
        set { storage[ReferenceCache.Key.self] = newValue }
    }
}

/// Keeps one copy of `ReferenceData` and reads it again only when `reference_version.n` has moved
/// (`M0034_ReferenceVersion`: triggers on the four tables move it, whoever changes them, in this
/// process or another), so a page asks for one number instead of reading the tables.
/// Inside a transaction the data is read afresh and not kept: the transaction may yet be rolled back.
final class ReferenceCache: Sendable {
    struct Key: StorageKey { typealias Value = ReferenceCache }
    private let kept = NIOLockedValueBox<(version: Int, data: ReferenceData)?>(nil)

    /// `seen`: the number as already read in this request (`ReferenceVersionSeen`), if it was.
    func current(on db: Database, seen: Int? = nil) async throws -> ReferenceData {
        struct Version: Decodable { let n: Int }
        guard !db.inTransaction else { return try await ReferenceData.read(on: db) }
        // The number first, then the tables: data read after a change is at worst kept under the
        // number before it, and read again on the next request.
        let number: Int
        if let seen {
            number = seen
        } else if let version = try await db.sql.select().column("n").from("reference_version").first(decoding: Version.self) {
            number = version.n
        } else {
            return try await ReferenceData.read(on: db)
        }
        if let hit = kept.withLockedValue({ $0 }), hit.version == number { return hit.data }
        let data = try await ReferenceData.read(on: db)
        kept.withLockedValue { $0 = (number, data) }
        return data
    }
}

/// Bank holidays, outcome codes, each service's name, cap and timescales: read by nearly every page,
/// changed a few times a year.
struct ReferenceData: Sendable {
    struct ServiceInfo: Sendable {
        let code: String
        let name: String
        let caseloadCap: Int
    }

    let calendar: WorkingDayCalendar
    /// In the order the forms list them.
    let outcomeTypes: [OutcomeType]
    let services: [UUID: ServiceInfo]
    private let timescaleRows: [UUID: [TimescaleRow]]

    fileprivate struct TimescaleRow: Decodable, Sendable {
        let service_id: UUID
        let setting: String
        let intervention_type: String
        let value: Int
    }

    /// The service's timescales: the national defaults with the service's own settings over them.
    func timescales(for serviceID: UUID) -> Timescales {
        var t = Timescales()
        if let cap = services[serviceID]?.caseloadCap { t.caseloadCap = cap }
        for r in timescaleRows[serviceID] ?? [] {
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

    /// Reads the four tables.
    static func read(on db: Database) async throws -> ReferenceData {
        struct Holiday: Decodable { let date: String }
        let holidays = try await db.sql.select().column("date").from("bank_holidays").all(decoding: Holiday.self)
        struct Outcome: Decodable {
            let code: String; let label: String; let tier: String; let counts_as_entry: Bool; let conviction: Bool; let custodial: Bool
            let disposal_group: String; let retired: Bool
        }
        let outcomes = try await db.sql.select().columns(
            "code", "label", "tier", "counts_as_entry", "conviction", "custodial", "disposal_group", "retired"
        )
        .from("outcome_types").orderBy("sort_order").orderBy("code").all(decoding: Outcome.self)
        struct ServiceRow: Decodable { let id: UUID; let code: String; let name: String; let caseload_cap: Int }
        let services = try await db.sql.select().columns("id", "code", "name", "caseload_cap").from("services")
            .all(decoding: ServiceRow.self)
        let timescales = try await db.sql.select().columns("service_id", "setting", "intervention_type", "value")
            .from("timescale_settings").all(decoding: TimescaleRow.self)
        return ReferenceData(
            calendar: WorkingDayCalendar(holidays: Set(holidays.compactMap { LocalDate(iso: $0.date) })),
            outcomeTypes: outcomes.map {
                OutcomeType(
                    code: $0.code, label: $0.label, tier: $0.tier, countsAsEntry: $0.counts_as_entry, conviction: $0.conviction,
                    custodial: $0.custodial,
                    disposalGroup: OutcomeType.DisposalGroup(rawValue: $0.disposal_group) ?? .none, retired: $0.retired)
            },
            services: Dictionary(
                services.map { ($0.id, ServiceInfo(code: $0.code, name: $0.name, caseloadCap: $0.caseload_cap)) },
                uniquingKeysWith: { a, _ in a }),
            timescaleRows: Dictionary(grouping: timescales, by: \.service_id))
    }
}
