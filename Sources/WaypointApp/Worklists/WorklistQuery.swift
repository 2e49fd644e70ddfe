import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// An open intervention with its child, for worklists. (The case manager's name is not read here:
/// joining the users made PostgreSQL plan the statement afresh at every run, 0.4 ms of My work's
/// 0.6 ms in it; My work has its team's names from `Workers.team`.)
struct OpenWorkRow {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let type: String
    let start_date: String
    let planned_end_date: String?
    let end_date: String?
    let case_manager_id: UUID?
    let co_worker_id: UUID?
    let allocated_on: String?
    let first_seen_at: Date?
    let given_name: String
    let family_name: String
    let preferred_name: String?
    /// The name the lists show and sort by, written once here: sorting a worklist compares names
    /// some n·log n times, and writing the name afresh in each comparison was about 3% of My work's time.
    let childName: String

    init?(_ r: RowReader) {
        guard let id = r.uuid("id"), let service = r.uuid("service_id"), let child = r.uuid("child_id"), let type = r.string("type"),
            let start = r.string("start_date"), let given = r.string("given_name"), let family = r.string("family_name")
        else { return nil }
        (self.id, service_id, child_id, self.type, start_date) = (id, service, child, type, start)
        (planned_end_date, end_date) = (r.string("planned_end_date"), r.string("end_date"))
        (case_manager_id, co_worker_id, allocated_on) = (r.uuid("case_manager_id"), r.uuid("co_worker_id"), r.string("allocated_on"))
        first_seen_at = r.time("first_seen_at")
        (given_name, family_name, preferred_name) = (given, family, r.string("preferred_name"))
        childName = "\(preferred_name ?? given_name) \(family_name)"
    }

    var facts: InterventionFacts? {
        guard let type = InterventionType(rawValue: type), let start = LocalDate(iso: start_date) else { return nil }
        return InterventionFacts(
            type: type, startDate: start, plannedEndDate: planned_end_date.flatMap(LocalDate.init(iso:)),
            endDate: end_date.flatMap(LocalDate.init(iso:)), allocatedOn: allocated_on.flatMap(LocalDate.init(iso:)))
    }
}

/// A worklist entry: the work and what is due on it, computed now.
struct WorkItem {
    let row: OpenWorkRow
    let due: [DueItem]
    var next: DueItem? { due.first }
    var overdue: [DueItem] { due.filter(\.overdue) }
}

enum WorklistQuery {
    enum Filter {
        case worker(UUID)  // case manager or co-worker
        case workers([UUID])  // case manager is one of these
        case workerOrTheirs(UUID, [UUID])  // case manager or co-worker, or one of these is the case manager
        case unallocated
        case allocated
    }

    /// Open interventions (as at `today`) in `services` matching `filter`.
    static func openWork(_ filter: Filter, in services: [UUID], today: LocalDate, on db: Database) async throws -> [OpenWorkRow] {
        guard !services.isEmpty else { return [] }
        // The statement's values in the order its text names them, and what shapes its text.
        let today = today.iso
        let postgres = db.sql.dialect.name == "postgresql"
        var binds: [any Encodable & Sendable] = services + [today, today]
        var shape = "open-work:\(services.count):"
        switch filter {
        case .worker(let id): binds += [id, id]; shape += "worker"
        case .workers(let ids):
            guard !ids.isEmpty else { return [] }
            if postgres { binds.append(ids) } else { binds += ids }
            shape += "workers:\(postgres ? 0 : ids.count)"
        case .workerOrTheirs(let id, let others):
            if postgres { binds += [[id] + others, id] } else { binds += [id] + others + [id] }
            shape += "worker-or-theirs:\(postgres ? 0 : others.count)"
        case .unallocated: shape += "unallocated"
        case .allocated: shape += "allocated"
        }
        let query = KeptStatements.statement(shape, on: db.sql, binds: binds) { sql in
            build(filter, in: services, today: today, on: sql)
        }
        return try await Rows.collect(query) { OpenWorkRow($0) }
    }

    /// On PostgreSQL, the dates and the workers reach the statement as values its planner cannot
    /// read: `(SELECT $n)`, and for a list `ANY((SELECT $n)::uuid[])`, each worked out once as the
    /// statement starts (an index still answers it). A kept statement is planned for its values at
    /// each run until a plan for any values estimates no dearer; with the values read, the estimate
    /// always came a little cheaper (My work: 287 against 297), so PostgreSQL planned My work's
    /// statement afresh at every request, 0.3 ms of its 0.7 ms and 8% of the machine's time under
    /// load. Unseen, both estimate alike and the plan kept for any values is used: the same plan
    /// (the workers' index, the dates filtered). SQLite keeps no plans between runs and is given
    /// the values as they are.
    private static func build(_ filter: Filter, in services: [UUID], today: String, on sql: any SQLDatabase) -> any SQLQueryBuilder {
        let i = "interventions"
        let postgres = sql.dialect.name == "postgresql"
        func unseen(_ value: any Encodable & Sendable) -> any SQLExpression {
            postgres ? SQLQueryString("(SELECT \(bind: value))") : SQLBind(value)
        }
        func managedByAny(_ ids: [UUID]) -> any SQLExpression {
            postgres
                ? SQLQueryString("\(SQLColumn("case_manager_id", table: i)) = ANY((SELECT \(bind: ids))::uuid[])")
                : SQLBinaryExpression(SQLColumn("case_manager_id", table: i), .in, SQLBind.group(ids))
        }
        var b = sql.select()
            .columns(
                [
                    "id", "service_id", "child_id", "type", "start_date", "planned_end_date", "end_date", "case_manager_id",
                    "co_worker_id", "allocated_on", "first_seen_at"
                ].map { SQLColumn($0, table: i) }
            )
            .column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
            .column(SQLColumn("preferred_name", table: "children"))
            .from(i)
            .join("children", on: SQLColumn("child_id", table: i), .equal, SQLColumn("id", table: "children"))
            .where(SQLColumn("service_id", table: i), .in, SQLBind.group(services))
            // Through `COALESCE` (the date is never null), so PostgreSQL cannot answer it from the
            // start date's index: planning the kept statement once for any date, it counted on a
            // third of the interventions having started and intersected the whole index's range with
            // the worker's few rows (My work: 0.74 ms a request, 0.26 ms without; SQLite plans the same).
            .where(
                SQLFunction("COALESCE", args: SQLColumn("start_date", table: i), SQLLiteral.string("")), .lessThanOrEqual, unseen(today)
            )
            .where {
                $0.where(SQLColumn("end_date", table: i), .is, SQLLiteral.null).orWhere(
                    SQLColumn("end_date", table: i), .greaterThanOrEqual, unseen(today))
            }
        switch filter {
        case .worker(let id):
            b = b.where {
                $0.where(SQLColumn("case_manager_id", table: i), .equal, SQLBind(id)).orWhere(
                    SQLColumn("co_worker_id", table: i), .equal, SQLBind(id))
            }
        case .workers(let ids):
            b = b.where(managedByAny(ids))
        case .workerOrTheirs(let id, let others):
            b = b.where {
                $0.where(managedByAny([id] + others)).orWhere(
                    SQLColumn("co_worker_id", table: i), .equal, SQLBind(id))
            }
        case .unallocated:
            b = b.where(SQLColumn("case_manager_id", table: i), .is, SQLLiteral.null)
        case .allocated:
            b = b.where(SQLColumn("case_manager_id", table: i), .isNot, SQLLiteral.null)
        }
        return b.orderBy(SQLColumn("start_date", table: i)).orderBy(SQLColumn("id", table: i))
    }

    /// Adds what is due to each row (per service timescales), overdue and soonest first.
    static func withDue(_ rows: [OpenWorkRow], today: LocalDate, reference: ReferenceData, on db: Database) async throws -> [WorkItem] {
        var timescales: [UUID: Timescales] = [:]
        for s in Set(rows.map(\.service_id)) { timescales[s] = reference.timescales(for: s) }
        let practice = try await PracticeFacts.load(rows.map(\.id), on: db)
        let items = rows.map { r in
            WorkItem(
                row: r,
                due: r.facts.map { f -> [DueItem] in
                    Deadlines.outstanding(
                        PracticeFacts.apply(f, practice[r.id]), timescales: timescales[r.service_id] ?? Timescales(),
                        calendar: reference.calendar, today: today)
                } ?? [])
        }
        return items.sorted { a, b in
            switch (a.next, b.next) {
            case let (x?, y?): return x.due != y.due ? x.due < y.due : a.row.childName < b.row.childName
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.row.childName < b.row.childName
            }
        }
    }
}
