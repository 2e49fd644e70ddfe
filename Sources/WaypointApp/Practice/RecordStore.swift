import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// One stored practice record: the common columns and its fields' values.
struct PracticeRecord: Sendable {
    let id: UUID
    let serviceID: UUID
    let childID: UUID
    let interventionID: UUID?
    let version: Int
    let createdBy: UUID?
    let createdAt: Date
    let values: RecordValues

    subscript(_ name: String) -> StoredValue? { values[name] }
}

/// Reads and writes practice records by their spec. Restricted fields (a victim's identity) are
/// only ever selected when the caller may see them, so no page or file can leak them.
enum RecordStore {
    static func visibleFields(_ spec: RecordSpec, restricted: Bool) -> [FieldSpec] {
        spec.fields.filter { restricted || !$0.restricted }
    }

    static func bind(_ field: FieldSpec, _ v: StoredValue?) -> any SQLExpression {
        switch v {
        case .text(let s): SQLBind(s)
        case .int(let n): SQLBind(n)
        case .double(let d): SQLBind(d)
        case nil: field.kind.storedAsInt ? SQLBind(Int?.none) : (field.kind.storedAsDouble ? SQLBind(Double?.none) : SQLBind(String?.none))
        }
    }

    static func insert(
        _ spec: RecordSpec, _ values: RecordValues, serviceID: UUID, childID: UUID, interventionID: UUID?, by: UUID?,
        on db: Database, now: Date
    ) async throws -> UUID {
        let id = UUID()
        let fields = spec.fields.filter { values[$0.name] != nil }
        try await db.sql.insert(into: spec.table)
            .columns(
                ["id", "service_id", "child_id", "intervention_id", "version", "created_by", "created_at", "updated_at"]
                    + fields.map(\.name)
            )
            .values(
                [
                    SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(interventionID), SQLBind(1), SQLBind(by), SQLBind(now),
                    SQLBind(now)
                ]
                    + fields.map { bind($0, values[$0.name]) }
            )
            .run()
        return id
    }

    /// Writes the form's fields (blank ones become empty) and any system values, only if the
    /// record is still at `version`.
    static func update(
        _ spec: RecordSpec, _ id: UUID, version: Int, values: RecordValues, formFields: [FieldSpec], system: RecordValues = [:],
        on db: Database, now: Date
    ) async throws -> Bool {
        var u = db.sql.update(spec.table).set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(now))
        for f in formFields { u = u.set(SQLIdentifier(f.name), to: bind(f, values[f.name])) }
        for (name, v) in system { if let f = spec.field(name) { u = u.set(SQLIdentifier(name), to: bind(f, v)) } }
        return !(try await u.where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(version)).returning("id").all()).isEmpty
    }

    static func select(_ spec: RecordSpec, restricted: Bool, on db: Database) -> SQLSelectBuilder {
        db.sql.select().columns(
            ["id", "service_id", "child_id", "intervention_id", "version", "created_by", "created_at"]
                + visibleFields(spec, restricted: restricted).map(\.name)
        ).from(spec.table)
    }

    static func decode(_ spec: RecordSpec, restricted: Bool, _ row: any SQLRow) throws -> PracticeRecord {
        var values: RecordValues = [:]
        for f in visibleFields(spec, restricted: restricted) {
            if f.kind.storedAsInt {
                if let n = try row.decode(column: f.name, as: Int?.self) { values[f.name] = .int(n) }
            } else if f.kind.storedAsDouble {
                if let d = try row.decode(column: f.name, as: Double?.self) { values[f.name] = .double(d) }
            } else if let s = try row.decode(column: f.name, as: String?.self) {
                values[f.name] = .text(s)
            }
        }
        return PracticeRecord(
            id: try row.decode(column: "id", as: UUID.self), serviceID: try row.decode(column: "service_id", as: UUID.self),
            childID: try row.decode(column: "child_id", as: UUID.self),
            interventionID: try row.decode(column: "intervention_id", as: UUID?.self),
            version: try row.decode(column: "version", as: Int.self), createdBy: try row.decode(column: "created_by", as: UUID?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), values: values)
    }

    static func find(_ spec: RecordSpec, _ id: UUID, in services: [UUID], restricted: Bool, on db: Database) async throws -> PracticeRecord?
    {
        guard !services.isEmpty else { return nil }
        return try await select(spec, restricted: restricted, on: db).where("id", .equal, SQLBind(id))
            .where("service_id", .in, SQLBind.group(services)).first().map { try decode(spec, restricted: restricted, $0) }
    }

    /// The records with these ids in the services, by id, in a few queries whatever their number.
    static func findAll(_ spec: RecordSpec, _ ids: [UUID], in services: [UUID], restricted: Bool, on db: Database) async throws
        -> [UUID: PracticeRecord]
    {
        guard !services.isEmpty else { return [:] }
        var out: [UUID: PracticeRecord] = [:]
        for chunk in ids.chunked(500) {
            for row in try await select(spec, restricted: restricted, on: db).where("id", .in, SQLBind.group(chunk))
                .where("service_id", .in, SQLBind.group(services)).all()
            {
                let r = try decode(spec, restricted: restricted, row)
                out[r.id] = r
            }
        }
        return out
    }

    /// The records of one intervention (or, for child-level kinds, one child), in date order.
    static func list(_ spec: RecordSpec, intervention: UUID? = nil, child: UUID? = nil, restricted: Bool, on db: Database) async throws
        -> [PracticeRecord]
    {
        var q = select(spec, restricted: restricted, on: db)
        if let intervention { q = q.where("intervention_id", .equal, SQLBind(intervention)) }
        if let child { q = q.where("child_id", .equal, SQLBind(child)) }
        let sortField = spec.fields.first { if case .date = $0.kind { true } else { false } }?.name
        if let sortField { q = q.orderBy(SQLIdentifier(sortField)) }
        return try await q.orderBy("created_at").all().map { try decode(spec, restricted: restricted, $0) }
    }

    /// The first date field's value: what a record is "on".
    static func date(_ spec: RecordSpec, _ r: PracticeRecord) -> LocalDate? {
        spec.fields.first { if case .date = $0.kind { true } else { false } }.flatMap { r[$0.name]?.date }
    }

    // MARK: Panel members

    static func panelMembers(_ panels: [UUID], on db: Database) async throws -> [UUID: [UUID]] {
        guard !panels.isEmpty else { return [:] }
        struct R: Decodable { let panel_id: UUID; let user_id: UUID }
        var out: [UUID: [UUID]] = [:]
        for chunk in panels.chunked() {
            for r in try await db.sql.select().columns("panel_id", "user_id").from("panel_members").where(
                "panel_id", .in, SQLBind.group(chunk)
            )
            .all(decoding: R.self) { out[r.panel_id, default: []].append(r.user_id) }
        }
        return out
    }

    static func setPanelMembers(_ panel: UUID, _ users: [UUID], on db: Database) async throws {
        try await db.sql.delete(from: "panel_members").where("panel_id", .equal, SQLBind(panel)).run()
        for u in Set(users) {
            try await db.sql.insert(into: "panel_members").columns("panel_id", "user_id").values(SQLBind(panel), SQLBind(u)).run()
        }
    }

    static func panelsFor(member: UUID, in services: [UUID], on db: Database) async throws -> [UUID] {
        guard !services.isEmpty else { return [] }
        struct R: Decodable { let id: UUID }
        return try await db.sql.select().column(SQLColumn("id", table: "panels")).from("panels")
            .join("panel_members", on: SQLColumn("panel_id", table: "panel_members"), .equal, SQLColumn("id", table: "panels"))
            .where(SQLColumn("user_id", table: "panel_members"), .equal, SQLBind(member))
            .where(SQLColumn("service_id", table: "panels"), .in, SQLBind.group(services))
            .orderBy(SQLOrderBy(expression: SQLColumn("held_on", table: "panels"), direction: SQLDirection.descending))
            .all(decoding: R.self).map(\.id)
    }
}

/// What the deadline rules learn from practice records: the start assessment completed, the
/// initial panel held, the last plan review.
enum PracticeFacts {
    struct Facts { var assessment: LocalDate?; var initialPanel: LocalDate?; var lastReview: LocalDate? }

    /// The first completed start assessment, the first initial panel held and the last plan review
    /// of each intervention, in one statement.
    static func load(_ interventions: [UUID], on db: Database) async throws -> [UUID: Facts] {
        guard !interventions.isEmpty else { return [:] }
        let ids = IDList.value(interventions, on: db.sql)
        return try await load("practice-facts", ids.bind, on: db) { IDList.member($0, of: ids) }
    }

    /// The same for every intervention of `child` (the child's and the intervention's pages). Named
    /// by a list of one or two ids, PostgreSQL planned the statement afresh at each run, as it
    /// counts on ten ids in a list it has not seen: 0.14 ms of each child page. Named by the child,
    /// any run's plan will do. (Read in the worklists' own statement instead, as a subquery per
    /// row, the facts cost PostgreSQL 0.6 ms more on My work than this second statement.)
    static func load(child: UUID, on db: Database) async throws -> [UUID: Facts] {
        try await load("practice-facts-of-child", child, on: db) { column in
            SQLBinaryExpression(
                column, .in,
                SQLGroupExpression(
                    db.sql.select().column("id").from("interventions").where("child_id", .equal, SQLBind(child)).query))
        }
    }

    private static func load(
        _ shape: String, _ listed: any Encodable & Sendable, on db: Database, _ among: @escaping (SQLColumn) -> any SQLExpression
    ) async throws -> [UUID: Facts] {
        struct R { let intervention_id: UUID; let fact: String; let d: LocalDate? }
        var out: [UUID: Facts] = [:]
        let start = AssessmentStage.start.rawValue
        let query = KeptStatements.statement(
            shape, on: db.sql, binds: [listed, start, listed, "initial", "held", listed]
        ) { sql in
            sql.select()
                .column("intervention_id").column(SQLLiteral.string("assessment"), as: "fact")
                .column(SQLFunction("MIN", args: SQLIdentifier("submitted_on")), as: "d")
                .from("assessments")
                .where(among(SQLColumn("intervention_id"))).where(
                    "stage", .equal, SQLBind(start)
                )
                .where("submitted_on", .isNot, SQLLiteral.null)
                .groupBy("intervention_id")
                .union(all: {
                    $0.column("intervention_id").column(SQLLiteral.string("panel"), as: "fact")
                        .column(SQLFunction("MIN", args: SQLIdentifier("held_on")), as: "d")
                        .from("panels")
                        .where(among(SQLColumn("intervention_id"))).where(
                            "panel_type", .equal, SQLBind("initial")
                        )
                        .where("status", .equal, SQLBind("held"))
                        .groupBy("intervention_id")
                })
                .union(all: {
                    $0.column("intervention_id").column(SQLLiteral.string("review"), as: "fact")
                        .column(SQLFunction("MAX", args: SQLIdentifier("reviewed_on")), as: "d")
                        .from("plan_reviews")
                        .where(among(SQLColumn("intervention_id")))
                        .groupBy("intervention_id")
                })
        }
        let rows = try await Rows.collect(query) { r -> R? in
            guard let id = r.uuid("intervention_id"), let fact = r.string("fact") else { return nil }
            return R(intervention_id: id, fact: fact, d: r.date("d"))
        }
        for r in rows {
            let d = r.d
            switch r.fact {
            case "assessment": out[r.intervention_id, default: Facts()].assessment = d
            case "panel": out[r.intervention_id, default: Facts()].initialPanel = d
            default: out[r.intervention_id, default: Facts()].lastReview = d
            }
        }
        return out
    }

    static func apply(_ f: InterventionFacts, _ p: Facts?) -> InterventionFacts {
        var f = f
        f.assessmentCompletedOn = p?.assessment
        f.initialPanelHeldOn = p?.initialPanel
        f.lastReviewOn = p?.lastReview
        return f
    }
}
