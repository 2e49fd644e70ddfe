import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Every report against a plain calculation written here, over every record read straight from
/// the tables: on the demo data, a copy of it that shares every external id (service XS), children
/// transferred to a third service (NB) in the past who then have records there, cases reallocated
/// inside and after the periods, and an offence with every outcome code. The plain calculation
/// follows domain.md directly (no report code: only dates, ages and rounding are shared), so a
/// report that loses, merges or misattributes a child or a record differs from it.
@Suite struct ReportDifferentialTests {
    // MARK: Every record, as stored

    struct Child: Decodable {
        let id: UUID; let service_id: UUID; let date_of_birth: String; let care_status: String?; let send: String?; let ehcp: String?
    }
    struct Offence: Decodable {
        let id: UUID; let child_id: UUID; let service_id: UUID; let offence_date: String; let outcome: String; let outcome_date: String?;
        let category: String; let gravity: Int?
    }
    struct Outcome: Decodable { let code: String; let counts_as_entry: Bool; let custodial: Bool; let tier: String }
    struct Intervention: Decodable {
        let id: UUID; let child_id: UUID; let service_id: UUID; let type: String; let start_date: String; let end_date: String?;
        let closure_reason: String?
        let case_manager_id: UUID?; let allocated_on: String?
    }
    struct Allocation: Decodable { let intervention_id: UUID; let case_manager_id: UUID; let allocated_on: String; let at: Date }
    struct Referral: Decodable {
        let child_id: UUID; let service_id: UUID; let received_on: String; let decision: String?; let decided_on: String?
    }
    struct Population: Decodable { let service_id: UUID; let year: Int; let count: Int }

    /// One practice record: whose, which service's, and the named columns as text.
    struct Record { let child: String; let service: UUID; let intervention: String?; let values: [String: String] }

    struct World {
        var children: [String: Child] = [:]
        var offences: [Offence] = []
        var outcomes: [String: Outcome] = [:]
        var interventions: [Intervention] = []
        var allocations: [String: [Allocation]] = [:]
        var referrals: [Referral] = []
        var population: [Population] = []
        var records: [String: [Record]] = [:]
        var findings: [Record] = []
    }

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
    static func day(_ s: String?) -> LocalDate? { s.flatMap { LocalDate(iso: String($0.prefix(10))) } }

    static func read(_ db: any Database) async throws -> World {
        let sql = db.sql
        var w = World()
        for c in try await sql.select().columns("id", "service_id", "date_of_birth", "care_status", "send", "ehcp").from("children").all(
            decoding: Child.self)
        {
            w.children[key(c.id)] = c
        }
        w.offences = try await sql.select().columns(
            "id", "child_id", "service_id", "offence_date", "outcome", "outcome_date", "category", "gravity"
        ).from("offences").all(decoding: Offence.self)
        for o in try await sql.select().columns("code", "counts_as_entry", "custodial", "tier").from("outcome_types").all(
            decoding: Outcome.self)
        {
            w.outcomes[o.code] = o
        }
        w.interventions = try await sql.select().columns(
            "id", "child_id", "service_id", "type", "start_date", "end_date", "closure_reason", "case_manager_id", "allocated_on"
        )
        .from("interventions").all(decoding: Intervention.self)
        for a in try await sql.select().columns("intervention_id", "case_manager_id", "allocated_on", "at").from("allocations").all(
            decoding: Allocation.self)
        {
            w.allocations[key(a.intervention_id), default: []].append(a)
        }
        w.referrals = try await sql.select().columns("child_id", "service_id", "received_on", "decision", "decided_on").from("referrals")
            .all(decoding: Referral.self)
        w.population = try await sql.select().columns("service_id", "year", "count").from("population").all(decoding: Population.self)
        let tables: [(String, [String])] = [
            ("contacts", ["contact_on", "attendance"]), ("breaches", ["started_on"]),
            ("health_records", ["health_assessment_on", "camhs_referral", "camhs_referred_on"]),
            ("feedback", ["given_on"]), ("case_audits", ["audited_on"]), ("plan_reviews", ["reviewed_on"]),
            ("victims", ["contact_made_on", "consent", "activity"]),
            ("assessments", ["stage", "submitted_on"]),
            ("care_episodes", ["started_on", "ended_on", "responsible_authority"]),
            ("placement_offences", ["offence_id", "police_called", "protocol_followed"]),
            ("exploitation_concerns", ["identified_on", "nrm_referral", "nrm_referred_on"]), ("achievements", ["achieved_on"]),
            ("panel_decisions", ["decided_on", "outcome"])
        ]
        for (table, columns) in tables {
            let rows = try await sql.select().columns(["child_id", "service_id"] + columns).from(table).all()
            w.records[table] = try rows.map { r in
                var values: [String: String] = [:]
                for c in columns { if let v = try r.decode(column: c, as: String?.self) { values[c] = v } }
                return Record(
                    child: key(try r.decode(column: "child_id", as: UUID.self)), service: try r.decode(column: "service_id", as: UUID.self),
                    intervention: nil, values: values)
            }
        }
        // Scrutiny findings, each with the child of the decision and the scrutiny panel's date and service.
        struct F: Decodable { let child_id: UUID; let service_id: UUID; let held_on: String; let finding: String? }
        w.findings = try await sql.raw(
            "SELECT d.child_id, p.service_id, p.held_on, f.finding FROM scrutiny_findings f JOIN scrutiny_panels p ON p.id = f.scrutiny_id JOIN panel_decisions d ON d.id = f.decision_id"
        ).all(decoding: F.self).map {
            Record(
                child: key($0.child_id), service: $0.service_id, intervention: nil,
                values: ["held_on": $0.held_on, "finding": $0.finding].compactMapValues { $0 })
        }
        return w
    }

    // MARK: The plain calculation

    /// Each measure's children, a child once per record counted, and each rate, for one run.
    struct Expected {
        var counts: [String: [String]] = [:]
        var rates: [String: Double] = [:]
    }

    static func pct(_ n: Int, _ d: Int) -> Double? { d > 0 ? Rounding.round(Double(n) * 100 / Double(d), places: 1) : nil }

    static func expected(_ report: String, _ w: World, services: Set<UUID>, period p: ReportPeriod) -> Expected {
        var e = Expected()
        func inRun(_ s: UUID) -> Bool { services.contains(s) }
        func age(_ child: UUID, on d: String) -> Int? {
            guard let c = w.children[key(child)], let dob = day(c.date_of_birth), let on = day(d) else { return nil }
            return dob.age(on: on)
        }
        func proven(_ o: Offence) -> Bool {
            w.outcomes[o.outcome]?.counts_as_entry == true && o.outcome_date != nil
                && (10...17).contains(age(o.child_id, on: o.offence_date) ?? -1)
        }
        // Each child's entry: their first proven outcome of all, whichever service recorded it.
        var entry: [String: Offence] = [:]
        for o in w.offences where proven(o) {
            if let c = entry[key(o.child_id)], (c.outcome_date!, c.offence_date) <= (o.outcome_date!, o.offence_date) { continue }
            entry[key(o.child_id)] = o
        }
        let ivs = w.interventions.filter { inRun($0.service_id) }
        func open(_ i: Intervention, on d: LocalDate) -> Bool { day(i.start_date)! <= d && (day(i.end_date).map { $0 >= d } ?? true) }
        func overlaps(_ i: Intervention) -> Bool { day(i.start_date)! <= p.to && (day(i.end_date).map { $0 >= p.from } ?? true) }
        func dated(_ table: String, _ column: String) -> [Record] {
            (w.records[table] ?? []).filter { inRun($0.service) && day($0.values[column]).map(p.contains) == true }
        }
        func population() -> Int? {
            let year = p.from.year
            let rows = w.population.filter { inRun($0.service_id) && $0.year == year }
            guard services.allSatisfy({ s in rows.contains { $0.service_id == s } }) else { return nil }
            return rows.map(\.count).reduce(0, +)
        }
        switch report {
        case "first-time-entrants":
            let ftes = entry.values.filter { inRun($0.service_id) && p.contains(day($0.outcome_date)!) }.map { key($0.child_id) }
            e.counts["first_time_entrants"] = ftes
            if let pop = population() {
                e.rates["fte_rate_per_100k"] = Rounding.round(Double(ftes.count) * 100_000 / Double(pop), places: 1)
            }
        case "reoffending", "offence-profile", "custody":
            let own = w.offences.filter { inRun($0.service_id) && proven($0) && p.contains(day($0.outcome_date)!) }
            if report == "offence-profile" { e.counts["offences"] = own.map { key($0.child_id) } }
            if report == "reoffending" {
                var index: [String: LocalDate] = [:]
                for o in own { index[key(o.child_id)] = min(index[key(o.child_id)] ?? day(o.outcome_date)!, day(o.outcome_date)!) }
                var reoffences: [String] = []
                for o in w.offences where w.outcomes[o.outcome]?.counts_as_entry == true && o.outcome_date != nil {
                    guard let i = index[key(o.child_id)], let d = day(o.offence_date) else { continue }
                    if d > i && d <= i.adding(months: 12) && day(o.outcome_date)! <= i.adding(months: 18) {
                        reoffences.append(key(o.child_id))
                    }
                }
                e.counts["cohort"] = Array(index.keys)
                e.counts["reoffenders"] = Array(Set(reoffences))
                e.counts["reoffences"] = reoffences
                if !index.isEmpty {
                    e.rates["binary_rate"] = Rounding.round(Double(Set(reoffences).count) * 100 / Double(index.count), places: 1)
                }
            }
            if report == "custody" {
                let custodial = w.offences.filter {
                    inRun($0.service_id) && w.outcomes[$0.outcome]?.custodial == true && day($0.outcome_date).map(p.contains) == true
                        && (10...17).contains(age($0.child_id, on: $0.offence_date) ?? -1)
                }.map { key($0.child_id) }
                e.counts["custodial_sentences"] = custodial
                e.counts["children_sentenced_to_custody"] = Array(Set(custodial))
                e.counts["remands"] = ivs.filter { $0.type == "remand" && p.contains(day($0.start_date)!) }.map { key($0.child_id) }
                e.counts["breaches"] = dated("breaches", "started_on").map(\.child)
            }
        case "diversion-outcomes":
            var index: [String: LocalDate] = [:]
            for i in ivs where ["prevention", "turnaround", "diversion", "outcome_22"].contains(i.type) && p.contains(day(i.start_date)!) {
                index[key(i.child_id)] = min(index[key(i.child_id)] ?? day(i.start_date)!, day(i.start_date)!)
            }
            e.counts["supported"] = Array(index.keys)
            e.counts["became_fte"] = index.filter { k, d in
                entry[k].map { day($0.outcome_date)! > d && day($0.outcome_date)! <= d.adding(months: 12) } ?? false
            }.map(\.key)
            e.counts["screened_out"] = w.referrals.filter {
                inRun($0.service_id) && $0.decision == "screened_out" && day($0.decided_on).map(p.contains) == true
            }.map { key($0.child_id) }
        case "screening":
            let own = w.referrals.filter { inRun($0.service_id) }
            e.counts["referrals"] = own.filter { p.contains(day($0.received_on)!) }.map { key($0.child_id) }
            e.counts["decisions"] = own.filter { ($0.decision ?? "pending") != "pending" && day($0.decided_on).map(p.contains) == true }.map
            { key($0.child_id) }
        case "caseload":
            // The case manager on the last day: the latest allocation made by then.
            let managed = ivs.filter { i in
                guard open(i, on: p.to) else { return false }
                if let history = w.allocations[key(i.id)], !history.isEmpty {
                    return history.contains { day($0.allocated_on)! <= p.to }
                }
                return i.case_manager_id != nil && (day(i.allocated_on) ?? day(i.start_date)!) <= p.to
            }
            e.counts["open_interventions"] = managed.map { key($0.child_id) }
            e.counts["children"] = Array(Set(managed.map { key($0.child_id) }))
        case "contact-attendance":
            let contacts = dated("contacts", "contact_on")
            let recorded = contacts.filter { $0.values["attendance"] != nil }
            e.counts["contacts"] = recorded.map(\.child)
            e.counts["arranged"] = contacts.filter { $0.values["attendance"] == nil }.map(\.child)
            let attended = recorded.filter { $0.values["attendance"] == "attended" }.count
            let missed = recorded.filter { ["did_not_attend", "cancelled_by_child"].contains($0.values["attendance"]!) }.count
            e.rates["attendance_rate"] = pct(attended, attended + missed)
        case "disproportionality", "plan-dashboard":
            let cohort = Set(ivs.filter(overlaps).map { key($0.child_id) })
            let care = cohort.filter { (w.children[$0]?.care_status ?? "none") != "none" }
            if report == "disproportionality" {
                e.counts["cohort_count"] = Array(cohort)
                e.rates["care_experienced_share"] = pct(care.count, cohort.count)
                e.rates["ehcp_share"] = pct(cohort.filter { w.children[$0]?.ehcp == "yes" }.count, cohort.count)
                e.rates["send_share"] = pct(cohort.filter { w.children[$0]?.send == "yes" }.count, cohort.count)
            } else {
                e.counts["cohort"] = Array(cohort)
                e.counts["care_experienced"] = Array(care)
                e.counts["remands"] = ivs.filter { $0.type == "remand" && p.contains(day($0.start_date)!) }.map { key($0.child_id) }
                e.counts["breaches"] = dated("breaches", "started_on").map(\.child)
                e.counts["health_assessments"] = dated("health_records", "health_assessment_on").map(\.child)
                e.counts["camhs_referrals"] = Array(
                    Set(dated("health_records", "camhs_referred_on").filter { $0.values["camhs_referral"] == "yes" }.map(\.child)))
                e.counts["feedback_responses"] = dated("feedback", "given_on").map(\.child)
                e.counts["case_audits"] = dated("case_audits", "audited_on").map(\.child)
                e.counts["achievements"] = dated("achievements", "achieved_on").map(\.child)
            }
        case "out-of-court-decisions":
            e.counts["decisions"] = dated("panel_decisions", "decided_on").map(\.child)
            e.counts["scrutiny_findings"] = w.findings.filter {
                inRun($0.service) && $0.values["finding"] != nil && day($0.values["held_on"]).map(p.contains) == true
            }.map(\.child)
        case "children-in-care":
            // The care history is the child's, whichever service recorded it.
            let episodes = Dictionary(grouping: w.records["care_episodes"] ?? [], by: \.child)
            func inCare(_ c: String, on d: LocalDate) -> Record? {
                (episodes[c] ?? []).filter { day($0.values["started_on"])! <= d && (day($0.values["ended_on"]).map { $0 >= d } ?? true) }
                    .max { $0.values["started_on"]! < $1.values["started_on"]! }
            }
            func leaver(_ c: String, on d: LocalDate) -> Bool {
                guard inCare(c, on: d) == nil, let dob = day(w.children[c]?.date_of_birth) else { return false }
                var days = 0, after16 = false
                for r in episodes[c] ?? [] {
                    // Each day in care from the 14th birthday to the day before `d`.
                    var x = max(day(r.values["started_on"])!, dob.adding(years: 14))
                    let last = min(day(r.values["ended_on"]) ?? d.adding(days: -1), d.adding(days: -1))
                    while x <= last {
                        days += 1
                        if x >= dob.adding(years: 16) { after16 = true }
                        x = x.adding(days: 1)
                    }
                }
                return days >= 91 && after16
            }
            func status(_ c: String, _ d: LocalDate) -> String { inCare(c, on: d) != nil ? "in" : (leaver(c, on: d) ? "in" : "out") }
            let caseload = Set(ivs.filter { open($0, on: p.to) }.map { key($0.child_id) })
            let looked = caseload.filter { inCare($0, on: p.to) != nil }
            e.counts["caseload"] = Array(caseload)
            e.counts["looked_after"] = Array(looked)
            e.counts["own_looked_after"] = looked.filter { inCare($0, on: p.to)!.values["responsible_authority"] != "other_authority" }
            e.counts["care_leavers"] = caseload.filter { leaver($0, on: p.to) }
            e.counts["care_status_without_history"] = caseload.filter {
                episodes[$0] == nil && (w.children[$0]?.care_status ?? "none") != "none"
            }
            e.rates["looked_after_share"] = pct(looked.count, caseload.count)
            let ftes = entry.values.filter { inRun($0.service_id) && p.contains(day($0.outcome_date)!) }
            e.counts["first_time_entrants"] = ftes.map { key($0.child_id) }
            if let share = pct(
                ftes.filter { status(key($0.child_id), day($0.outcome_date)!) == "in" }.count, ftes.count)
            {
                e.rates["first_time_entrants_in_care_share"] = share
            }
            let given = w.offences.filter {
                inRun($0.service_id) && day($0.outcome_date).map(p.contains) == true
                    && (10...17).contains(age($0.child_id, on: $0.offence_date) ?? -1)
            }
            func informal(_ o: Offence) -> Bool { w.outcomes[o.outcome].map { $0.tier == "pre_court" && !$0.counts_as_entry } ?? false }
            e.counts["informal_outcomes"] = given.filter(informal).map { key($0.child_id) }
            e.counts["children_sentenced_to_custody"] = Array(
                Set(given.filter { w.outcomes[$0.outcome]?.custodial == true }.map { key($0.child_id) }))
            if let share = pct(
                given.filter(informal).count, given.filter { informal($0) || w.outcomes[$0.outcome]?.counts_as_entry == true }.count)
            {
                e.rates["informal_outcome_share"] = share
            }
            let offence = Dictionary(uniqueKeysWithValues: w.offences.map { (key($0.id), $0) })
            let atPlacement = (w.records["placement_offences"] ?? []).filter { r in
                guard inRun(r.service), let o = offence[r.values["offence_id"] ?? ""] else { return false }
                return inRun(o.service_id) && p.contains(day(o.offence_date)!)
            }
            e.counts["offences_in_placement"] = atPlacement.map(\.child)
            e.counts["police_called_by_placement"] = atPlacement.filter { $0.values["police_called"] == "yes" }.map(\.child)
            e.counts["protocol_followed"] = atPlacement.filter { $0.values["protocol_followed"] == "yes" }.map(\.child)
            e.counts["children_with_exploitation_concerns"] = Array(Set(dated("exploitation_concerns", "identified_on").map(\.child)))
            e.counts["nrm_referrals"] = dated("exploitation_concerns", "nrm_referred_on").filter { $0.values["nrm_referral"] == "yes" }.map(
                \.child)
        case "timeliness":
            e.counts["assessments_completed"] = dated("assessments", "submitted_on").filter { $0.values["stage"] == "start" }.map(\.child)
            e.counts["plan_reviews"] = dated("plan_reviews", "reviewed_on").map(\.child)
        case "kpis":
            // Children, not interventions, whose work ended in the period (a transfer is not an end).
            let ended = ivs.filter { day($0.end_date).map(p.contains) == true && $0.closure_reason != "transferred" }
            e.counts["closing_cohort"] = Array(Set(ended.map { key($0.child_id) }))
            let oocd = ended.filter { ["diversion", "outcome_22", "youth_caution", "youth_conditional_caution"].contains($0.type) }
            e.counts["kpi6_oocd_ended"] = Array(Set(oocd.map { key($0.child_id) }))
            let caseload = Set(ivs.filter(overlaps).map { key($0.child_id) })
            e.counts["kpi9_caseload"] = Array(caseload)
            // Serious violence: a proven offence of the child's, whichever service recorded it.
            e.counts["kpi9_serious_violence"] = Array(
                Set(
                    w.offences.filter { o in
                        caseload.contains(key(o.child_id)) && ["violence_against_the_person", "robbery", "drugs"].contains(o.category)
                            && (o.gravity ?? 0) >= 4
                            && w.outcomes[o.outcome]?.counts_as_entry == true && day(o.outcome_date).map { $0 <= p.to } == true
                    }.map { key($0.child_id) }))
            e.counts["kpi10_victims_consented"] = dated("victims", "contact_made_on").filter { $0.values["consent"] == "yes" }.map(\.child)
        default:
            Issue.record("no plain calculation for \(report)")
        }
        return e
    }

    // MARK: The data

    /// Children transferred to NB on 1 December 2023, with records there afterwards; cases reallocated
    /// in and after the periods; an offence with every outcome code.
    static func world(_ app: Application) async throws -> (LocalDate, [String: UUID]) {
        let today = try await SharedExternalIDsTests.twoServices(app, population: true)
        let sql = app.db.sql
        let nb = Service(code: "NB", name: "Northbrook YJS")
        try await nb.create(on: app.db)
        let demo = try #require(try await ServiceMoves.service(code: DemoData.serviceCode, on: app.db))
        let xs = try #require(try await ServiceMoves.service(code: "XS", on: app.db))
        var w = try await read(app.db)
        let demoChildren = w.children.values.filter { $0.service_id == demo.id! }.sorted { $0.id.uuidString < $1.id.uuidString }
        // Transferred: children who entered the justice system in the demo service before the
        // move, and children with work open on the day.
        let moveDay = LocalDate(iso: "2023-12-01")!
        var entered: [String: LocalDate] = [:]
        for o in w.offences where o.service_id == demo.id! && w.outcomes[o.outcome]?.counts_as_entry == true {
            if let d = day(o.outcome_date), d < moveDay { entered[key(o.child_id)] = d }
        }
        let demoID: UUID = demo.id!
        var openThen = Set<String>()
        for i in w.interventions where i.service_id == demoID {
            let start: LocalDate = day(i.start_date)!
            let end: LocalDate? = day(i.end_date)
            if start < moveDay && (end == nil || end! >= moveDay) { openThen.insert(key(i.child_id)) }
        }
        let movers =
            Array(demoChildren.filter { entered[key($0.id)] != nil }.prefix(4))
            + Array(demoChildren.filter { openThen.contains(key($0.id)) && entered[key($0.id)] == nil }.prefix(3))
        #expect(movers.count == 7, "the demo data has children who entered before December 2023 and work open then")
        let actor = Agent.commandLine("test", now: pinnedNow)
        for c in movers {
            try await ServiceMoves.transfer(
                c.id, to: nb.id!, on: moveDay, reason: "moved with their family", actor: actor, db: app.db, now: pinnedNow)
        }
        // NB then records offences of its own for them: proven and not, custodial and not, and one
        // of serious violence.
        let codes = w.outcomes.keys.sorted()
        func offence(
            _ child: UUID, _ service: UUID, _ offenceDate: String, _ outcome: String, _ outcomeDate: String?,
            category: String = "theft_and_handling", gravity: Int = 2
        ) async throws {
            try await sql.insert(into: "offences").columns(
                "id", "service_id", "child_id", "offence_date", "category", "gravity", "outcome", "outcome_date", "created_at"
            )
            .values(
                SQLBind(UUID()), SQLBind(service), SQLBind(child), SQLBind(offenceDate), SQLBind(category), SQLBind(gravity),
                SQLBind(outcome), SQLBind(outcomeDate), SQLBind(pinnedNow)
            )
            .run()
        }
        for (n, c) in movers.enumerated() {
            let code = codes[(n * 3) % codes.count]
            try await offence(c.id, nb.id!, "2024-01-0\(n + 1)", code, "2024-02-1\(n)")
            try await offence(
                c.id, nb.id!, "2024-01-2\(n)", "youth_caution", "2024-03-0\(n + 1)", category: "violence_against_the_person", gravity: 4)
        }
        // Every outcome code once, in each of the demo service and XS, for children aged 10–17.
        let teens = demoChildren.filter { c in
            day(c.date_of_birth).map { (11...16).contains($0.age(on: LocalDate(iso: "2023-10-01")!)) } ?? false
        }
        #expect(teens.count >= codes.count)
        let xsByExternal = Dictionary(
            uniqueKeysWithValues: try await sql.select().columns("id", "external_id").from("children").where(
                "service_id", .equal, SQLBind(xs.id!)
            )
            .all(decoding: ExternalRow.self).compactMap { r in r.external_id.map { ($0, r.id) } })
        let external = Dictionary(
            uniqueKeysWithValues: try await sql.select().columns("id", "external_id").from("children").where(
                "service_id", .equal, SQLBind(demo.id!)
            )
            .all(decoding: ExternalRow.self).compactMap { r in r.external_id.map { (r.id, $0) } })
        for (n, code) in codes.enumerated() {
            let c = teens[n % teens.count]
            try await offence(c.id, demo.id!, "2023-0\(n % 9 + 1)-15", code, "2023-1\(n % 3)-2\(n % 9)")
            if let twin = external[c.id].flatMap({ xsByExternal[$0] }), n % 2 == 0 {
                try await offence(twin, xs.id!, "2023-07-01", code, "2024-01-1\(n % 9)")
            }
        }
        try await offence(teens[0].id, demo.id!, "2023-11-01", "youth_caution", nil)
        // Reallocations: open cases given to another worker inside the periods and after them.
        w = try await read(app.db)
        var managerSet = Set<UUID>()
        for i in w.interventions where i.service_id == demoID { if let m = i.case_manager_id { managerSet.insert(m) } }
        let managers: [UUID] = managerSet.sorted { $0.uuidString < $1.uuidString }
        #expect(managers.count >= 2)
        let moved = Set(movers.map(\.id))
        let openLate = w.interventions.filter {
            $0.service_id == demoID && !moved.contains($0.child_id) && $0.case_manager_id != nil && day($0.end_date) == nil
                && day($0.start_date)! < LocalDate(iso: "2023-12-01")!
        }
        #expect(openLate.count >= 4)
        for (n, i) in openLate.prefix(4).enumerated() {
            let to = managers.first { $0 != i.case_manager_id }!
            let on = n % 2 == 0 ? "2023-12-15" : "2024-02-01"
            try await sql.insert(into: "allocations").columns(
                "id", "intervention_id", "case_manager_id", "co_worker_id", "allocated_on", "allocated_by", "at", "over_cap_confirmed"
            )
            .values(
                SQLBind(UUID()), SQLBind(i.id), SQLBind(to), SQLBind(Optional<UUID>.none), SQLBind(on), SQLBind(to), SQLBind(pinnedNow),
                SQLBind(false)
            ).run()
            try await sql.update("interventions").set("case_manager_id", to: SQLBind(to)).set("allocated_on", to: SQLBind(on)).where(
                "id", .equal, SQLBind(i.id)
            ).run()
            // As allocating does (the plain calculation reads `allocations` itself).
            try await AllocationHistory.refresh([i.id], on: app.db)
        }
        return (today, ["DEMO": demo.id!, "XS": xs.id!, "NB": nb.id!])
    }

    struct ExternalRow: Decodable { let id: UUID; let external_id: String? }

    // MARK: The comparison

    @Test(arguments: TestDatabase.all)
    func everyReportEqualsAPlainCalculationOverEveryRecord(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, ids) = try await Self.world(app)
            let w = try await Self.read(app.db)
            let periods = [("2023-04-01", "2024-03-27"), ("2023-10-01", "2023-12-31"), ("2024-01-01", "2024-03-27")]
                .map { ReportPeriod(from: LocalDate(iso: $0.0)!, to: LocalDate(iso: $0.1)!)! }
            // Each run as the pages make it, with a second connection; every service's also the way
            // of a large run (its reads of a national year's size: `ReportRunner.largeRunChildren`).
            let runs: [(services: [String]?, large: Bool)] = [
                ([DemoData.serviceCode], false), (["XS"], false), (["NB"], false), ([DemoData.serviceCode, "NB"], false), (nil, false),
                (nil, true)
            ]
            let companion = app.reportCompanion(besides: app.db)
            var compared = 0, nonZero = 0
            for d in ReportCatalogue.all {
                for period in periods {
                    for (run, large) in runs {
                        let out = try await ReportRunner.$largeRunChildren.withValue(large ? 1 : 20_000) {
                            try await ReportRunner.run(
                                d.name, period: period, serviceCodes: run, today: today, on: app.db, alongside: companion)
                        }
                        let services = Set((run ?? ["DEMO", "XS", "NB"]).map { ids[$0 == DemoData.serviceCode ? "DEMO" : $0]! })
                        let e = Self.expected(d.name, w, services: services, period: period)
                        #expect(!e.counts.isEmpty, "\(d.name) has a plain calculation")
                        let label =
                            "\(d.name) \(period.from.iso)–\(period.to.iso) \(run?.joined(separator: "+") ?? "all services")\(large ? " (as a large run)" : "")"
                        for (measure, children) in e.counts {
                            let row = out.rows.first { $0.measure == measure && $0.breakdown == "all" }
                            var want: [String: Int] = [:]
                            for c in children { want[c, default: 0] += 1 }
                            #expect(
                                (row?.recordsByChild ?? [:]) == want,
                                "\(label) \(measure): \(Int(row?.value ?? 0)) against \(children.count)")
                            compared += 1
                            if !children.isEmpty { nonZero += 1 }
                        }
                        for (measure, rate) in e.rates {
                            #expect(out.rows.first { $0.measure == measure && $0.breakdown == "all" }?.value == rate, "\(label) \(measure)")
                            compared += 1
                        }
                    }
                }
            }
            // The comparison means something only if most figures have children behind them.
            #expect(compared > 500 && nonZero > compared / 2, "\(nonZero) of \(compared) figures non-zero")
        }
    }
}
