import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// Moving children between services: transfer one child, split a service, merge two.
/// A transfer moves the child and keeps their history where it happened; a split or merge
/// (reorganisation) moves every record, redrawing the footprint on purpose (domain.md). Each
/// move is audited.
enum ServiceMoves {
    /// Tables whose rows belong to a child and carry the service.
    static let baseTables = ["referrals", "interventions", "offences", "court_hearings", "case_consultations"]
    static let childTables = baseTables + ["assessments"] + RecordKind.allCases.map(\.spec.table) + ["panel_decisions"]

    struct Counts: Equatable, Sendable {
        var children = 0
        var records: [String: Int] = [:]
        var lines: [String] {
            // The journey tables always; practice records when there are any.
            ["children: \(children)"]
                + ServiceMoves.childTables.filter { ServiceMoves.baseTables.contains($0) || (records[$0] ?? 0) > 0 }
                .map { "\($0): \(records[$0] ?? 0)" }
        }
    }

    struct MoveError: Error, CustomStringConvertible { let description: String }

    static func count(_ children: [UUID], on db: Database) async throws -> Counts {
        var c = Counts(children: children.count)
        guard !children.isEmpty else { return c }
        for table in childTables {
            var n = 0
            for chunk in children.chunked() {
                n +=
                    try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                    .where("child_id", .in, SQLBind.group(chunk)).first(decoding: Count.self)?.n ?? 0
            }
            c.records[table] = n
        }
        return c
    }

    /// Moves children (with all their records) to `target`. Refuses when a child's external id
    /// is already used in the target service.
    static func move(_ children: [UUID], to target: UUID, reason: String, actor: Agent, on db: Database, now: Date) async throws {
        guard !children.isEmpty else { return }
        struct C: Decodable { let id: UUID; let service_id: UUID; let external_id: String? }
        var rows: [C] = []
        for chunk in children.chunked() {
            rows += try await db.sql.select().columns("id", "service_id", "external_id").from("children").where(
                "id", .in, SQLBind.group(chunk)
            ).all(decoding: C.self)
        }
        let externals = rows.compactMap(\.external_id)
        if !externals.isEmpty {
            struct E: Decodable { let external_id: String }
            var clashes: [String] = []
            for chunk in externals.chunked() {
                clashes += try await db.sql.select().column("external_id").from("children").where("service_id", .equal, SQLBind(target))
                    .where("external_id", .in, SQLBind.group(chunk)).all(decoding: E.self).map(\.external_id)
            }
            if !clashes.isEmpty {
                throw MoveError(
                    description:
                        "the receiving service already has children with the ids \(clashes.prefix(10).joined(separator: ", ")): nothing was moved"
                )
            }
        }
        for chunk in children.chunked() {
            try await db.sql.update("children").set("service_id", to: SQLBind(target)).set("updated_at", to: SQLBind(now))
                .where("id", .in, SQLBind.group(chunk)).run()
            for table in childTables {
                try await db.sql.update(table).set("service_id", to: SQLBind(target)).where("child_id", .in, SQLBind.group(chunk)).run()
            }
        }
        for c in rows where c.service_id != target {
            try await Audit.record(
                on: db, at: now, userID: actor.userID, userEmail: actor.email, action: "transfer_child", serviceID: target, childID: c.id,
                details: "from service \(c.service_id.uuidString) to \(target.uuidString): \(reason)")
        }
    }

    /// Transfers one child to `target` from `date`: the child's record moves, the history stays
    /// where it happened (domain.md). Past records keep the service that held them, so neither
    /// service's past figures change; work still open is ended the day before in the old service
    /// ("transferred") and continued, unallocated, in the new one from `date`.
    static func transfer(_ child: UUID, to target: UUID, on date: LocalDate, reason: String, actor: Agent, db: Database, now: Date)
        async throws
    {
        struct C: Decodable { let service_id: UUID; let external_id: String? }
        guard
            let c = try await db.sql.select().columns("service_id", "external_id").from("children").where("id", .equal, SQLBind(child))
                .first(decoding: C.self),
            c.service_id != target
        else { return }
        if let e = c.external_id,
            try await db.sql.select().column("id").from("children").where("service_id", .equal, SQLBind(target)).where(
                "external_id", .equal, SQLBind(e)
            ).first() != nil
        {
            throw MoveError(description: "the receiving service already has a child with the id \(e): nothing was moved")
        }
        try await db.sql.update("children").set("service_id", to: SQLBind(target)).set("updated_at", to: SQLBind(now)).where(
            "id", .equal, SQLBind(child)
        ).run()
        struct I: Decodable { let id: UUID; let start_date: String }
        let open = try await db.sql.select().columns("id", "start_date").from("interventions").where("child_id", .equal, SQLBind(child))
            .where("service_id", .equal, SQLBind(c.service_id))
            .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(date.iso)) }
            .all(decoding: I.self)
        let dayBefore = date.adding(days: -1)
        var continued = 0
        for i in open {
            guard let start = LocalDate(iso: i.start_date), start <= dayBefore else {
                // Started on the day of the transfer or later: the new service's from the start.
                try await db.sql.update("interventions").set("service_id", to: SQLBind(target)).set("case_manager_id", to: SQLLiteral.null)
                    .set("co_worker_id", to: SQLLiteral.null).set("allocated_on", to: SQLLiteral.null).where("id", .equal, SQLBind(i.id))
                    .run()
                continue
            }
            let copy = UUID()
            // The same order or programme, continued: every detail but its service, dates and allocation.
            try await db.sql.raw(
                """
                INSERT INTO interventions (id, service_id, child_id, referral_id, type, start_date, planned_end_date, end_date, closure_reason, outcome,
                                           requirements, custody_end_date, case_manager_id, co_worker_id, allocated_on, first_seen_at, created_at, external_id)
                SELECT \(bind: copy), \(bind: target), child_id, referral_id, type, \(bind: date.iso), planned_end_date, end_date, closure_reason, outcome,
                       requirements, custody_end_date, NULL, NULL, NULL, NULL, \(bind: now), NULL
                FROM interventions WHERE id = \(bind: i.id)
                """
            ).run()
            try await db.sql.update("interventions").set("end_date", to: SQLBind(dayBefore.iso)).set(
                "closure_reason", to: SQLBind(ClosureReason.transferred.rawValue)
            )
            .where("id", .equal, SQLBind(i.id)).run()
            continued += 1
        }
        try await Audit.record(
            on: db, at: now, userID: actor.userID, userEmail: actor.email, action: "transfer_child", serviceID: target, childID: child,
            details:
                "from service \(c.service_id.uuidString) to \(target.uuidString) on \(date.iso), \(continued) open interventions continued there: \(reason)"
        )
    }

    static func service(code: String, on db: Database) async throws -> Service? {
        try await Service.query(on: db).filter(\.$code == code).first()
    }

    /// The children of `from` in the given districts (case-insensitive) or with the given ids
    /// (external id or internal id).
    static func select(from: UUID, districts: [String], ids: [String], on db: Database) async throws -> [UUID] {
        struct C: Decodable { let id: UUID; let district: String?; let external_id: String? }
        let all = try await db.sql.select().columns("id", "district", "external_id").from("children").where(
            "service_id", .equal, SQLBind(from)
        ).all(decoding: C.self)
        let d = Set(districts.map { $0.lowercased() })
        let i = Set(ids.map { $0.lowercased() })
        return all.filter { c in
            (c.district.map { d.contains($0.lowercased()) } ?? false) || i.contains(c.id.uuidString.lowercased())
                || (c.external_id.map { i.contains($0.lowercased()) } ?? false)
        }.map(\.id)
    }

    /// Merges `from` into `into`: children and their records, teams, user grants and population;
    /// then removes the emptied service.
    static func merge(from: Service, into: Service, actor: Agent, on db: Database, now: Date) async throws -> Counts {
        struct C: Decodable { let id: UUID }
        let children = try await db.sql.select().column("id").from("children").where("service_id", .equal, SQLBind(from.id!)).all(
            decoding: C.self
        ).map(\.id)
        let counts = try await count(children, on: db)
        try await move(children, to: into.id!, reason: "merge of \(from.code) into \(into.code)", actor: actor, on: db, now: now)
        try await db.sql.update("teams").set("service_id", to: SQLBind(into.id!)).where("service_id", .equal, SQLBind(from.id!)).run()
        // User grants: everyone in `from` now works in `into`.
        let fromGrants = try await UserService.query(on: db).filter(\.$serviceID == from.id!).all()
        let intoUsers = Set(try await UserService.query(on: db).filter(\.$serviceID == into.id!).all().map(\.userID))
        for g in fromGrants where !intoUsers.contains(g.userID) {
            try await UserService(userID: g.userID, serviceID: into.id!).create(on: db)
        }
        try await UserService.query(on: db).filter(\.$serviceID == from.id!).delete()
        // Population: the merged area is the sum of both.
        struct P: Decodable { let id: UUID; let year: Int; let age: Int; let sex: String; let ethnicity_group: String; let count: Int }
        let intoPop = try await db.sql.select().columns("id", "year", "age", "sex", "ethnicity_group", "count").from("population").where(
            "service_id", .equal, SQLBind(into.id!)
        ).all(decoding: P.self)
        var byKey = Dictionary(uniqueKeysWithValues: intoPop.map { ("\($0.year)|\($0.age)|\($0.sex)|\($0.ethnicity_group)", $0) })
        for p in try await db.sql.select().columns("id", "year", "age", "sex", "ethnicity_group", "count").from("population").where(
            "service_id", .equal, SQLBind(from.id!)
        ).all(decoding: P.self) {
            let key = "\(p.year)|\(p.age)|\(p.sex)|\(p.ethnicity_group)"
            if let e = byKey[key] {
                try await db.sql.update("population").set("count", to: SQLBind(e.count + p.count)).where("id", .equal, SQLBind(e.id)).run()
                try await db.sql.delete(from: "population").where("id", .equal, SQLBind(p.id)).run()
                byKey[key] = P(id: e.id, year: e.year, age: e.age, sex: e.sex, ethnicity_group: e.ethnicity_group, count: e.count + p.count)
            } else {
                try await db.sql.update("population").set("service_id", to: SQLBind(into.id!)).where("id", .equal, SQLBind(p.id)).run()
            }
        }
        try await db.sql.delete(from: "timescale_settings").where("service_id", .equal, SQLBind(from.id!)).run()
        try await db.sql.delete(from: "services").where("id", .equal, SQLBind(from.id!)).run()
        try await Audit.record(
            on: db, at: now, userID: actor.userID, userEmail: actor.email, action: "merge_services", serviceID: into.id,
            details: "\(from.code) (\(from.name)) merged into \(into.code): \(counts.children) children")
        return counts
    }
}
