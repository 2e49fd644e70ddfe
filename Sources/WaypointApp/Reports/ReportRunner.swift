import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import WaypointDomain

/// Loads compact facts with SQL and runs a named report for a period and service(s).
enum ReportRunner {
    static var available: [String] { ReportCatalogue.all.map(\.name) }

    struct Output {
        let report: String
        let period: ReportPeriod
        let services: [String]
        let rows: [ReportRow]
        let notes: [String]

        /// The `waypoint report --format json` shape of interchange.md.
        var json: String {
            func esc(_ s: String) -> String {
                let data = (try? JSONSerialization.data(withJSONObject: [s], options: [])) ?? Data("[\"\"]".utf8)
                let t = String(decoding: data, as: UTF8.self)
                return String(t.dropFirst().dropLast())
            }
            var out = "{\"report\": \(esc(report)), \"from\": \"\(period.from.iso)\", \"to\": \"\(period.to.iso)\", "
            out += "\"services\": [\(services.map(esc).joined(separator: ", "))],\n \"rows\": [\n"
            out += rows.map { r in
                var line = "   {\"measure\": \(esc(r.measure)), \"breakdown\": \(esc(r.breakdown)), \"group\": \(esc(r.group)), \"value\": \(r.formatted)"
                if let c = r.children { line += ", \"children\": [\(c.map(esc).joined(separator: ", "))]" }
                return line + "}"
            }.joined(separator: ",\n")
            return out + "\n ]}\n"
        }

        var csv: Data {
            CSV.write(header: ["measure", "breakdown", "group", "value"], rows: rows.map { [$0.measure, $0.breakdown, $0.group, $0.formatted] })
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(_ name: String, period: ReportPeriod, serviceCode: String?, team: String? = nil, today: LocalDate? = nil, on db: Database) async throws -> Output {
        try await run(name, period: period, serviceCodes: serviceCode.map { [$0] }, team: team, today: today, on: db)
    }

    /// `serviceCodes`: nil for every service. `today` judges incomplete follow-up periods.
    /// `team`: a team's name; only the children whose case manager is in it.
    static func run(_ name: String, period: ReportPeriod, serviceCodes: [String]?, team: String? = nil, today: LocalDate? = nil, on db: Database) async throws -> Output {
        guard let definition = ReportCatalogue.named(name) else {
            throw Failure(description: "unknown report '\(name)'; available: \(available.joined(separator: ", "))")
        }
        let sql = db.sql
        struct S: Decodable { let id: UUID; let code: String }
        var services = try await sql.select().columns("id", "code").from("services").orderBy("code").all(decoding: S.self)
        if let serviceCodes {
            for code in serviceCodes where !services.contains(where: { $0.code == code }) {
                throw Failure(description: "there is no service with code '\(code)'")
            }
            services = services.filter { serviceCodes.contains($0.code) }
        }
        let ids = services.map(\.id)
        let outcomes = Dictionary(uniqueKeysWithValues: try await ServiceRules.outcomeTypes(on: db).map { ($0.code, $0) })
        var facts = ReportFacts(children: [:], offences: [], outcomes: outcomes, population: Population(byYear: [:]), today: today ?? LocalDate.today(at: Date()))
        if !ids.isEmpty {
            let keyOf = try await loadBase(into: &facts, services: services.map { ($0.id, $0.code) }, team: team, needs: definition.needs, period: period, on: db)
            try await load(definition.needs, into: &facts, services: ids, keyOf: keyOf, period: period, on: db)
        }
        let result = definition.compute(facts, period)
        return Output(report: name, period: period, services: services.map(\.code), rows: result.rows, notes: result.notes)
    }

    /// Rows streamed one at a time into a list (the handler runs on one thread at a time).
    final class Collector<T>: @unchecked Sendable {
        var items: [T] = []
    }

    /// Runs a select and keeps what `make` returns for each row. On SQLite the rows are read on
    /// the connection's own thread as SQLite steps through them: the generic path hops to the event
    /// loop once per row, which at national scale cost most of a report's time.
    static func collect<T>(_ q: SQLSelectBuilder, _ make: @escaping @Sendable (RowReader) -> T?) async throws -> [T] {
        let c = Collector<T>()
        if let lite = q.database as? any SQLiteDatabase {
            var s = SQLSerializer(database: q.database)
            q.query.serialize(to: &s)
            let encoder = SQLiteDataEncoder()
            let binds = try s.binds.map { try encoder.encode($0) }
            let text = s.sql
            try await lite.withConnection { conn in
                try await conn.query(text, binds) { row in if let t = make(RowReader(row: row)) { c.items.append(t) } }
            }
        } else {
            try await q.run { row in if let t = make(RowReader(row: row)) { c.items.append(t) } }
        }
        return c.items
    }

    /// Children, each one's team, offences and population totals. Returns each child's report key
    /// (external id, else internal id) by stored id.
    /// Practice records a report counts only in the period are read only for the period.
    static func periodColumn(_ kind: RecordKind) -> String? {
        switch kind {
        case .contact: "contact_on"
        case .feedback: "given_on"
        case .caseAudit: "audited_on"
        case .planReview: "reviewed_on"
        case .breach: "started_on"
        case .health: "health_assessment_on"
        case .victim: "contact_made_on"
        default: nil
        }
    }

    /// The children a report can count: those with a row in one of the tables it reads.
    static func childSource(_ needs: Set<ReportNeed>, services ids: [UUID], period: ReportPeriod) -> String? {
        // Internal values only (ids and ISO dates), written as literals so one subquery can union them.
        let list = ids.map { "'\($0.uuidString)'" }.joined(separator: ", ")
        var parts: [String] = []
        if needs.contains(.offences) { parts.append("SELECT child_id FROM offences WHERE service_id IN (\(list))") }
        if needs.contains(.interventions) || needs.contains(.assessments) { parts.append("SELECT child_id FROM interventions WHERE service_id IN (\(list))") }
        if needs.contains(.referrals) { parts.append("SELECT child_id FROM referrals WHERE service_id IN (\(list))") }
        for need in needs {
            guard case .practice(let kind) = need else { continue }
            let dated = periodColumn(kind).map { " AND \($0) BETWEEN '\(period.from.iso)' AND '\(period.to.iso)'" } ?? ""
            parts.append("SELECT child_id FROM \(kind.spec.table) WHERE service_id IN (\(list))\(dated)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " UNION ")
    }

    static func loadBase(into f: inout ReportFacts, services: [(UUID, String)], team: String?, needs: Set<ReportNeed>, period: ReportPeriod,
                         on db: Database) async throws -> [String: String] {
        let sql = db.sql
        let ids = services.map(\.0)
        let codeOf = Dictionary(uniqueKeysWithValues: services.map { ($0.0.uuidString, $0.1) })
        guard let source = childSource(needs, services: ids, period: period) else { return [:] }
        let rows = try await collect(sql.select().columns("id", "service_id", "external_id", "date_of_birth", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district")
            .from("children").where("service_id", .in, SQLBind.group(ids))
            .where(SQLIdentifier("id"), .in, SQLGroupExpression(SQLRaw(source)))) { r -> (String, ChildFacts)? in
            guard let id = r.id("id"), let dob = r.string("date_of_birth").flatMap(LocalDate.init(iso:)) else { return nil }
            let key = r.string("external_id") ?? id.lowercased()
            return (id, ChildFacts(key: key, service: codeOf[r.id("service_id") ?? ""] ?? "", dateOfBirth: dob, sex: r.string("sex").flatMap(Sex.init) ?? .unknown,
                                   ethnicityGroup: r.string("ethnicity_group").flatMap(EthnicityGroup.init) ?? .unknown,
                                   careStatus: r.string("care_status").flatMap(CareStatus.init) ?? .none, send: r.string("send").flatMap(YesNo.init),
                                   ehcp: r.string("ehcp").flatMap(YesNo.init), district: r.string("district")))
        }
        var keyOf: [String: String] = [:]
        keyOf.reserveCapacity(rows.count)
        f.children.reserveCapacity(rows.count)
        for (id, c) in rows { keyOf[id] = c.key; f.children[c.key] = c }
        // Each child's team: their case manager's team on their latest allocated intervention.
        let teams = try await collect(sql.select().column(SQLColumn("child_id", table: "interventions")).column(SQLColumn("start_date", table: "interventions"))
            .column(SQLColumn("name", table: "teams")).from("interventions")
            .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("case_manager_id", table: "interventions"))
            .join("teams", on: SQLColumn("id", table: "teams"), .equal, SQLColumn("team_id", table: "users"))
            .where(SQLColumn("service_id", table: "interventions"), .in, SQLBind.group(ids))) { r -> (String, String, String)? in
            guard let c = r.id("child_id"), let s = r.string("start_date"), let n = r.string("name") else { return nil }
            return (c, s, n)
        }
        var latest: [String: (String, String)] = [:]
        for (c, s, n) in teams { if let e = latest[c], e.0 >= s { continue }; latest[c] = (s, n) }
        for (id, (_, name)) in latest { if let key = keyOf[id] { f.children[key]?.team = name } }
        if let team {
            let known = try await sql.select().column("id").from("teams").where("name", .equal, SQLBind(team)).where("service_id", .in, SQLBind.group(ids)).all()
            guard !known.isEmpty else { throw Failure(description: "there is no team called '\(team)' in the chosen services") }
            f.children = f.children.filter { $0.value.team == team }
        }
        let keys = keyOf
        if needs.contains(.offences) {
        f.offences = try await collect(sql.select().columns("child_id", "offence_date", "outcome", "outcome_date", "category", "gravity").from("offences")
            .where("service_id", .in, SQLBind.group(ids))) { r in
            guard let c = r.id("child_id"), let key = keys[c], let d = r.string("offence_date").flatMap(LocalDate.init(iso:)), let outcome = r.string("outcome") else { return nil }
            return OffenceFacts(child: key, offenceDate: d, outcome: outcome, outcomeDate: r.string("outcome_date").flatMap(LocalDate.init(iso:)),
                                category: r.string("category"), gravity: r.int("gravity"))
        }
        }
        // Summed here: SUM of a bigint is numeric on PostgreSQL, and these rows are few.
        var population: [Int: Int] = [:]
        for (y, n) in try await collect(sql.select().columns("year", "count").from("population").where("service_id", .in, SQLBind.group(ids)), { r -> (Int, Int)? in
            guard let y = r.int("year"), let n = r.int("count") else { return nil }
            return (y, n)
        }) { population[y, default: 0] += n }
        f.population = Population(byYear: population)
        return keyOf
    }

    /// Loads what a report needs beyond children, offences and population.
    static func load(_ needs: Set<ReportNeed>, into f: inout ReportFacts, services ids: [UUID], keyOf: [String: String], period: ReportPeriod,
                     on db: Database) async throws {
        let sql = db.sql
        if needs.contains(.calendar) || needs.contains(.assessments) { f.calendar = try await ServiceRules.calendar(on: db) }
        if needs.contains(.interventions) || needs.contains(.assessments) {
            let rows = try await collect(sql.select().columns("id", "service_id", "child_id", "type", "start_date", "end_date", "closure_reason", "case_manager_id", "allocated_on")
                .from("interventions").where("service_id", .in, SQLBind.group(ids))) { r -> (InterventionSpan, String, LocalDate?)? in
                guard let c = r.id("child_id"), let key = keyOf[c], let type = r.string("type").flatMap(InterventionType.init),
                      let start = r.string("start_date").flatMap(LocalDate.init(iso:)), let id = r.id("id") else { return nil }
                var span = InterventionSpan(child: key, type: type, start: start, end: r.string("end_date").flatMap(LocalDate.init(iso:)))
                span.id = id.lowercased()
                span.closureReason = r.string("closure_reason")
                span.caseManager = r.id("case_manager_id")?.lowercased()
                return (span, r.id("service_id") ?? "", r.string("allocated_on").flatMap(LocalDate.init(iso:)))
            }
            f.interventions = rows.map(\.0)
            if needs.contains(.assessments) {
                f.assessments = try await collect(sql.select().columns("child_id", "intervention_id", "submitted_on", "due_on").from("assessments")
                    .where("service_id", .in, SQLBind.group(ids)).where("stage", .equal, SQLBind("start"))) { r in
                    guard let c = r.id("child_id"), let key = keyOf[c], let i = r.id("intervention_id") else { return nil }
                    return AssessmentFact(child: key, intervention: i.lowercased(), submittedOn: r.string("submitted_on").flatMap(LocalDate.init(iso:)),
                                          dueOn: r.string("due_on").flatMap(LocalDate.init(iso:)))
                }
                var timescales: [String: Timescales] = [:]
                for s in ids { timescales[s.uuidString] = try await ServiceRules.timescales(for: s, on: db) }
                for (span, service, allocated) in rows {
                    guard let allocated, let t = timescales[service] else { continue }
                    f.assessmentDue[span.id] = f.calendar.adding(workingDays: t.assessmentDays(for: span.type), to: allocated)
                }
            }
        }
        if needs.contains(.referrals) {
            f.referrals = try await collect(sql.select().columns("child_id", "received_on", "source", "decision", "decided_on", "destination").from("referrals")
                .where("service_id", .in, SQLBind.group(ids))) { r in
                guard let c = r.id("child_id"), let key = keyOf[c], let received = r.string("received_on").flatMap(LocalDate.init(iso:)) else { return nil }
                return ReferralFacts(child: key, receivedOn: received, source: r.string("source") ?? "", decision: r.string("decision") ?? "",
                                     decidedOn: r.string("decided_on").flatMap(LocalDate.init(iso:)), destination: r.string("destination"))
            }
        }
        if needs.contains(.populationCells) {
            f.populationCells = try await collect(sql.select().columns("year", "sex", "ethnicity_group", "count").from("population")
                .where("service_id", .in, SQLBind.group(ids))) { r in
                guard let y = r.int("year"), let n = r.int("count") else { return nil }
                return PopulationCell(year: y, sex: r.string("sex") ?? "", ethnicityGroup: r.string("ethnicity_group") ?? "", count: n)
            }
        }
        if needs.contains(.workers) {
            struct W: Decodable { let id: UUID; let name: String }
            for w in try await sql.select().column(SQLColumn("id", table: "users")).column(SQLColumn("name", table: "users")).from("users")
                .join("user_services", on: SQLColumn("user_id", table: "user_services"), .equal, SQLColumn("id", table: "users"))
                .where(SQLColumn("service_id", table: "user_services"), .in, SQLBind.group(ids)).all(decoding: W.self) {
                f.workers[w.id.uuidString.lowercased()] = w.name
            }
            var cap = Int.max
            for s in ids { cap = min(cap, try await ServiceRules.timescales(for: s, on: db).caseloadCap) }
            f.caseloadCap = cap
        }
        for need in needs {
            guard case .practice(let kind) = need else { continue }
            let spec = kind.spec
            let fields = RecordStore.visibleFields(spec, restricted: false)
            var q = sql.select().columns(["child_id", "intervention_id"] + fields.map(\.name)).from(spec.table).where("service_id", .in, SQLBind.group(ids))
            if let column = periodColumn(kind) {
                q = q.where(SQLIdentifier(column), .greaterThanOrEqual, SQLBind(period.from.iso)).where(SQLIdentifier(column), .lessThanOrEqual, SQLBind(period.to.iso))
            }
            let facts = try await collect(q) { r -> PracticeFact? in
                guard let c = r.id("child_id"), let key = keyOf[c] else { return nil }
                var values: RecordValues = [:]
                for f in fields {
                    if f.kind.storedAsInt { if let n = r.int(f.name) { values[f.name] = .int(n) } }
                    else if f.kind.storedAsDouble { if let d = r.double(f.name) { values[f.name] = .double(d) } }
                    else if let s = r.string(f.name) { values[f.name] = .text(s) }
                }
                return PracticeFact(child: key, intervention: r.id("intervention_id")?.lowercased(), values: values)
            }
            f.practice[kind] = facts
            if kind == .breach { f.breaches = facts.compactMap { b in b.date("started_on").map { BreachFacts(child: b.child, startedOn: $0) } } }
        }
    }
}

/// Reads report rows fast: on SQLite straight from the row's values (no Codable decoding, and ids
/// as the stored text); elsewhere through the row's own decoding. Ids come back as upper-case
/// UUID text either way.
struct RowReader {
    let row: any SQLRow

    func string(_ c: String) -> String? {
        if let r = row as? SQLiteRow { return r.column(c)?.string }
        return (try? row.decode(column: c, as: String?.self)) ?? nil
    }

    func int(_ c: String) -> Int? {
        if let r = row as? SQLiteRow { return r.column(c)?.integer.map { Int($0) } }
        return (try? row.decode(column: c, as: Int?.self)) ?? nil
    }

    func double(_ c: String) -> Double? {
        if let r = row as? SQLiteRow { return r.column(c)?.double }
        return (try? row.decode(column: c, as: Double?.self)) ?? nil
    }

    func id(_ c: String) -> String? {
        // Fluent stores a UUID on SQLite as its upper-case text.
        if let r = row as? SQLiteRow { return r.column(c)?.string }
        return ((try? row.decode(column: c, as: UUID?.self)) ?? nil)?.uuidString
    }
}
