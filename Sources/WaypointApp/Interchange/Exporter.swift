import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// Writes the interchange bundle of one service (or all): the same files import reads, in a
/// stable order, so export → import → export gives the same files.
enum Exporter {
    /// The children a bundle of one service (or all) holds, for the audit: every child exported
    /// is on that child's record.
    static func children(serviceCode: String?, on db: Database) async throws -> [(serviceID: UUID?, childID: UUID)] {
        struct C: Decodable { let id: UUID; let service_id: UUID }
        let q = db.sql.select().column(SQLColumn("id", table: "children")).column(SQLColumn("service_id", table: "children")).from(
            "children")
        if let serviceCode {
            q.join("services", on: SQLColumn("id", table: "services"), .equal, SQLColumn("service_id", table: "children"))
                .where(SQLColumn("code", table: "services"), .equal, SQLBind(serviceCode))
        }
        return try await q.all(decoding: C.self).map { ($0.service_id, $0.id) }
    }

    static func run(serviceCode: String?, on db: Database) async throws -> [(String, Data)] {
        let sql = db.sql
        struct S: Decodable { let id: UUID; let code: String; let name: String }
        var services = try await sql.select().columns("id", "code", "name").from("services").orderBy("code").all(decoding: S.self)
        if let serviceCode {
            services = services.filter { $0.code == serviceCode }
            guard !services.isEmpty else { throw WaypointError.badRequest("There is no service with code \(serviceCode).") }
        }
        let ids = services.map(\.id)
        let codeOf = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.code) })
        var files: [(String, Data)] = []
        files.append(
            (Interchange.services.name, CSV.write(header: Interchange.services.columns, rows: services.map { [$0.code, $0.name] })))
        guard !ids.isEmpty else {
            files.append((Interchange.children.name, CSV.write(header: Interchange.children.columns, rows: [])))
            return files
        }

        struct Child: Decodable {
            let id: UUID; let service_id: UUID; let external_id: String?
            let given_name: String; let family_name: String; let date_of_birth: String; let sex: String; let ethnicity: String
            let care_status: String; let send: String?; let ehcp: String?; let postcode: String?; let district: String?
            let pnc_id: String?; let upn: String?; let nhs_number: String?
        }
        let children = try await sql.select()
            .columns(
                "id", "service_id", "external_id", "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "care_status",
                "send", "ehcp", "postcode", "district", "pnc_id", "upn", "nhs_number"
            )
            .from("children").where("service_id", .in, SQLBind.group(ids)).all(decoding: Child.self)
        var childKey: [UUID: String] = [:]
        for c in children { childKey[c.id] = c.external_id ?? c.id.uuidString.lowercased() }
        let childRows = children.map { c in
            [
                childKey[c.id]!, codeOf[c.service_id]!, c.given_name, c.family_name, c.date_of_birth, c.sex, c.ethnicity, c.care_status,
                c.send ?? "", c.ehcp ?? "", c.postcode ?? "", c.district ?? "", c.pnc_id ?? "", c.upn ?? "", c.nhs_number ?? ""
            ]
        }.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
        files.append((Interchange.children.name, CSV.write(header: Interchange.children.columns, rows: childRows)))

        struct Referral: Decodable {
            let id: UUID; let external_id: String?; let child_id: UUID; let received_on: String; let source: String; let decision: String
            let decided_on: String?; let destination: String?; let intervention_type: String?
        }
        let referrals = try await sql.select().columns(
            "id", "external_id", "child_id", "received_on", "source", "decision", "decided_on", "destination", "intervention_type"
        )
        .from("referrals").where("service_id", .in, SQLBind.group(ids)).all(decoding: Referral.self)
        files.append(
            (
                Interchange.referrals.name,
                CSV.write(
                    header: Interchange.referrals.columns,
                    rows: referrals.map { r in
                        [
                            r.external_id ?? r.id.uuidString.lowercased(), childKey[r.child_id] ?? "", r.received_on, r.source, r.decision,
                            r.decided_on ?? "",
                            r.destination ?? "", r.intervention_type ?? ""
                        ]
                    }.sorted { $0[0] < $1[0] })
            ))

        struct Offence: Decodable {
            let id: UUID; let external_id: String?; let child_id: UUID; let offence_date: String; let category: String; let gravity: Int?
            let outcome: String; let outcome_date: String?
        }
        let offences = try await sql.select().columns(
            "id", "external_id", "child_id", "offence_date", "category", "gravity", "outcome", "outcome_date"
        )
        .from("offences").where("service_id", .in, SQLBind.group(ids)).all(decoding: Offence.self)
        files.append(
            (
                Interchange.offences.name,
                CSV.write(
                    header: Interchange.offences.columns,
                    rows: offences.map { o in
                        [
                            o.external_id ?? o.id.uuidString.lowercased(), childKey[o.child_id] ?? "", o.offence_date, o.category,
                            o.gravity.map(String.init) ?? "",
                            o.outcome, o.outcome_date ?? ""
                        ]
                    }.sorted { $0[0] < $1[0] })
            ))

        struct Intervention: Decodable {
            let id: UUID; let external_id: String?; let child_id: UUID; let type: String; let start_date: String; let end_date: String?
            let case_manager_id: UUID?; let closure_reason: String?
        }
        let interventions = try await sql.select().columns(
            "id", "external_id", "child_id", "type", "start_date", "end_date", "case_manager_id", "closure_reason"
        )
        .from("interventions").where("service_id", .in, SQLBind.group(ids)).all(decoding: Intervention.self)
        let emails = Dictionary(uniqueKeysWithValues: try await User.query(on: db).all().map { ($0.id!, $0.email) })
        files.append(
            (
                Interchange.interventions.name,
                CSV.write(
                    header: Interchange.interventions.columns,
                    rows: interventions.map { i in
                        [
                            i.external_id ?? i.id.uuidString.lowercased(), childKey[i.child_id] ?? "", i.type, i.start_date,
                            i.end_date ?? "",
                            i.case_manager_id.flatMap { emails[$0] } ?? "", i.closure_reason ?? ""
                        ]
                    }.sorted { $0[0] < $1[0] })
            ))

        // The child's records; an offence is named as offences.csv names it.
        var offenceKey: [String: String] = [:]
        for o in offences { offenceKey[o.id.uuidString.lowercased()] = o.external_id ?? o.id.uuidString.lowercased() }
        var recordFiles: [(String, Data)] = []
        for rf in Interchange.recordFiles {
            let rows = try await sql.select().columns(["id", "external_id", "child_id"] + rf.fields.map(\.name)).from(rf.kind.spec.table)
                .where("service_id", .in, SQLBind.group(ids)).all()
            var out: [[String]] = []
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                let child = try row.decode(column: "child_id", as: UUID.self)
                var cells: [String: String] = [
                    rf.idColumn: try row.decode(column: "external_id", as: String?.self) ?? id.uuidString.lowercased(),
                    "child_id": childKey[child] ?? ""
                ]
                for f in rf.fields {
                    let v = try row.decode(column: f.name, as: String?.self) ?? ""
                    if case .lookup("offences") = f.kind { cells[f.name] = offenceKey[v] ?? v } else { cells[f.name] = v }
                }
                out.append(rf.file.columns.map { cells[$0] ?? "" })
            }
            recordFiles.append((rf.file.name, CSV.write(header: rf.file.columns, rows: out.sorted { $0.lexicographicallyPrecedes($1) })))
        }

        struct Pop: Decodable {
            let service_id: UUID; let year: Int; let age: Int; let sex: String; let ethnicity_group: String; let count: Int
        }
        let population = try await sql.select().columns("service_id", "year", "age", "sex", "ethnicity_group", "count")
            .from("population").where("service_id", .in, SQLBind.group(ids)).all(decoding: Pop.self)
        files.append(
            (
                Interchange.population.name,
                CSV.write(
                    header: Interchange.population.columns,
                    rows: population.map { p in
                        [codeOf[p.service_id]!, String(p.year), String(p.age), p.sex, p.ethnicity_group, String(p.count)]
                    }.sorted { $0.lexicographicallyPrecedes($1) })
            ))
        return files + recordFiles + (try await panelFiles(ids: ids, codeOf: codeOf, childKey: childKey, offenceKey: offenceKey, on: db))
    }

    /// The joint out-of-court panels of these services, their decisions, scrutiny panels and findings.
    static func panelFiles(ids: [UUID], codeOf: [UUID: String], childKey: [UUID: String], offenceKey: [String: String], on db: Database)
        async throws -> [(String, Data)]
    {
        let sql = db.sql
        func key(_ id: UUID, _ external: String?) -> String { external ?? id.uuidString.lowercased() }
        let memberColumns = PanelAgency.allCases.map { "member_\($0.rawValue)" }
        let panels = try await sql.select().columns(["id", "service_id", "external_id", "held_on", "place"] + memberColumns).from(
            "disposal_panels"
        )
        .where("service_id", .in, SQLBind.group(ids)).all()
        var panelKey: [UUID: String] = [:]
        var panelRows: [[String]] = []
        for p in panels {
            let id = try p.decode(column: "id", as: UUID.self)
            panelKey[id] = key(id, try p.decode(column: "external_id", as: String?.self))
            panelRows.append(
                [
                    panelKey[id]!, codeOf[try p.decode(column: "service_id", as: UUID.self)] ?? "",
                    try p.decode(column: "held_on", as: String.self),
                    try p.decode(column: "place", as: String?.self) ?? ""
                ]
                    + (try memberColumns.map { try p.decode(column: $0, as: String?.self) ?? "" }))
        }
        struct D: Decodable {
            let id: UUID; let external_id: String?; let panel_id: UUID; let child_id: UUID; let offence_id: UUID; let screening: String
            let outcome: String; let rationale: String; let conditions: String?
        }
        let decisions = try await sql.select().columns(
            "id", "external_id", "panel_id", "child_id", "offence_id", "screening", "outcome", "rationale", "conditions"
        ).from("panel_decisions").where("service_id", .in, SQLBind.group(ids)).all(decoding: D.self)
        var decisionKey: [UUID: String] = [:]
        for d in decisions { decisionKey[d.id] = key(d.id, d.external_id) }
        struct S: Decodable {
            let id: UUID; let external_id: String?; let service_id: UUID; let held_on: String; let sample_from: String;
            let sample_to: String
        }
        let scrutinies = try await sql.select().columns("id", "external_id", "service_id", "held_on", "sample_from", "sample_to")
            .from("scrutiny_panels").where("service_id", .in, SQLBind.group(ids)).all(decoding: S.self)
        var scrutinyKey: [UUID: String] = [:]
        for s in scrutinies { scrutinyKey[s.id] = key(s.id, s.external_id) }
        struct F: Decodable { let scrutiny_id: UUID; let decision_id: UUID; let finding: String?; let learning: String? }
        let findings =
            scrutinies.isEmpty
            ? []
            : try await sql.select().columns("scrutiny_id", "decision_id", "finding", "learning").from("scrutiny_findings")
                .where("scrutiny_id", .in, SQLBind.group(scrutinies.map(\.id))).all(decoding: F.self)
        func sorted(_ rows: [[String]]) -> [[String]] { rows.sorted { $0.lexicographicallyPrecedes($1) } }
        return [
            (Interchange.disposalPanels.name, CSV.write(header: Interchange.disposalPanels.columns, rows: sorted(panelRows))),
            (
                Interchange.panelDecisions.name,
                CSV.write(
                    header: Interchange.panelDecisions.columns,
                    rows: sorted(
                        decisions.map { d in
                            [
                                decisionKey[d.id]!, panelKey[d.panel_id] ?? "", childKey[d.child_id] ?? "",
                                offenceKey[d.offence_id.uuidString.lowercased()] ?? d.offence_id.uuidString.lowercased(), d.screening,
                                d.outcome,
                                d.rationale, d.conditions ?? ""
                            ]
                        }))
            ),
            (
                Interchange.scrutinyPanels.name,
                CSV.write(
                    header: Interchange.scrutinyPanels.columns,
                    rows: sorted(
                        scrutinies.map { [scrutinyKey[$0.id]!, codeOf[$0.service_id] ?? "", $0.held_on, $0.sample_from, $0.sample_to] }))
            ),
            (
                Interchange.scrutinyFindings.name,
                CSV.write(
                    header: Interchange.scrutinyFindings.columns,
                    rows: sorted(
                        findings.map {
                            [scrutinyKey[$0.scrutiny_id] ?? "", decisionKey[$0.decision_id] ?? "", $0.finding ?? "", $0.learning ?? ""]
                        }))
            )
        ]
    }
}
