import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// Imports a validated bundle: all-or-nothing, matched on service + external id, so importing
/// the same bundle twice changes nothing the second time. Changed rows update their records
/// and are audited.
enum Importer {
    struct FileReport: Equatable, Sendable {
        var created = 0
        var updated = 0
        var unchanged = 0
    }

    struct Report: Sendable {
        var files: [(String, FileReport)] = []
        var lines: [String] {
            files.map { "\($0.0): \($0.1.created) created, \($0.1.updated) updated, \($0.1.unchanged) unchanged" }
        }
    }

    enum Outcome {
        case invalid([Interchange.Problem])
        case imported(Report)
    }

    /// What validation may see. `within`: the services an import may touch (a manager's own);
    /// nil for every service (the server's operator, with the `waypoint` command).
    static func context(on db: Database, today: LocalDate, within: Set<UUID>?) async throws -> Interchange.Context {
        struct S: Decodable { let id: UUID; let code: String }
        let codes = Set(
            try await db.sql.select().columns("id", "code").from("services").all(decoding: S.self)
                .filter { within?.contains($0.id) ?? true }.map(\.code))
        struct C: Decodable { let external_id: String; let code: String }
        var q = db.sql.select()
            .column(SQLColumn("external_id", table: "children")).column(SQLColumn("code", table: "services"))
            .from("children").join("services", on: SQLColumn("service_id", table: "children"), .equal, SQLColumn("id", table: "services"))
            .where(SQLColumn("external_id", table: "children"), .isNot, SQLLiteral.null)
        if let within { q = q.where(SQLColumn("service_id", table: "children"), .in, SQLBind.group(Array(within))) }
        let existing = try await q.all(decoding: C.self)
        var byID: [String: Set<String>] = [:]
        for c in existing { byID[c.external_id, default: []].insert(c.code) }
        struct U: Decodable { let email: String }
        let emails = Set(try await db.sql.select().column("email").from("users").all(decoding: U.self).map(\.email))
        let outcomes = Set(try await ServiceRules.outcomeTypes(on: db).map(\.code))
        var ctx = Interchange.Context(serviceCodes: codes, existingChildren: byID, userEmails: emails, outcomeCodes: outcomes, today: today)
        ctx.existingOffences = try await offenceKeys(on: db, within: within)
        ctx.existingPanels = Set(try await keys("disposal_panels", on: db, within: within).keys.map(\.key))
        ctx.existingDecisions = Set(try await keys("panel_decisions", on: db, within: within).keys.map(\.key))
        ctx.existingScrutinies = Set(try await keys("scrutiny_panels", on: db, within: within).keys.map(\.key))
        return ctx
    }

    /// Where a bundle's id names a row: in which service, by which id (ids are unique only
    /// within a service, like children's).
    struct Keyed: Hashable { let service: UUID; let key: String }

    /// A table's rows by service and the id a bundle names them with (their external id, else
    /// Waypoint's own id as exported).
    static func keys(_ table: String, on db: Database, within: Set<UUID>?) async throws -> [Keyed: UUID] {
        struct R: Decodable { let id: UUID; let service_id: UUID; let external_id: String? }
        let q = db.sql.select().columns("id", "service_id", "external_id").from(table)
        if let within { q.where("service_id", .in, SQLBind.group(Array(within))) }
        var out: [Keyed: UUID] = [:]
        for r in try await q.all(decoding: R.self) {
            out[Keyed(service: r.service_id, key: r.id.uuidString.lowercased())] = r.id
            if let e = r.external_id { out[Keyed(service: r.service_id, key: e)] = r.id }
        }
        return out
    }

    /// Offences in Waypoint by the id a bundle names them with (their external id, else Waypoint's
    /// own id as exported) → the bundle ids of their children.
    static func offenceKeys(on db: Database, within: Set<UUID>?) async throws -> [String: Set<String>] {
        struct O: Decodable { let id: UUID; let external_id: String?; let child_id: UUID; let child_external: String? }
        let q = db.sql.select()
            .column(SQLColumn("id", table: "offences")).column(SQLColumn("external_id", table: "offences"))
            .column(SQLColumn("child_id", table: "offences")).column(SQLColumn("external_id", table: "children"), as: "child_external")
            .from("offences").join("children", on: SQLColumn("child_id", table: "offences"), .equal, SQLColumn("id", table: "children"))
        if let within { q.where(SQLColumn("service_id", table: "offences"), .in, SQLBind.group(Array(within))) }
        var out: [String: Set<String>] = [:]
        for o in try await q.all(decoding: O.self) {
            out[o.external_id ?? o.id.uuidString.lowercased(), default: []].insert(o.child_external ?? o.child_id.uuidString.lowercased())
        }
        return out
    }

    static func run(
        _ files: [String: Data], on db: Database, actor: Agent, today: LocalDate, now: Date, dryRun: Bool,
        within: Set<UUID>? = nil
    ) async throws -> Outcome {
        if let within, within.isEmpty {
            return .invalid([
                Interchange.Problem(file: "(bundle)", line: nil, column: nil, message: "you work in no service to import into")
            ])
        }
        let ctx = try await context(on: db, today: today, within: within)
        switch Interchange.validate(files, context: ctx) {
        case .failure(let p):
            return .invalid(p.list)
        case .success(let plan):
            if dryRun {
                // Apply inside a transaction that is rolled back, so the report is exact.
                do {
                    try await db.writeTransaction { tx in
                        throw DryRun(report: try await apply(plan, on: tx, actor: actor, now: now, within: within))
                    }
                } catch let dry as DryRun {
                    return .imported(dry.report)
                }
                return .imported(Report())
            }
            let report = try await db.writeTransaction { tx in try await apply(plan, on: tx, actor: actor, now: now, within: within) }
            return .imported(report)
        }
    }

    struct DryRun: Error { let report: Report }

    static let batch = 400

    /// Inserts rows in multi-row statements.
    static func insertAll(_ table: String, columns: [String], rows: [[any SQLExpression]], on db: Database) async throws {
        var start = 0
        while start < rows.count {
            let end = min(start + batch, rows.count)
            var b = db.sql.insert(into: table).columns(columns)
            for r in rows[start..<end] { b = b.values(r) }
            try await b.run()
            start = end
        }
    }

    static func apply(_ plan: Interchange.Plan, on db: Database, actor: Agent, now: Date, within: Set<UUID>? = nil) async throws -> Report {
        var report = Report()
        let sql = db.sql
        func audit(_ action: String, service: UUID?, child: UUID?, details: String) async throws {
            try await Audit.record(
                on: db, at: now, userID: actor.userID, userEmail: actor.email, action: action, serviceID: service, childID: child,
                details: details)
        }

        // Services.
        struct S: Decodable { let id: UUID; let code: String; let name: String }
        var services = Dictionary(
            uniqueKeysWithValues: try await sql.select().columns("id", "code", "name").from("services").all(decoding: S.self).map {
                ($0.code, $0)
            })
        if plan.present.contains(Interchange.services.name) {
            var r = FileReport()
            for s in plan.services {
                if let existing = services[s.code] {
                    if existing.name == s.name { r.unchanged += 1; continue }
                    try await sql.update("services").set("name", to: SQLBind(s.name)).where("id", .equal, SQLBind(existing.id)).run()
                    try await audit("import_update_service", service: existing.id, child: nil, details: "name \(existing.name) → \(s.name)")
                    services[s.code] = S(id: existing.id, code: s.code, name: s.name)
                    r.updated += 1
                } else {
                    let id = UUID()
                    try await sql.insert(into: "services").columns("id", "code", "name", "caseload_cap", "created_at")
                        .values(SQLBind(id), SQLBind(s.code), SQLBind(s.name), SQLBind(25), SQLBind(now)).run()
                    services[s.code] = S(id: id, code: s.code, name: s.name)
                    r.created += 1
                }
            }
            report.files.append((Interchange.services.name, r))
        }

        // Children: existing rows of the bundle's services, keyed by service + external id.
        var childIDs: [String: UUID] = [:]  // external id → internal id (bundle children first)
        var childService: [String: UUID] = [:]
        let childColumns = ChildDetails.empty.fields.map(\.column)
        struct Existing { let id: UUID; let service: UUID; let version: Int; let values: [String: String?] }
        var existingChildren: [String: Existing] = [:]  // "service|external"
        let serviceIDs = Set(plan.children.compactMap { services[$0.serviceCode]?.id })
        if !serviceIDs.isEmpty {
            // Matched by external id, or by Waypoint's own id for a child made here (as exported).
            let rows = try await sql.select().columns(["id", "service_id", "version", "external_id"] + childColumns).from("children")
                .where("service_id", .in, SQLBind.group(Array(serviceIDs))).all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                let service = try row.decode(column: "service_id", as: UUID.self)
                let ext = try row.decode(column: "external_id", as: String?.self) ?? id.uuidString.lowercased()
                var values: [String: String?] = [:]
                for c in childColumns { values[c] = try row.decode(column: c, as: String?.self) }
                existingChildren["\(service.uuidString)|\(ext)"] = Existing(
                    id: id, service: service, version: try row.decode(column: "version", as: Int.self), values: values)
            }
        }
        if plan.present.contains(Interchange.children.name) {
            var r = FileReport()
            var inserts: [[any SQLExpression]] = []
            for c in plan.children {
                let service = services[c.serviceCode]!.id
                let fields = c.details.fields
                if let e = existingChildren["\(service.uuidString)|\(c.childID)"] {
                    childIDs[c.childID] = e.id
                    childService[c.childID] = service
                    // Compare the fields the bundle carries; keep what Waypoint adds (what matters, strengths…).
                    let carried = Set([
                        "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "ethnicity_group", "care_status", "send", "ehcp",
                        "postcode", "district", "pnc_id", "upn", "nhs_number"
                    ])
                    let changes = fields.filter { carried.contains($0.column) && (e.values[$0.column] ?? nil) != $0.value }
                    if changes.isEmpty { r.unchanged += 1; continue }
                    var u = sql.update("children").set("version", to: SQLBind(e.version + 1)).set("updated_at", to: SQLBind(now))
                    for f in changes { u = u.set(SQLIdentifier(f.column), to: SQLBind(f.value)) }
                    // Keep the search name in step with the names.
                    var names = [String: String?]()
                    for f in fields where ["given_name", "family_name"].contains(f.column) { names[f.column] = f.value }
                    let preferred = e.values["preferred_name"] ?? nil
                    u = u.set(
                        "search_name",
                        to: SQLBind(
                            SearchText.fold(
                                [names["given_name"] ?? nil, preferred, names["family_name"] ?? nil].compactMap { $0 }.joined(
                                    separator: " "))))
                    try await u.where("id", .equal, SQLBind(e.id)).run()
                    let diff = changes.filter { $0.column != "ethnicity_group" }.map {
                        FieldChange(field: $0.column, from: e.values[$0.column] ?? nil, to: $0.value)
                    }
                    try await audit("update_child", service: service, child: e.id, details: Audit.encode(diff))
                    r.updated += 1
                } else {
                    let id = UUID()
                    childIDs[c.childID] = id
                    childService[c.childID] = service
                    inserts.append(
                        [SQLBind(id), SQLBind(service), SQLBind(1), SQLBind(now), SQLBind(now), SQLBind(c.childID)]
                            + fields.map { SQLBind($0.value) })
                    r.created += 1
                }
            }
            try await insertAll(
                "children", columns: ["id", "service_id", "version", "created_at", "updated_at", "external_id"] + childColumns,
                rows: inserts, on: db)
            if r.created > 0 {
                try await audit("import_children", service: nil, child: nil, details: "\(r.created) children created by import")
            }
            report.files.append((Interchange.children.name, r))
        }
        // Children referred to but not in the bundle: already in Waypoint (validation checked it is one service).
        let missing = Set(
            plan.referrals.map(\.childID) + plan.offences.map(\.childID) + plan.interventions.map(\.childID)
                + plan.records.values.flatMap { $0.map(\.childID) } + plan.decisions.map(\.childID)
        ).subtracting(childIDs.keys)
        if !missing.isEmpty {
            struct C: Decodable { let id: UUID; let service_id: UUID; let external_id: String }
            var q = sql.select().columns("id", "service_id", "external_id").from("children")
                .where("external_id", .in, SQLBind.group(Array(missing)))
            if let within { q = q.where("service_id", .in, SQLBind.group(Array(within))) }
            let rows = try await q.all(decoding: C.self)
            for c in rows { childIDs[c.external_id] = c.id; childService[c.external_id] = c.service_id }
        }

        /// Existing rows of a table for these services, keyed "service|external"; each column is
        /// read back as the kind of cell `template` says it holds.
        func existing(_ table: String, _ template: [(String, Cell)]) async throws -> [String: (id: UUID, values: [String: Cell])] {
            let services = Set(childService.values)
            guard !services.isEmpty else { return [:] }
            var out: [String: (id: UUID, values: [String: Cell])] = [:]
            // Matched by external id, or by Waypoint's own id for a record made here (as exported).
            let rows = try await sql.select().columns(["id", "service_id", "external_id"] + template.map(\.0)).from(table)
                .where("service_id", .in, SQLBind.group(Array(services))).all()
            for row in rows {
                var values: [String: Cell] = [:]
                for (c, kind) in template { values[c] = try kind.read(row, c) }
                let id = try row.decode(column: "id", as: UUID.self)
                let ext = try row.decode(column: "external_id", as: String?.self) ?? id.uuidString.lowercased()
                out["\(try row.decode(column: "service_id", as: UUID.self).uuidString)|\(ext)"] = (id, values)
            }
            if table == RecordKind.placementOffence.spec.table {
                // One per offence, and the file names each by its offence: match them so too.
                struct O: Decodable { let id: UUID; let external_id: String? }
                var keyOf: [String: String] = [:]
                for o in try await sql.select().columns("id", "external_id").from("offences")
                    .where("service_id", .in, SQLBind.group(Array(services))).all(decoding: O.self)
                {
                    keyOf[o.id.uuidString.lowercased()] = o.external_id ?? o.id.uuidString.lowercased()
                }
                for (k, v) in out {
                    guard case .text(let o?)? = v.values["offence_id"], let key = keyOf[o] else { continue }
                    out[String(k.prefix { $0 != "|" }) + "|" + key] = v
                }
            }
            return out
        }

        /// Upserts rows of one file: `values` are the columns the bundle carries.
        func upsert(
            _ file: String, table: String,
            rows: [(external: String, child: String, values: [(String, Cell)], extra: [(String, any SQLExpression)])]
        ) async throws {
            guard plan.present.contains(file) else { return }
            var r = FileReport()
            var inserts: [[any SQLExpression]] = []
            var insertColumns: [String] = []
            let template = (rows.first?.values ?? []) + [("child_id", Cell.uuid(nil))]
            let current = try await existing(table, template)
            for row in rows {
                let child = childIDs[row.child]!
                let service = childService[row.child]!
                let values = row.values + [("child_id", Cell.uuid(child))]
                if let e = current["\(service.uuidString)|\(row.external)"] {
                    let changed = values.filter { col, v in e.values[col] != v }
                    if changed.isEmpty { r.unchanged += 1; continue }
                    var u = sql.update(table)
                    for (col, v) in changed { u = u.set(SQLIdentifier(col), to: v.bind) }
                    try await u.where("id", .equal, SQLBind(e.id)).run()
                    try await audit(
                        "import_update_\(table)", service: service, child: child,
                        details: changed.map { "\($0.0): \(e.values[$0.0]?.display ?? "—") → \($0.1.display)" }.joined(separator: "; "))
                    r.updated += 1
                } else {
                    insertColumns = ["id", "service_id", "external_id", "created_at"] + values.map(\.0) + row.extra.map(\.0)
                    inserts.append(
                        [SQLBind(UUID()), SQLBind(service), SQLBind(row.external), SQLBind(now)] + values.map(\.1.bind) + row.extra.map(\.1)
                    )
                    r.created += 1
                }
            }
            try await insertAll(table, columns: insertColumns, rows: inserts, on: db)
            report.files.append((file, r))
        }

        try await upsert(
            Interchange.referrals.name, table: "referrals",
            rows: plan.referrals.map { x in
                (
                    x.referralID, x.childID,
                    [
                        ("received_on", .text(x.receivedOn.iso)), ("source", .text(x.source.rawValue)),
                        ("decision", .text(x.decision.rawValue)),
                        ("decided_on", .text(x.decidedOn?.iso)), ("destination", .text(x.destination?.rawValue)),
                        ("intervention_type", .text(x.interventionType?.rawValue))
                    ],
                    [("reasons", SQLBind("")), ("consent", SQLBind(""))]
                )
            })
        try await upsert(
            Interchange.offences.name, table: "offences",
            rows: plan.offences.map { x in
                (
                    x.offenceID, x.childID,
                    [
                        ("offence_date", .text(x.offenceDate.iso)), ("category", .text(x.category.rawValue)), ("gravity", .int(x.gravity)),
                        ("outcome", .text(x.outcome)), ("outcome_date", .text(x.outcomeDate?.iso))
                    ], []
                )
            })
        var userIDs: [String: UUID] = [:]
        let emails = Set(plan.interventions.compactMap(\.caseManager))
        if !emails.isEmpty {
            for u in try await User.query(on: db).filter(\.$email ~~ Array(emails)).all() { userIDs[u.email] = u.id }
        }
        try await upsert(
            Interchange.interventions.name, table: "interventions",
            rows: plan.interventions.map { x in
                let manager = x.caseManager.flatMap { userIDs[$0] }
                return (
                    x.interventionID, x.childID,
                    [
                        ("type", .text(x.type.rawValue)), ("start_date", .text(x.startDate.iso)), ("end_date", .text(x.endDate?.iso)),
                        ("case_manager_id", .uuid(manager)), ("closure_reason", .text(x.closureReason?.rawValue))
                    ],
                    [
                        ("planned_end_date", SQLBind(Deadlines.plannedEnd(type: x.type, start: x.startDate, lengthMonths: nil)?.iso)),
                        ("allocated_on", SQLBind(manager == nil ? nil : x.startDate.iso)), ("first_seen_at", SQLBind(now))
                    ]
                )
            })

        // The child's records. An offence is named by its bundle id: found among the child's offences.
        for rf in Interchange.recordFiles where plan.present.contains(rf.file.name) {
            let rows = plan.records[rf.kind] ?? []
            var offenceOf: [String: UUID] = [:]  // "child|bundle id" → offence
            if rf.fields.contains(where: { if case .lookup("offences") = $0.kind { true } else { false } }) {
                struct O: Decodable { let id: UUID; let external_id: String?; let child_id: UUID }
                let children = Array(Set(rows.compactMap { childIDs[$0.childID] }))
                if !children.isEmpty {
                    for o in try await sql.select().columns("id", "external_id", "child_id").from("offences")
                        .where("child_id", .in, SQLBind.group(children)).all(decoding: O.self)
                    {
                        offenceOf["\(o.child_id)|\(o.id.uuidString.lowercased())"] = o.id
                        if let e = o.external_id { offenceOf["\(o.child_id)|\(e)"] = o.id }
                    }
                }
            }
            try await upsert(
                rf.file.name, table: rf.kind.spec.table,
                rows: rows.map { r in
                    let child = childIDs[r.childID]!
                    return (
                        r.external, r.childID,
                        rf.fields.map { f -> (String, Cell) in
                            if case .lookup("offences") = f.kind {
                                return (
                                    f.name, .text(r.values[f.name]?.text.flatMap { offenceOf["\(child)|\($0)"] }?.uuidString.lowercased())
                                )
                            }
                            return (f.name, .text(r.values[f.name]?.formText))
                        },
                        [("version", SQLBind(1)), ("updated_at", SQLBind(now))]
                    )
                })
        }

        try await applyPanels(
            plan, on: db, services: services.mapValues(\.id), childIDs: childIDs, childService: childService, within: within, now: now,
            report: &report, audit: audit)

        if plan.present.contains(Interchange.population.name) {
            var r = FileReport()
            struct P: Decodable {
                let id: UUID; let service_id: UUID; let year: Int; let age: Int; let sex: String; let ethnicity_group: String;
                let count: Int
            }
            var current: [String: P] = [:]
            for p in try await sql.select().columns("id", "service_id", "year", "age", "sex", "ethnicity_group", "count").from("population")
                .all(decoding: P.self)
            {
                current["\(p.service_id.uuidString)|\(p.year)|\(p.age)|\(p.sex)|\(p.ethnicity_group)"] = p
            }
            var inserts: [[any SQLExpression]] = []
            for p in plan.population {
                let service = services[p.serviceCode]!.id
                if let e = current["\(service.uuidString)|\(p.year)|\(p.age)|\(p.sex.rawValue)|\(p.ethnicityGroup.rawValue)"] {
                    if e.count == p.count { r.unchanged += 1; continue }
                    try await sql.update("population").set("count", to: SQLBind(p.count)).where("id", .equal, SQLBind(e.id)).run()
                    r.updated += 1
                } else {
                    inserts.append([
                        SQLBind(UUID()), SQLBind(service), SQLBind(p.year), SQLBind(p.age), SQLBind(p.sex.rawValue),
                        SQLBind(p.ethnicityGroup.rawValue), SQLBind(p.count)
                    ])
                    r.created += 1
                }
            }
            try await insertAll(
                "population", columns: ["id", "service_id", "year", "age", "sex", "ethnicity_group", "count"], rows: inserts, on: db)
            report.files.append((Interchange.population.name, r))
        }
        return report
    }
}

extension Importer {
    /// Joint out-of-court panels, their decisions, scrutiny panels and findings: matched on the id
    /// the bundle gives them (or Waypoint's own, as exported), updated when changed.
    static func applyPanels(
        _ plan: Interchange.Plan, on db: Database, services: [String: UUID], childIDs: [String: UUID], childService: [String: UUID],
        within: Set<UUID>?, now: Date, report: inout Report,
        audit: (String, UUID?, UUID?, String) async throws -> Void
    ) async throws {
        let sql = db.sql
        /// Inserts or updates one row, matched in its service by the bundle's id; returns its id.
        func upsert(
            _ table: String, key: String, existing: [Keyed: UUID], service: UUID, values: [(String, Cell)], r: inout FileReport
        ) async throws -> UUID {
            if let id = existing[Keyed(service: service, key: key)] {
                let current = try await sql.select().columns(values.map(\.0)).from(table).where("id", .equal, SQLBind(id)).first()
                var changed: [(String, Cell)] = []
                for (c, v) in values where try current.map({ try v.read($0, c) }) != v { changed.append((c, v)) }
                if changed.isEmpty { r.unchanged += 1; return id }
                let u = sql.update(table)
                for (c, v) in changed { u.set(SQLIdentifier(c), to: v.bind) }
                try await u.where("id", .equal, SQLBind(id)).run()
                try await audit(
                    "import_update_\(table)", service, nil, changed.map { "\($0.0): → \($0.1.display)" }.joined(separator: "; "))
                r.updated += 1
                return id
            }
            let id = UUID()
            try await sql.insert(into: table).columns(["id", "service_id", "external_id", "created_at"] + values.map(\.0))
                .values([SQLBind(id), SQLBind(service), SQLBind(key), SQLBind(now)] + values.map(\.1.bind)).run()
            r.created += 1
            return id
        }
        /// A row named by the bundle: one it carries, else one already in `service`, else the one
        /// in another of the import's services when only one has that id.
        func find(_ key: String, _ inBundle: [String: (UUID, UUID)], _ existing: [Keyed: UUID], service: UUID) -> (id: UUID, service: UUID)?
        {
            if let b = inBundle[key] { return b }
            if let id = existing[Keyed(service: service, key: key)] { return (id, service) }
            let others = existing.filter { $0.key.key == key }
            return others.count == 1 ? (others.first!.value, others.first!.key.service) : nil
        }

        let existingPanels = try await keys("disposal_panels", on: db, within: within)
        var bundlePanels: [String: (UUID, UUID)] = [:]
        if plan.present.contains(Interchange.disposalPanels.name) {
            var r = FileReport()
            for p in plan.panels {
                guard let service = services[p.serviceCode] else { continue }
                let values: [(String, Cell)] =
                    [("held_on", .text(p.panel.heldOn.iso)), ("place", .text(p.panel.place))]
                    + PanelAgency.allCases.map { ("member_\($0.rawValue)", .text(p.panel.members[$0])) }
                let id = try await upsert(
                    "disposal_panels", key: p.panelID, existing: existingPanels, service: service, values: values, r: &r)
                bundlePanels[p.panelID] = (id, service)
            }
            report.files.append((Interchange.disposalPanels.name, r))
        }
        let existingDecisions = try await keys("panel_decisions", on: db, within: within)
        var bundleDecisions: [String: (UUID, UUID)] = [:]
        if plan.present.contains(Interchange.panelDecisions.name) {
            var r = FileReport()
            struct O: Decodable { let id: UUID; let external_id: String?; let child_id: UUID }
            var offenceOf: [String: UUID] = [:]
            let children = Array(Set(plan.decisions.compactMap { childIDs[$0.childID] }))
            for chunk in children.chunked() {
                for o in try await sql.select().columns("id", "external_id", "child_id").from("offences").where(
                    "child_id", .in, SQLBind.group(chunk)
                )
                .all(decoding: O.self) {
                    offenceOf["\(o.child_id)|\(o.id.uuidString.lowercased())"] = o.id
                    if let e = o.external_id { offenceOf["\(o.child_id)|\(e)"] = o.id }
                }
            }
            struct H: Decodable { let held_on: String }
            for d in plan.decisions {
                guard let child = childIDs[d.childID], let service = childService[d.childID],
                    let panel = find(d.panelID, bundlePanels, existingPanels, service: service),
                    let offence = offenceOf["\(child)|\(d.decision.offenceID)"],
                    let held = try await sql.select().column("held_on").from("disposal_panels").where("id", .equal, SQLBind(panel.id))
                        .first(decoding: H.self)
                else { continue }
                let values: [(String, Cell)] = [
                    ("panel_id", .uuid(panel.id)), ("child_id", .uuid(child)), ("offence_id", .uuid(offence)),
                    ("decided_on", .text(held.held_on)),
                    ("screening", .text(d.decision.screening)), ("outcome", .text(d.decision.outcome.rawValue)),
                    ("rationale", .text(d.decision.rationale)), ("conditions", .text(d.decision.conditions))
                ]
                let id = try await upsert(
                    "panel_decisions", key: d.decisionID, existing: existingDecisions, service: service, values: values, r: &r)
                bundleDecisions[d.decisionID] = (id, service)
            }
            report.files.append((Interchange.panelDecisions.name, r))
        }
        let existingScrutinies = try await keys("scrutiny_panels", on: db, within: within)
        var bundleScrutinies: [String: (UUID, UUID)] = [:]
        if plan.present.contains(Interchange.scrutinyPanels.name) {
            var r = FileReport()
            for s in plan.scrutinies {
                guard let service = services[s.serviceCode] else { continue }
                let sample = plan.findings.filter { $0.scrutinyID == s.scrutinyID }.count
                let values: [(String, Cell)] = [
                    ("held_on", .text(s.heldOn.iso)), ("sample_from", .text(s.from.iso)), ("sample_to", .text(s.to.iso)),
                    ("sample_size", .int(sample))
                ]
                let id = try await upsert(
                    "scrutiny_panels", key: s.scrutinyID, existing: existingScrutinies, service: service, values: values, r: &r)
                bundleScrutinies[s.scrutinyID] = (id, service)
            }
            report.files.append((Interchange.scrutinyPanels.name, r))
        }
        if plan.present.contains(Interchange.scrutinyFindings.name) {
            var r = FileReport()
            struct F: Decodable { let finding: String?; let learning: String? }
            for f in plan.findings {
                guard
                    let s = bundleScrutinies[f.scrutinyID].map({ (id: $0.0, service: $0.1) })
                        ?? find(f.scrutinyID, [:], existingScrutinies, service: UUID()),
                    let d = find(f.decisionID, bundleDecisions, existingDecisions, service: s.service)
                else { continue }
                let current = try await sql.select().columns("finding", "learning").from("scrutiny_findings")
                    .where("scrutiny_id", .equal, SQLBind(s.id)).where("decision_id", .equal, SQLBind(d.id)).first(decoding: F.self)
                if let current {
                    if current.finding == f.finding?.rawValue && current.learning == f.learning { r.unchanged += 1; continue }
                    try await sql.update("scrutiny_findings").set("finding", to: SQLBind(f.finding?.rawValue)).set(
                        "learning", to: SQLBind(f.learning)
                    )
                    .where("scrutiny_id", .equal, SQLBind(s.id)).where("decision_id", .equal, SQLBind(d.id)).run()
                    try await audit(
                        "import_update_scrutiny_findings", s.service, nil, "decision \(f.decisionID): \(f.finding?.rawValue ?? "—")")
                    r.updated += 1
                } else {
                    try await sql.insert(into: "scrutiny_findings").columns("scrutiny_id", "decision_id", "finding", "learning")
                        .values(SQLBind(s.id), SQLBind(d.id), SQLBind(f.finding?.rawValue), SQLBind(f.learning)).run()
                    r.created += 1
                }
            }
            report.files.append((Interchange.scrutinyFindings.name, r))
        }
    }
}

/// A value an import writes, typed so it binds, reads back and compares as its column's type
/// (PostgreSQL would hand an integer's bytes to a String, so every column is read as its kind).
enum Cell: Equatable {
    case text(String?)
    case int(Int?)
    case uuid(UUID?)

    var bind: any SQLExpression {
        switch self {
        case .text(let v): SQLBind(v)
        case .int(let v): SQLBind(v)
        case .uuid(let v): SQLBind(v)
        }
    }

    var display: String {
        switch self {
        case .text(let v): v ?? "—"
        case .int(let v): v.map(String.init) ?? "—"
        case .uuid(let v): v?.uuidString.lowercased() ?? "—"
        }
    }

    /// The same kind of cell, read from `row`.
    func read(_ row: any SQLRow, _ column: String) throws -> Cell {
        switch self {
        case .text: .text(try row.decode(column: column, as: String?.self))
        case .int: .int(try row.decode(column: column, as: Int?.self))
        case .uuid: .uuid(try row.decode(column: column, as: UUID?.self))
        }
    }
}

extension ChildDetails {
    /// A placeholder used only for its list of columns.
    static let empty = ChildDetails(
        givenName: "", familyName: "", dateOfBirth: LocalDate(year: 2000, month: 1, day: 1)!, sex: .unknown, ethnicity: .notStated)
}
