import Fluent
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
        let codeOf = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.code) })
        var children: [String: ChildFacts] = [:]
        var keyOf: [UUID: String] = [:]
        var offences: [OffenceFacts] = []
        var population: [Int: Int] = [:]
        if !ids.isEmpty {
            struct C: Decodable {
                let id: UUID; let service_id: UUID; let external_id: String?; let date_of_birth: String; let sex: String
                let ethnicity_group: String; let care_status: String; let send: String?; let ehcp: String?; let district: String?
            }
            for c in try await sql.select().columns("id", "service_id", "external_id", "date_of_birth", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district")
                .from("children").where("service_id", .in, SQLBind.group(ids)).all(decoding: C.self) {
                guard let dob = LocalDate(iso: c.date_of_birth) else { continue }
                let key = c.external_id ?? c.id.uuidString.lowercased()
                keyOf[c.id] = key
                children[key] = ChildFacts(key: key, service: codeOf[c.service_id] ?? "", dateOfBirth: dob, sex: Sex(rawValue: c.sex) ?? .unknown,
                                           ethnicityGroup: EthnicityGroup(rawValue: c.ethnicity_group) ?? .unknown,
                                           careStatus: CareStatus(rawValue: c.care_status) ?? .none, send: c.send.flatMap(YesNo.init),
                                           ehcp: c.ehcp.flatMap(YesNo.init), district: c.district)
            }
            // Each child's team: their case manager's team on their latest allocated intervention.
            struct T: Decodable { let child_id: UUID; let start_date: String; let name: String }
            var latest: [UUID: (String, String)] = [:]
            for t in try await sql.select().column(SQLColumn("child_id", table: "interventions")).column(SQLColumn("start_date", table: "interventions"))
                .column(SQLColumn("name", table: "teams")).from("interventions")
                .join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("case_manager_id", table: "interventions"))
                .join("teams", on: SQLColumn("id", table: "teams"), .equal, SQLColumn("team_id", table: "users"))
                .where(SQLColumn("service_id", table: "interventions"), .in, SQLBind.group(ids)).all(decoding: T.self) {
                if let e = latest[t.child_id], e.0 >= t.start_date { continue }
                latest[t.child_id] = (t.start_date, t.name)
            }
            for (id, (_, name)) in latest { if let key = keyOf[id] { children[key]?.team = name } }
            if let team {
                let known = try await sql.select().column("id").from("teams").where("name", .equal, SQLBind(team)).where("service_id", .in, SQLBind.group(ids)).all()
                guard !known.isEmpty else {
                    throw Failure(description: "there is no team called '\(team)' in the chosen services")
                }
                children = children.filter { $0.value.team == team }
            }
            struct O: Decodable { let child_id: UUID; let offence_date: String; let outcome: String; let outcome_date: String?; let category: String?; let gravity: Int? }
            for o in try await sql.select().columns("child_id", "offence_date", "outcome", "outcome_date", "category", "gravity").from("offences")
                .where("service_id", .in, SQLBind.group(ids)).all(decoding: O.self) {
                guard let key = keyOf[o.child_id], let d = LocalDate(iso: o.offence_date) else { continue }
                offences.append(OffenceFacts(child: key, offenceDate: d, outcome: o.outcome, outcomeDate: o.outcome_date.flatMap(LocalDate.init(iso:)),
                                             category: o.category, gravity: o.gravity))
            }
            // Summed here: SUM of a bigint is numeric on PostgreSQL, and these rows are few.
            struct P: Decodable { let year: Int; let count: Int }
            for p in try await sql.select().columns("year", "count").from("population")
                .where("service_id", .in, SQLBind.group(ids)).all(decoding: P.self) {
                population[p.year, default: 0] += p.count
            }
        }
        let outcomes = Dictionary(uniqueKeysWithValues: try await ServiceRules.outcomeTypes(on: db).map { ($0.code, $0) })
        var facts = ReportFacts(children: children, offences: offences, outcomes: outcomes, population: Population(byYear: population),
                                today: today ?? LocalDate.today(at: Date()))
        if !ids.isEmpty {
            try await load(definition.needs, into: &facts, services: ids, keyOf: keyOf, on: db)
        }
        let result = definition.compute(facts, period)
        return Output(report: name, period: period, services: services.map(\.code), rows: result.rows, notes: result.notes)
    }

    /// Loads what a report needs beyond children, offences and population.
    static func load(_ needs: Set<ReportNeed>, into f: inout ReportFacts, services ids: [UUID], keyOf: [UUID: String], on db: Database) async throws {
        let sql = db.sql
        var allocated: [(id: String, service: UUID, type: InterventionType, on: LocalDate)] = []
        if needs.contains(.interventions) || needs.contains(.assessments) {
            struct I: Decodable {
                let id: UUID; let service_id: UUID; let child_id: UUID; let type: String; let start_date: String; let end_date: String?
                let closure_reason: String?; let case_manager_id: UUID?; let allocated_on: String?
            }
            for i in try await sql.select().columns("id", "service_id", "child_id", "type", "start_date", "end_date", "closure_reason", "case_manager_id", "allocated_on")
                .from("interventions").where("service_id", .in, SQLBind.group(ids)).all(decoding: I.self) {
                guard let key = keyOf[i.child_id], let type = InterventionType(rawValue: i.type), let start = LocalDate(iso: i.start_date) else { continue }
                var span = InterventionSpan(child: key, type: type, start: start, end: i.end_date.flatMap(LocalDate.init(iso:)))
                span.id = i.id.uuidString.lowercased()
                span.closureReason = i.closure_reason
                span.caseManager = i.case_manager_id?.uuidString.lowercased()
                f.interventions.append(span)
                if let a = i.allocated_on.flatMap(LocalDate.init(iso:)) { allocated.append((span.id, i.service_id, type, a)) }
            }
        }
        if needs.contains(.referrals) {
            struct R: Decodable { let child_id: UUID; let received_on: String; let source: String; let decision: String; let decided_on: String?; let destination: String? }
            for r in try await sql.select().columns("child_id", "received_on", "source", "decision", "decided_on", "destination").from("referrals")
                .where("service_id", .in, SQLBind.group(ids)).all(decoding: R.self) {
                guard let key = keyOf[r.child_id], let received = LocalDate(iso: r.received_on) else { continue }
                f.referrals.append(ReferralFacts(child: key, receivedOn: received, source: r.source, decision: r.decision,
                                                 decidedOn: r.decided_on.flatMap(LocalDate.init(iso:)), destination: r.destination))
            }
        }
        if needs.contains(.calendar) || needs.contains(.assessments) { f.calendar = try await ServiceRules.calendar(on: db) }
        if needs.contains(.assessments) {
            struct A: Decodable { let child_id: UUID; let intervention_id: UUID; let submitted_on: String?; let due_on: String? }
            for a in try await sql.select().columns("child_id", "intervention_id", "submitted_on", "due_on").from("assessments")
                .where("service_id", .in, SQLBind.group(ids)).where("stage", .equal, SQLBind("start")).all(decoding: A.self) {
                guard let key = keyOf[a.child_id] else { continue }
                f.assessments.append(AssessmentFact(child: key, intervention: a.intervention_id.uuidString.lowercased(),
                                                    submittedOn: a.submitted_on.flatMap(LocalDate.init(iso:)), dueOn: a.due_on.flatMap(LocalDate.init(iso:))))
            }
            var timescales: [UUID: Timescales] = [:]
            for s in Set(allocated.map(\.service)) { timescales[s] = try await ServiceRules.timescales(for: s, on: db) }
            for a in allocated { f.assessmentDue[a.id] = f.calendar.adding(workingDays: timescales[a.service]!.assessmentDays(for: a.type), to: a.on) }
        }
        if needs.contains(.populationCells) {
            struct P: Decodable { let year: Int; let sex: String; let ethnicity_group: String; let count: Int }
            f.populationCells = try await sql.select().columns("year", "sex", "ethnicity_group", "count").from("population")
                .where("service_id", .in, SQLBind.group(ids)).all(decoding: P.self)
                .map { PopulationCell(year: $0.year, sex: $0.sex, ethnicityGroup: $0.ethnicity_group, count: $0.count) }
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
            let rows = try await RecordStore.select(spec, restricted: false, on: db).where("service_id", .in, SQLBind.group(ids)).all()
            let facts = try rows.map { try RecordStore.decode(spec, restricted: false, $0) }.compactMap { r -> PracticeFact? in
                guard let key = keyOf[r.childID] else { return nil }
                return PracticeFact(child: key, intervention: r.interventionID?.uuidString.lowercased(), values: r.values)
            }
            f.practice[kind] = facts
            if kind == .breach { f.breaches = facts.compactMap { b in b.date("started_on").map { BreachFacts(child: b.child, startedOn: $0) } } }
        }
    }
}
