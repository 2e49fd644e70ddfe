import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct InterventionRow: Decodable {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let referral_id: UUID?
    let type: String
    let start_date: String
    let planned_end_date: String?
    let end_date: String?
    let closure_reason: String?
    let outcome: String?
    let requirements: String?
    let custody_end_date: String?
    let case_manager_id: UUID?
    let co_worker_id: UUID?
    let allocated_on: String?
    let first_seen_at: Date?

    var interventionType: InterventionType? { InterventionType(rawValue: type) }
    var startDate: LocalDate { LocalDate(iso: start_date)! }

    func isOpen(on date: LocalDate) -> Bool {
        guard let start = LocalDate(iso: start_date), start <= date else { return false }
        guard let end = end_date.flatMap(LocalDate.init(iso:)) else { return true }
        return end >= date
    }

    var facts: InterventionFacts? {
        guard let type = interventionType, let start = LocalDate(iso: start_date) else { return nil }
        return InterventionFacts(
            type: type, startDate: start, plannedEndDate: planned_end_date.flatMap(LocalDate.init(iso:)),
            endDate: end_date.flatMap(LocalDate.init(iso:)), allocatedOn: allocated_on.flatMap(LocalDate.init(iso:)))
    }
}

enum InterventionStore {
    static func insert(_ i: InterventionInput, childID: UUID, serviceID: UUID, referralID: UUID?, on db: Database, now: Date) async throws
        -> UUID
    {
        let id = UUID()
        try await db.sql.insert(into: "interventions")
            .columns(
                "id", "service_id", "child_id", "referral_id", "type", "start_date", "planned_end_date", "requirements",
                "custody_end_date", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(referralID), SQLBind(i.type.rawValue),
                SQLBind(i.startDate.iso), SQLBind(i.plannedEndDate?.iso),
                SQLBind(i.requirements.isEmpty ? nil : i.requirements.map(\.rawValue).joined(separator: ",")),
                SQLBind(i.custodyEndDate?.iso), SQLBind(now)
            )
            .run()
        return id
    }

    static func find(_ id: UUID, in services: [UUID], on db: Database) async throws -> InterventionRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("interventions")
            .where("id", .equal, SQLBind(id)).where("service_id", .in, SQLBind.group(services))
            .first(decoding: InterventionRow.self)
    }

    /// The interventions with these ids in these services, by id.
    static func findAll(_ ids: [UUID], in services: [UUID], on db: Database) async throws -> [UUID: InterventionRow] {
        guard !services.isEmpty else { return [:] }
        var out: [UUID: InterventionRow] = [:]
        for chunk in Array(Set(ids)).chunked() {
            for row in try await db.sql.select().column("*").from("interventions").where("id", .in, SQLBind.group(chunk))
                .where("service_id", .in, SQLBind.group(services)).all(decoding: InterventionRow.self)
            {
                out[row.id] = row
            }
        }
        return out
    }

    /// An intervention of a child held by one of `services`, whichever service held the
    /// intervention (after a transfer, the receiving service opens the child's earlier work too).
    static func find(_ id: UUID, ofChildIn services: [UUID], on db: Database) async throws -> InterventionRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("interventions"))).from("interventions")
            .join("children", on: SQLColumn("id", table: "children"), .equal, SQLColumn("child_id", table: "interventions"))
            .where(SQLColumn("id", table: "interventions"), .equal, SQLBind(id)).where(
                SQLColumn("service_id", table: "children"), .in, SQLBind.group(services)
            )
            .first(decoding: InterventionRow.self)
    }

    static func forChild(_ childID: UUID, on db: Database) async throws -> [InterventionRow] {
        try await db.sql.select().column("*").from("interventions").where("child_id", .equal, SQLBind(childID))
            .orderBy("start_date", .descending).all(decoding: InterventionRow.self)
    }

    /// The child's interventions, newest first, each with its case manager's name (one statement:
    /// the child's page asked for the names apart).
    static func forChildWithManagers(_ childID: UUID, on db: Database) async throws -> [(InterventionRow, caseManager: String?)] {
        let rows = try await KeptStatements.statement("interventions-with-managers", on: db.sql, binds: [childID]) { db in
            db.select()
                .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("interventions")))
                .column(SQLColumn("name", table: "users"), as: "case_manager_name")
                .from("interventions")
                .join(
                    "users", method: SQLJoinMethod.left, on: SQLColumn("case_manager_id", table: "interventions"), .equal,
                    SQLColumn("id", table: "users")
                )
                .where(SQLColumn("child_id", table: "interventions"), .equal, SQLBind(childID))
                .orderBy(SQLColumn("start_date", table: "interventions"), SQLDirection.descending)
        }.all()
        return try rows.map { (try $0.decode(model: InterventionRow.self), try $0.decode(column: "case_manager_name", as: String?.self)) }
    }

    /// Children with an open intervention managed (or co-worked) by each worker, as at `date`.
    static func caseloads(in services: [UUID], on date: LocalDate, db: Database) async throws -> [UUID: Int] {
        guard !services.isEmpty else { return [:] }
        struct Row: Decodable { let worker: UUID; let n: Int }
        let rows = try await db.sql.select()
            .column(SQLColumn("case_manager_id"), as: "worker")
            .column(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("child_id"))), as: "n")
            .from("interventions")
            .where("service_id", .in, SQLBind.group(services))
            .where("case_manager_id", .isNot, SQLLiteral.null)
            .where("start_date", .lessThanOrEqual, SQLBind(date.iso))
            .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(date.iso)) }
            .groupBy("case_manager_id")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.worker, $0.n) })
    }

    /// The same for each of several services apart: service → case manager → children, in one query.
    static func caseloadsByService(in services: [UUID], on date: LocalDate, db: Database) async throws -> [UUID: [UUID: Int]] {
        guard !services.isEmpty else { return [:] }
        struct Row: Decodable { let service: UUID; let worker: UUID; let n: Int }
        let rows = try await db.sql.select()
            .column(SQLColumn("service_id"), as: "service")
            .column(SQLColumn("case_manager_id"), as: "worker")
            .column(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("child_id"))), as: "n")
            .from("interventions")
            .where("service_id", .in, SQLBind.group(services))
            .where("case_manager_id", .isNot, SQLLiteral.null)
            .where("start_date", .lessThanOrEqual, SQLBind(date.iso))
            .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(date.iso)) }
            .groupBy("service_id").groupBy("case_manager_id")
            .all(decoding: Row.self)
        var out: [UUID: [UUID: Int]] = [:]
        for r in rows { out[r.service, default: [:]][r.worker] = r.n }
        return out
    }

    static func allocate(
        _ i: InterventionRow, caseManager: UUID, coWorker: UUID?, on date: LocalDate, by: UUID, overCapConfirmed: Bool,
        db: Database, now: Date
    ) async throws {
        try await db.sql.update("interventions")
            .set("case_manager_id", to: SQLBind(caseManager))
            .set("co_worker_id", to: SQLBind(coWorker))
            .set("allocated_on", to: SQLBind(date.iso))
            .set("first_seen_at", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(i.id)).run()
        try await db.sql.insert(into: "allocations")
            .columns("id", "intervention_id", "case_manager_id", "co_worker_id", "allocated_on", "allocated_by", "at", "over_cap_confirmed")
            .values(
                SQLBind(UUID()), SQLBind(i.id), SQLBind(caseManager), SQLBind(coWorker), SQLBind(date.iso), SQLBind(by), SQLBind(now),
                SQLBind(overCapConfirmed)
            )
            .run()
        // The history reports read with the intervention, kept in the same transaction.
        try await AllocationHistory.refresh([i.id], on: db)
    }

    struct AllocationRow: Decodable {
        let case_manager_id: UUID
        let co_worker_id: UUID?
        let allocated_on: String
        let at: Date
        let over_cap_confirmed: Bool
    }

    static func allocationHistory(_ id: UUID, on db: Database) async throws -> [AllocationRow] {
        try await db.sql.select().columns("case_manager_id", "co_worker_id", "allocated_on", "at", "over_cap_confirmed")
            .from("allocations").where("intervention_id", .equal, SQLBind(id)).orderBy("at", .descending).all(decoding: AllocationRow.self)
    }

    static func close(_ id: UUID, _ c: ClosureInput, on db: Database) async throws {
        try await db.sql.update("interventions")
            .set("end_date", to: SQLBind(c.endDate.iso))
            .set("closure_reason", to: SQLBind(c.reason.rawValue))
            .set("outcome", to: SQLBind(c.outcome))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// The case manager has opened the child's record since allocation: no longer "new".
    static func markSeen(childID: UUID, by userID: UUID, on db: Database, now: Date) async throws {
        try await db.sql.update("interventions")
            .set("first_seen_at", to: SQLBind(now))
            .where("child_id", .equal, SQLBind(childID))
            .where("case_manager_id", .equal, SQLBind(userID))
            .where("first_seen_at", .is, SQLLiteral.null)
            .run()
    }
}
