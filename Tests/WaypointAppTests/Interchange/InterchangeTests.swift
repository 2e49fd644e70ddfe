import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct InterchangeTests {
    static let actor = Agent.commandLine("test", now: pinnedNow)
    static let today = LocalDate(year: 2024, month: 3, day: 27)!

    static let bundle: [String: String] = [
        "services.csv": "service_code,name\nWF,Westfield YJS\nLN,Lakeside YJS\n",
        "children.csv":
            "child_id,service_code,given_name,family_name,date_of_birth,sex,ethnicity,care_status,send,ehcp,postcode,district,pnc_id,upn,nhs_number\n"
            + "C1,WF,Jo,Smith,2010-05-14,male,white_british,looked_after,yes,no,ls1 4ap,North,04/1234567F,B801200005001,9434765919\n"
            + "C2,WF,\"Mary\nAnne\",\"O'Brien, Jr\",2011-02-01,female,white_irish,none,,,,South,,,\n"
            + "C3,WF,Kai,Mensah,2009-09-09,male,black_african,none,no,no,,North,,,4010232137\n"
            + "C4,LN,Ava,Lee,2012-12-12,female,asian_chinese,care_leaver,,,,East,,,\n",
        "referrals.csv": "referral_id,child_id,received_on,source,decision,decided_on,destination,intervention_type\n"
            + "R1,C1,2024-01-02,police,accepted,2024-01-04,,prevention\nR2,C2,2024-02-01,school,screened_out,2024-02-03,early_help,\nR3,C4,2024-03-01,health,pending,,,\n",
        "offences.csv":
            "offence_id,child_id,offence_date,category,gravity,outcome,outcome_date\nO1,C1,2023-12-01,robbery,3,youth_caution,2024-01-01\nO2,C3,2024-02-02,drugs,,pending,\n",
        "interventions.csv":
            "intervention_id,child_id,type,start_date,end_date,case_manager,closure_reason\nI1,C1,prevention,2024-01-04,,worker@test.waypoint.test,\nI2,C3,diversion,2023-10-01,2024-01-01,,completed\n",
        "population.csv":
            "service_code,year,age,sex,ethnicity_group,count\nWF,2024,10,male,white,1200\nWF,2024,10,female,white,1150\nLN,2024,10,male,white,800\n",
        "care_episodes.csv":
            "episode_id,child_id,started_on,ended_on,legal_basis,responsible_authority,responsible_authority_name,placement_type,placement_area,placement_authority\n"
            + "E1,C1,2023-06-01,,care_order,other_authority,Blackpool,foster,in_area,\n"
            + "E2,C4,2018-01-01,2023-02-01,voluntary,this_authority,,childrens_home,out_of_area,Cumbria\n",
        "placement_offences.csv":
            "offence_id,child_id,police_called,protocol_followed,notes\nO1,C1,yes,no,\"Staff called the police, then regretted it\"\n",
        "exploitation_concerns.csv":
            "concern_id,child_id,identified_on,concern_type,details,nrm_referral,nrm_referred_on,nrm_decision,nrm_decision_on,closed_on\n"
            + "X1,C3,2024-01-10,county_lines,,yes,2024-01-12,awaiting,,\n",
        "achievements.csv":
            "achievement_id,child_id,title,achievement_type,awarding_body,level,achieved_on\nA1,C1,Food safety,unit_award,AQA Unit Award Scheme,Entry 3,2024-02-01\n",
        "disposal_panels.csv":
            "panel_id,service_code,held_on,place,member_police,member_youth_justice\nP1,WF,2024-01-01,Town hall,PS Fletcher,M Okafor\n",
        "panel_decisions.csv":
            "decision_id,panel_id,child_id,offence_id,screening,outcome,rationale,conditions\nD1,P1,C1,O1,First offence,youth_caution,Harm was significant,\n",
        "scrutiny_panels.csv": "scrutiny_id,service_code,held_on,sample_from,sample_to\nS1,WF,2024-03-01,2024-01-01,2024-02-29\n",
        "scrutiny_findings.csv": "scrutiny_id,decision_id,finding,learning\nS1,D1,appropriate_with_learning,Record the child's words\n"
    ]

    static func files(_ b: [String: String] = bundle) -> [String: Data] { b.mapValues { Data($0.utf8) } }

    static func counts(_ app: Application) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in ["services", "children", "referrals", "offences", "interventions", "population", "audit_events"] {
            out[t] = try await app.db.sql.raw(SQLQueryString("SELECT COUNT(*) AS n FROM \(unsafeRaw: t)")).first(decoding: Count.self)?.n
        }
        return out
    }

    static func worker(_ app: Application) async throws {
        let s = try await Fixtures.service(app, code: "TMP", name: "Temporary")
        try await Fixtures.user(app, .practitioner, email: "worker@test.waypoint.test", services: [s])
    }

    static func importAll(_ app: Application, _ files: [String: Data] = files(), dryRun: Bool = false) async throws -> Importer.Outcome {
        try await Importer.run(files, on: app.db, actor: actor, today: today, now: pinnedNow, dryRun: dryRun)
    }

    @Test(arguments: TestDatabase.all)
    func aBadBundleWritesNothingAndListsEveryProblem(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            let before = try await Self.counts(app)
            var b = Self.bundle
            b["children.csv"] =
                b["children.csv"]!
                + "C5,WF,Bad,Date,2010-13-01,male,white_british,none,,,,,,,\nC1,WF,Dup,Id,2010-01-01,male,white_british,none,,,,,,,\n"
            b["referrals.csv"] = b["referrals.csv"]! + "R4,C99,2024-03-01,police,pending,,,\n"
            guard case .invalid(let problems) = try await Self.importAll(app, Self.files(b)) else {
                Issue.record("expected problems"); return
            }
            #expect(
                problems.map(\.description) == [
                    "children.csv:7: date_of_birth: '2010-13-01' is not a real date in the form YYYY-MM-DD",
                    "children.csv:8: child_id: duplicate id 'C1' (first on line 2)",
                    "referrals.csv:5: child_id: no child with id 'C99' in children.csv or in Waypoint"
                ])
            #expect(try await Self.counts(app) == before)
        }
    }

    /// Each kind of bad input, on top of a valid bundle: refused, with the database unchanged.
    static var badInputs: [(String, (inout [String: Data]) -> Void, String)] {
        [
            ("missing file", { $0["children.csv"] = nil }, "children.csv: is missing: every bundle needs children.csv"),
            (
                "missing column", { $0["offences.csv"] = Data("offence_id,child_id,offence_date,category\n".utf8) },
                "offences.csv:1: outcome: required column is missing"
            ),
            (
                "unknown column", { $0["services.csv"] = Data("service_code,name,colour\nWF,W,red\n".utf8) },
                "services.csv:1: colour: unknown column (expected columns: service_code, name)"
            ),
            (
                "bad date",
                { $0["referrals.csv"] = Data("referral_id,child_id,received_on,source,decision\nR9,C1,02/01/2024,police,pending\n".utf8) },
                "referrals.csv:2: received_on: '02/01/2024' is not a real date in the form YYYY-MM-DD"
            ),
            (
                "unknown code",
                { $0["interventions.csv"] = Data("intervention_id,child_id,type,start_date\nI9,C1,boot_camp,2024-01-01\n".utf8) },
                "interventions.csv:2: type: unknown code 'boot_camp' (use one of prevention, turnaround, diversion, outcome_22, youth_caution, youth_conditional_caution, referral_order, youth_rehabilitation_order, detention_and_training_order, remand, bail_support)"
            ),
            (
                "duplicate id", { $0["services.csv"] = Data("service_code,name\nWF,A\nWF,B\n".utf8) },
                "services.csv:3: service_code: duplicate id 'WF' (first on line 2)"
            ),
            (
                "unknown child",
                {
                    $0["offences.csv"] = Data(
                        "offence_id,child_id,offence_date,category,outcome\nO9,NOPE,2024-01-01,robbery,pending\n".utf8)
                }, "offences.csv:2: child_id: no child with id 'NOPE' in children.csv or in Waypoint"
            ),
            (
                "invalid NHS number",
                {
                    $0["children.csv"] = Data(
                        "child_id,service_code,given_name,family_name,date_of_birth,nhs_number\nC1,WF,A,B,2010-01-01,1234567890\n".utf8)
                }, "children.csv:2: nhs_number: '1234567890' is not a valid NHS number (10 digits, check digit)"
            ),
            (
                "not UTF-8", { $0["children.csv"] = Data([0x63, 0x68, 0x69, 0x6C, 0x64, 0x5F, 0x69, 0x64, 0x0A, 0xC3, 0x28, 0x0A]) },
                "children.csv: the file is not UTF-8 text: save it as 'CSV UTF-8' and try again"
            ),
            (
                "formula cell", { $0["services.csv"] = Data("service_code,name\nWF,@SUM(1)\n".utf8) },
                "services.csv:2: name: begins with '@', which spreadsheet programs run as a formula: remove it"
            )
        ]
    }

    @Test(arguments: TestDatabase.all)
    func everyBadInputIsRefusedAndTheDatabaseIsUnchanged(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            let before = try await Self.counts(app)
            for (name, spoil, expected) in Self.badInputs {
                var files = Self.files()
                spoil(&files)
                guard case .invalid(let problems) = try await Self.importAll(app, files) else {
                    Issue.record("\(name): expected problems"); continue
                }
                #expect(problems.map(\.description).contains(expected), "\(name): \(problems.map(\.description))")
                #expect(try await Self.counts(app) == before, "\(name)")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func importingTwiceChangesNothingAndAChangedRowIsUpdatedAndAudited(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            guard case .imported(let first) = try await Self.importAll(app) else { Issue.record("first import failed"); return }
            #expect(
                first.lines == [
                    "services.csv: 2 created, 0 updated, 0 unchanged", "children.csv: 4 created, 0 updated, 0 unchanged",
                    "referrals.csv: 3 created, 0 updated, 0 unchanged", "offences.csv: 2 created, 0 updated, 0 unchanged",
                    "interventions.csv: 2 created, 0 updated, 0 unchanged", "care_episodes.csv: 2 created, 0 updated, 0 unchanged",
                    "placement_offences.csv: 1 created, 0 updated, 0 unchanged",
                    "exploitation_concerns.csv: 1 created, 0 updated, 0 unchanged",
                    "achievements.csv: 1 created, 0 updated, 0 unchanged", "disposal_panels.csv: 1 created, 0 updated, 0 unchanged",
                    "panel_decisions.csv: 1 created, 0 updated, 0 unchanged", "scrutiny_panels.csv: 1 created, 0 updated, 0 unchanged",
                    "scrutiny_findings.csv: 1 created, 0 updated, 0 unchanged", "population.csv: 3 created, 0 updated, 0 unchanged"
                ])
            let after = try await Self.counts(app)
            guard case .imported(let second) = try await Self.importAll(app) else { Issue.record("second import failed"); return }
            #expect(second.lines.allSatisfy { $0.contains(" 0 created, 0 updated") })
            #expect(try await Self.counts(app) == after)

            var b = Self.bundle
            b["children.csv"] = b["children.csv"]!.replacingOccurrences(
                of: "C3,WF,Kai,Mensah,2009-09-09,male,black_african,none,no,no,,North",
                with: "C3,WF,Kai,Mensah,2009-09-09,male,black_african,none,no,yes,,South")
            b["offences.csv"] = b["offences.csv"]!.replacingOccurrences(
                of: "O2,C3,2024-02-02,drugs,,pending,", with: "O2,C3,2024-02-02,drugs,2,referral_order,2024-03-20")
            guard case .imported(let third) = try await Self.importAll(app, Self.files(b)) else {
                Issue.record("third import failed"); return
            }
            #expect(third.lines.contains("children.csv: 0 created, 1 updated, 3 unchanged"))
            #expect(third.lines.contains("offences.csv: 0 created, 1 updated, 1 unchanged"))
            let audit = try await AuditRows.all(app)
            let childUpdate = try #require(audit.first { $0.action == "update_child" })
            #expect(childUpdate.details?.contains(#""field":"ehcp","from":"no","to":"yes""#) == true)
            #expect(childUpdate.details?.contains(#""field":"district","from":"North","to":"South""#) == true)
            #expect(
                audit.contains {
                    $0.action == "import_update_offences" && $0.details?.contains("outcome: pending → referral_order") == true
                })
            let n = try await Self.counts(app)
            #expect(n["children"] == after["children"] && n["offences"] == after["offences"])
        }
    }

    @Test(arguments: TestDatabase.all)
    func aDryRunReportsButWritesNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            let before = try await Self.counts(app)
            guard case .imported(let report) = try await Self.importAll(app, dryRun: true) else { Issue.record("dry run failed"); return }
            #expect(report.lines.contains("children.csv: 4 created, 0 updated, 0 unchanged"))
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test(arguments: TestDatabase.all)
    func exportImportExportGivesTheSameFiles(db: TestDatabase) async throws {
        var firstExport: [(String, Data)] = []
        try await withTestApp(db) { app in
            try await Self.worker(app)
            guard case .imported = try await Self.importAll(app) else { Issue.record("import failed"); return }
            // A child added through the register (no external id) travels too.
            try await Fixtures.user(app, .manager, services: [try await ServiceMoves.service(code: "WF", on: app.db)!])
            let m = TestClient(app)
            try await m.signIn("manager@test.waypoint.test")
            _ = try await Fixtures.addChild(m, given: "Added", family: "ByHand", [("postcode", "")])
            firstExport = try await Exporter.run(serviceCode: nil, on: app.db).filter { $0.0 != "services.csv" || true }
            // Imported back where it came from, the export changes nothing: records made here
            // (no external id) are matched by Waypoint's own id, as exported.
            guard case .imported(let back) = try await Self.importAll(app, Dictionary(uniqueKeysWithValues: firstExport)) else {
                Issue.record("re-import failed"); return
            }
            #expect(back.lines.allSatisfy { $0.contains(" 0 created, 0 updated") }, "\(back.lines)")
        }
        let children = String(decoding: firstExport.first { $0.0 == "children.csv" }!.1, as: UTF8.self)
        #expect(children.hasPrefix("\u{FEFF}child_id,service_code,"))
        #expect(children.contains("\"Mary\nAnne\",\"O'Brien, Jr\""))
        try await withTestApp(db) { app in
            // The empty target needs the services and the case manager before the records.
            let services = Dictionary(uniqueKeysWithValues: firstExport)["services.csv"]!
            let emptyChildren = Data("child_id,service_code,given_name,family_name,date_of_birth\n".utf8)
            guard case .imported = try await Self.importAll(app, ["services.csv": services, "children.csv": emptyChildren]) else {
                Issue.record("services import failed"); return
            }
            let wf = try await ServiceMoves.service(code: "WF", on: app.db)!
            try await Fixtures.user(app, .practitioner, email: "worker@test.waypoint.test", services: [wf])
            let zipped = try BundleIO.zip(firstExport)
            guard case .imported = try await Self.importAll(app, try BundleIO.readZip(zipped)) else {
                Issue.record("round-trip import failed"); return
            }
            let second = try await Exporter.run(serviceCode: nil, on: app.db)
            #expect(second.map(\.0) == firstExport.map(\.0))
            for ((name, a), (_, b)) in zip(firstExport, second) {
                #expect(a == b, "\(name) differs:\n\(String(decoding: a, as: UTF8.self))\n---\n\(String(decoding: b, as: UTF8.self))")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func splittingAndMergingServicesKeepsEveryRecordAndAudits(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            guard case .imported = try await Self.importAll(app) else { Issue.record("import failed"); return }
            let wf = try await ServiceMoves.service(code: "WF", on: app.db)!
            let ln = try await ServiceMoves.service(code: "LN", on: app.db)!
            func perService(_ table: String) async throws -> [String: Int] {
                struct R: Decodable { let code: String; let n: Int }
                let rows = try await app.db.sql.raw(
                    SQLQueryString(
                        "SELECT s.code AS code, COUNT(*) AS n FROM \(unsafeRaw: table) t JOIN services s ON s.id = t.service_id GROUP BY s.code"
                    )
                ).all(decoding: R.self)
                return Dictionary(uniqueKeysWithValues: rows.map { ($0.code, $0.n) })
            }
            #expect(try await perService("children") == ["WF": 3, "LN": 1])
            // C1's youth caution (1 January 2024) makes them a first time entrant in Q1 2024.
            let q1 = ReportPeriod(from: LocalDate(year: 2024, month: 1, day: 1)!, to: LocalDate(year: 2024, month: 3, day: 31)!)!
            func fte(_ code: String) async throws -> [String] {
                let out = try await ReportRunner.run("first-time-entrants", period: q1, serviceCode: code, on: app.db)
                return out.labels(out.rows.first { $0.breakdown == "all" && $0.measure == "first_time_entrants" }!)!
            }
            #expect(try await fte("WF") == ["C1"])
            #expect(try await fte("LN") == [])
            // Split: the North district of WF becomes the new service NB.
            let north = try await ServiceMoves.select(from: wf.id!, districts: ["north"], ids: [], on: app.db)
            #expect(north.count == 2)
            let dry = try await ServiceMoves.count(north, on: app.db)
            #expect(
                dry.lines == [
                    "children: 2", "referrals: 1", "interventions: 2", "offences: 2", "court_hearings: 0", "case_consultations: 0",
                    "care_episodes: 1", "placement_offences: 1", "exploitation_concerns: 1", "achievements: 1", "panel_decisions: 1"
                ])
            #expect(try await perService("children") == ["WF": 3, "LN": 1])  // counting moves nothing
            try await app.db.transaction { db in
                let nb = Service(code: "NB", name: "Northbrook YJS")
                try await nb.create(on: db)
                try await ServiceMoves.move(
                    north, to: nb.id!, reason: "local government reorganisation", actor: Self.actor, on: db, now: pinnedNow)
            }
            #expect(try await perService("children") == ["WF": 1, "NB": 2, "LN": 1])
            #expect(try await perService("offences") == ["NB": 2])
            #expect(try await perService("interventions") == ["NB": 2])
            #expect(try await perService("referrals") == ["NB": 1, "WF": 1, "LN": 1])
            #expect(try await AuditRows.actions(app).filter { $0 == "transfer_child" }.count == 2)
            #expect(try await fte("NB") == ["C1"])  // the figure follows the child…
            #expect(try await fte("WF") == [])  // …and leaves the old service

            // Merge LN into WF: everything moves, LN is removed.
            let counts = try await app.db.transaction { db in
                try await ServiceMoves.merge(from: ln, into: wf, actor: Self.actor, on: db, now: pinnedNow)
            }
            #expect(counts.children == 1)
            #expect(try await perService("children") == ["WF": 2, "NB": 2])
            #expect(try await perService("population") == ["WF": 2])  // 10-year-old white boys: 1200 + 800
            struct P: Decodable { let count: Int }
            let boys = try await app.db.sql.raw("SELECT count FROM population WHERE sex = 'male'").all(decoding: P.self)
            #expect(boys.map(\.count) == [2000])
            #expect(try await ServiceMoves.service(code: "LN", on: app.db) == nil)
            #expect(try await AuditRows.actions(app).contains("merge_services"))
            #expect(try await fte("NB") == ["C1"])
            let merged = try await ReportRunner.run("first-time-entrants", period: q1, serviceCode: "WF", on: app.db)
            #expect(merged.rows.first { $0.measure == "fte_rate_per_100k" } != nil)  // WF has population for 2024 after the merge
        }
    }

    @Test(arguments: TestDatabase.all)
    func aManagerTransfersAChildAndTheReceivingServiceSeesTheHistory(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let west = try await Fixtures.service(app, code: "WF", name: "Westfield")
            let east = try await Fixtures.service(app, code: "EF", name: "Eastfield")
            try await Fixtures.user(app, .manager, services: [west])
            try await Fixtures.user(app, .practitioner, services: [east])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let child = try await Fixtures.addChild(manager, given: "Moving", family: "Family")
            let c = child.uuidString.lowercased()
            _ = try await manager.post(
                "/children/\(c)/offences",
                [
                    ("offence-day", "1"), ("offence-month", "2"), ("offence-year", "2024"),
                    ("category", "burglary"), ("outcome", "pending")
                ])
            try await manager.get("/children/\(c)/transfer")
            let bad = try await manager.post("/children/\(c)/transfer", [("service_id", ""), ("reason", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Select the service the child is moving to"))
            let done = try await manager.post(
                "/children/\(c)/transfer", [("service_id", east.id!.uuidString), ("reason", "Family moved to Eastfield")])
            #expect(done.status == .ok)
            #expect(done.body.contains("has been transferred"))
            #expect(try await manager.get("/children/\(c)").status == .notFound)
            let eastWorker = TestClient(app)
            try await eastWorker.signIn("practitioner@test.waypoint.test")
            // The child is not allocated to the receiving practitioner yet: they say why they need the record first.
            let asked = try await eastWorker.get("/children/\(c)")
            #expect(asked.status == .seeOther)
            #expect(asked.headers.first(name: .location)?.hasPrefix("/children/\(c)/access") == true)
            try await eastWorker.get("/children/\(c)/access")
            #expect(
                try await eastWorker.post(
                    "/children/\(c)/access", [("reason", "Taking over the case after the transfer"), ("next", "/children/\(c)")]
                ).status == .seeOther)
            let record = try await eastWorker.get("/children/\(c)")
            #expect(record.status == .ok)
            #expect(record.body.contains("Offence: Burglary"))
            #expect(
                try await AuditRows.all(app).contains {
                    $0.action == "transfer_child" && $0.details?.contains("Family moved to Eastfield") == true
                })
        }
    }

    @Test(arguments: TestDatabase.all)
    func theWebUploadChecksEverythingAndExportDownloadsAZip(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await Self.worker(app)
            // Case data moves within a manager's own services (admins have no case access).
            var mine: [Service] = []
            for (code, name) in [("WF", "Westfield YJS"), ("LN", "Lakeside YJS"), ("S001", "Synthetic")] {
                mine.append(try await Fixtures.service(app, code: code, name: name))
            }
            try await Fixtures.user(app, .manager, services: mine)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("manager@test.waypoint.test")
            // Then through a real server on loopback, where a large upload arrives as a stream.
            // (Its client follows redirects, so signing in happens in memory: the session is in the database.)
            admin.transport = .running(hostname: "127.0.0.1", port: TestPorts.free())
            try await admin.get("/data")
            func upload(_ zip: Data, name: String = "bundle.zip", dryRun: Bool = false) async throws -> TestClient.Page {
                let boundary = "----waypoint-test"
                var body = Data()
                func part(_ header: String, _ content: Data) {
                    body += Data("--\(boundary)\r\n\(header)\r\n\r\n".utf8) + content + Data("\r\n".utf8)
                }
                part("Content-Disposition: form-data; name=\"_csrf\"", Data(admin.csrf.utf8))
                if dryRun { part("Content-Disposition: form-data; name=\"dry_run\"", Data("yes".utf8)) }
                part("Content-Disposition: form-data; name=\"bundle\"; filename=\"\(name)\"\r\nContent-Type: application/zip", zip)
                body += Data("--\(boundary)--\r\n".utf8)
                return try await admin.raw(.POST, "/data/import", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
            }
            var bad = Self.bundle
            bad["children.csv"] = bad["children.csv"]! + "C9,WF,=cmd,Evil,2010-01-01,male,white_british,none,,,,,,,\n"
            let refused = try await upload(try BundleIO.zip(bad.map { ($0.key, Data($0.value.utf8)) }))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("children.csv:7: given_name: begins with &#39;=&#39;"))  // line 7: "Mary\nAnne" spans two lines
            #expect(try await Self.counts(app)["children"] == 0)
            // A large, valid bundle (well over one network read) is read in full.
            let big = SyntheticBundle.make(children: 3_000, services: 1, today: Self.today)
            let bigZip = try BundleIO.zip(big.map { ($0.0, $0.1) })
            #expect(bigZip.count > 100_000)
            let bigDry = try await upload(bigZip, dryRun: true)
            #expect(bigDry.status == .ok)
            #expect(bigDry.body.contains("children.csv: 3000 created, 0 updated, 0 unchanged"))
            let notZip = try await upload(Data("hello".utf8), name: "bundle.zip")
            #expect(notZip.body.contains("not a readable .zip archive"))
            let ok = try await upload(try BundleIO.zip(Self.bundle.map { ($0.key, Data($0.value.utf8)) }))
            #expect(ok.status == .ok)
            #expect(ok.body.contains("children.csv: 4 created, 0 updated, 0 unchanged"))
            // The planner's statistics are taken after an import (not after a dry run: it wrote nothing).
            #expect(try await DemoTests.childrenCountedByThePlanner(app) == 4)
            let download = try await admin.get("/data/export?service=WF")
            #expect(download.headers.contentType?.description == "application/zip")
            let files = try BundleIO.readZip(admin.lastBytes)
            #expect(String(decoding: files["children.csv"]!, as: UTF8.self).contains("C1,WF,Jo,Smith"))
            // A practitioner may not import; an admin has no case data to import or export.
            let p = TestClient(app)
            try await p.signIn("worker@test.waypoint.test")
            #expect(try await p.get("/data").status == .forbidden)
            let a = TestClient(app)
            try await a.signIn("admin@test.waypoint.test")
            #expect(try await a.get("/data").status == .forbidden)
            #expect(try await a.get("/data/export?service=WF").status == .forbidden)
        }
    }

    /// A manager of service A cannot write into service B through an import: a row naming a child
    /// who exists only in B is refused whole, nothing is written, and the message is the one a
    /// child who exists nowhere gets (no hint that the id exists elsewhere), dry run or not.
    @Test(arguments: TestDatabase.all)
    func aManagerCannotImportIntoAnotherServicesChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let a = try await Fixtures.service(app, code: "AA", name: "Service A")
            let b = try await Fixtures.service(app, code: "BB", name: "Service B")
            try await Fixtures.user(app, .manager, services: [a])
            try await Fixtures.user(app, .manager, email: "manager-b@test.waypoint.test", services: [b])
            // B's manager holds child B1.
            let bManager = TestClient(app)
            try await bManager.signIn("manager-b@test.waypoint.test")
            guard
                case .imported = try await Importer.run(
                    Self.files([
                        "children.csv":
                            "child_id,service_code,given_name,family_name,date_of_birth,sex,ethnicity\nB1,BB,Bo,Bee,2010-01-01,male,white_british\n"
                    ]),
                    on: app.db, actor: Self.actor, today: Self.today, now: pinnedNow, dryRun: false)
            else {
                Issue.record("setting up service B failed"); return
            }
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            try await manager.get("/data")
            func upload(_ files: [String: String], dryRun: Bool) async throws -> TestClient.Page {
                let boundary = "----waypoint-scope"
                var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(manager.csrf)\r\n".utf8)
                if dryRun { body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\nyes\r\n".utf8) }
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"b.zip\"\r\n\r\n".utf8)
                body += try BundleIO.zip(files.map { ($0.key, Data($0.value.utf8)) }) + Data("\r\n--\(boundary)--\r\n".utf8)
                return try await manager.raw(.POST, "/data/import", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
            }
            let header = "child_id,service_code,given_name,family_name,date_of_birth,sex,ethnicity\n"
            let before = try await Self.counts(app)
            for file in ["offences.csv", "referrals.csv", "interventions.csv"] {
                let row: String =
                    switch file {
                    case "offences.csv":
                        "offence_id,child_id,offence_date,category,gravity,outcome,outcome_date\nO9,%@,2024-01-01,robbery,3,youth_caution,2024-02-01\n"
                    case "referrals.csv":
                        "referral_id,child_id,received_on,source,decision,decided_on,destination,intervention_type\nR9,%@,2024-01-02,police,pending,,,\n"
                    default:
                        "intervention_id,child_id,type,start_date,end_date,case_manager,closure_reason\nI9,%@,prevention,2024-01-04,,,\n"
                    }
                for dry in [true, false] {
                    let elsewhere = try await upload(
                        ["children.csv": header, file: row.replacingOccurrences(of: "%@", with: "B1")], dryRun: dry)
                    let nowhere = try await upload(
                        ["children.csv": header, file: row.replacingOccurrences(of: "%@", with: "Z1")], dryRun: dry)
                    #expect(elsewhere.status == .unprocessableEntity, "\(file) dry \(dry)")
                    #expect(elsewhere.body.contains("no child with id &#39;B1&#39; in children.csv or in Waypoint"), "\(file) dry \(dry)")
                    // (The token goes first: a random token may itself contain "B1".)
                    #expect(
                        elsewhere.body.replacingOccurrences(of: manager.csrf, with: "").replacingOccurrences(of: "'B1'", with: "'Z1'")
                            .replacingOccurrences(of: "&#39;B1&#39;", with: "&#39;Z1&#39;")
                            == nowhere.body.replacingOccurrences(of: manager.csrf, with: ""),
                        "the same answer as for an id that exists nowhere")
                }
            }
            #expect(try await Self.counts(app).filter { $0.key != "audit_events" } == before.filter { $0.key != "audit_events" })
            // A bundle that names service B is refused whole, too.
            let named = try await upload(["children.csv": header + "N1,BB,No,Body,2010-01-01,male,white_british\n"], dryRun: false)
            #expect(named.status == .forbidden)
            #expect(try await Self.counts(app)["children"] == before["children"])
        }
    }

    @Test func aHugeFileIsRefusedBeforeItIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wp-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("children.csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 600 * 1_048_576)  // sparse: 600 MB without writing it
        try handle.close()
        #expect { try BundleIO.read(path: dir.path) } throws: { error in
            "\(error)"
                == "children.csv: the file is 600.0 MB, more than the 512.0 MB limit for one file; split the bundle by service, or raise the limit with --max-file-mb"
        }
    }
}
