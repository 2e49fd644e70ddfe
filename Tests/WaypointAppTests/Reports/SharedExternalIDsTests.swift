import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// domain.md, "Rules that span reports": a child is a record, not an external id. Two services
/// whose legacy systems number children alike ("C00001"…) each hold their own children; every
/// report over both counts each of them, and lists each once with its service.
@Suite struct SharedExternalIDsTests {
    /// The demo service, and a second service "XS" imported from the demo's own bundle with only
    /// the service code changed: every XS child shares an external id with a demo child.
    /// `population`: whether XS gets population figures too.
    static func twoServices(_ app: Application, population: Bool) async throws -> LocalDate {
        let today = LocalDate(year: 2024, month: 3, day: 27)!
        _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
        var files: [String: Data] = [:]
        for (name, data) in try await Exporter.run(serviceCode: DemoData.serviceCode, on: app.db) {
            if name == Interchange.population.name && !population { continue }
            // The service code is a whole cell: first in services.csv and population.csv, second in children.csv.
            let text = String(decoding: data, as: UTF8.self)
                .replacingOccurrences(of: "\r\n\(DemoData.serviceCode),", with: "\r\nXS,")
                .replacingOccurrences(of: ",\(DemoData.serviceCode),", with: ",XS,")
            files[name] = Data(text.utf8)
        }
        let outcome = try await Importer.run(
            files, on: app.db, actor: Agent.commandLine("test", now: pinnedNow), today: today, now: pinnedNow, dryRun: false)
        guard case .imported = outcome else { Issue.record("the copy did not import: \(outcome)"); return today }
        return today
    }

    /// Each count row's children as "service external-id", a child once per record counted.
    static func pairs(_ out: ReportRunner.Output, _ row: ReportRow) -> [String] {
        row.recordsByChild.flatMap { key, n in
            repeatElement("\(out.children[key]?.service ?? "?") \(out.children[key]?.label ?? key)", count: n)
        }.sorted()
    }

    @Test(arguments: TestDatabase.all)
    func everyReportCountsBothServicesChildrenWhoShareExternalIDs(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = try await Self.twoServices(app, population: true)
            struct N: Decodable { let n: Int }
            let shared =
                try await app.db.sql.raw(
                    "SELECT COUNT(*) AS n FROM children a JOIN children b ON a.external_id = b.external_id AND a.service_id <> b.service_id"
                )
                .first(decoding: N.self)?.n ?? 0
            #expect(shared > 100, "the two services share external ids")
            let period = ReportPeriod(from: LocalDate(year: 2023, month: 4, day: 1)!, to: today)!
            var checked = 0
            for d in ReportCatalogue.all {
                let demo = try await ReportRunner.run(d.name, period: period, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                let xs = try await ReportRunner.run(d.name, period: period, serviceCode: "XS", today: today, on: app.db)
                let both = try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: today, on: app.db)
                func row(_ o: ReportRunner.Output, _ r: ReportRow) -> ReportRow? {
                    o.rows.first { $0.measure == r.measure && $0.breakdown == r.breakdown && $0.group == r.group }
                }
                // Every count over both services is the two services' counts added, child for child,
                // and lists each child with its own service.
                for r in both.rows where r.children != nil {
                    let expected = ((row(demo, r).map { Self.pairs(demo, $0) } ?? []) + (row(xs, r).map { Self.pairs(xs, $0) } ?? []))
                        .sorted()
                    #expect(Self.pairs(both, r) == expected, "\(d.name) \(r.measure) \(r.breakdown)=\(r.group)")
                    #expect(
                        r.value == (row(demo, r)?.value ?? 0) + (row(xs, r)?.value ?? 0), "\(d.name) \(r.measure) \(r.breakdown)=\(r.group)"
                    )
                    checked += 1
                }
                // …and no count of one service is missing from the run over both.
                for o in [demo, xs] {
                    for r in o.rows where r.children != nil && r.value > 0 {
                        #expect(row(both, r) != nil, "\(d.name) \(r.measure) \(r.breakdown)=\(r.group) over both services")
                    }
                }
                // The copy is the demo's bundle: its figures from those records are the demo's.
                if [FirstTimeEntrants.name, Reoffending.name, "offence-profile", "disproportionality", Screening.name].contains(d.name) {
                    #expect(xs.rows.map(\.formatted) == demo.rows.map(\.formatted), "\(d.name): XS = DEMO")
                    for (a, b) in zip(xs.rows, demo.rows) { #expect(xs.labels(a) == demo.labels(b), "\(d.name) \(a.measure) children") }
                    // Over both: each of the demo's children twice, once per service.
                    for r in both.rows where r.children != nil {
                        #expect(
                            both.labels(r) == row(demo, r).flatMap { demo.labels($0) }.map { ($0 + $0).sorted() },
                            "\(d.name) \(r.measure) \(r.breakdown)=\(r.group)")
                    }
                }
            }
            #expect(checked > 200)
            // The rate over both services: both services' entrants over both populations.
            let fte = try await ReportRunner.run(FirstTimeEntrants.name, period: period, serviceCodes: nil, today: today, on: app.db)
            let demoFTE = try await ReportRunner.run(
                FirstTimeEntrants.name, period: period, serviceCode: DemoData.serviceCode, today: today, on: app.db)
            let count = try #require(fte.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }).value
            #expect(count == 2 * (demoFTE.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }?.value ?? -1))
            #expect(
                fte.rows.first { $0.measure == "fte_rate_per_100k" }?.value
                    == demoFTE.rows.first { $0.measure == "fte_rate_per_100k" }?.value)
            // The command's JSON lists a shared id twice, one entry per child.
            let json = fte.json
            let first = try #require(fte.labels(fte.rows[0])?.first)
            #expect(json.contains("\"children\": [\"\(first)\", \"\(first)\""))
        }
    }

    /// The drill-down lists exactly the children behind the figure, in the report's own services,
    /// each once, with its service.
    @Test(arguments: TestDatabase.all)
    func drillDownsListEachChildOnceWithItsService(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = try await Self.twoServices(app, population: true)
            // The demo manager works in both services.
            struct U: Decodable { let id: UUID }
            let manager = try #require(
                try await app.db.sql.select().column("id").from("users").where("email", .equal, DemoData.email(for: .manager)).first(
                    decoding: U.self))
            let xs = try #require(try await ServiceMoves.service(code: "XS", on: app.db))
            try await app.db.sql.insert(into: "user_services").columns("id", "user_id", "service_id").values(
                SQLBind(UUID()), SQLBind(manager.id), SQLBind(xs.id!)
            ).run()
            let client = TestClient(app)
            try await client.signIn(DemoData.email(for: .manager))
            let period = ReportPeriod(from: LocalDate(year: 2023, month: 4, day: 1)!, to: today)!
            let query = "from-day=1&from-month=4&from-year=2023&to-day=27&to-month=3&to-year=2024"
            var auditedSoFar = 0
            for (service, codes) in [("", ["DEMO", "XS"]), ("DEMO", ["DEMO"]), ("XS", ["XS"])] {
                let out = try await ReportRunner.run(FirstTimeEntrants.name, period: period, serviceCodes: codes, today: today, on: app.db)
                let r = try #require(out.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" })
                let csv = try await client.get(
                    "/reports/first-time-entrants/children?\(query)&service=\(service)&measure=first_time_entrants&breakdown=all&group=all&format=csv"
                )
                #expect(csv.status == .ok)
                let lines = csv.body.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                #expect(lines.count == Int(r.value), "\(codes): the list is as long as its figure")
                let listed = lines.map { "\($0[7]) \($0[0])" }.sorted()
                #expect(listed == Self.pairs(out, r), "\(codes): the children behind the figure, each with its service")
                #expect(Set(listed).count == listed.count)
                // Each child the download shows is on that child's own audit record, once.
                let audited = try await AuditRows.all(app).filter { row in
                    guard row.action == "view_report_children", let d = row.details, d.hasSuffix(" (csv)"),
                        let r = d.range(of: " services ")
                    else { return false }
                    return Set(d[r.upperBound...].dropLast(6).split(separator: " ").map(String.init)) == Set(codes)
                }
                #expect(audited.count == lines.count, "one audit entry per child shown")
                #expect(Set(audited.compactMap { $0.child_id?.uuidString.lowercased() }) == Set(r.children ?? []))
                auditedSoFar += audited.count
            }
            #expect(auditedSoFar > 0)
        }
    }

    /// domain.md, "Population coverage": a rate over several services only when every one of them
    /// has population figures for the year; otherwise no rate, and the note names those without.
    @Test(arguments: TestDatabase.all)
    func aRateOverSeveralServicesNeedsEveryServicesPopulation(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = try await Self.twoServices(app, population: false)
            let period = ReportPeriod(from: LocalDate(year: 2023, month: 4, day: 1)!, to: today)!
            for (name, rate) in [
                (FirstTimeEntrants.name, "fte_rate_per_100k"), (Custody.name, "custody_rate_per_1000"),
                ("disproportionality", "population_share")
            ] {
                let demo = try await ReportRunner.run(name, period: period, serviceCode: DemoData.serviceCode, today: today, on: app.db)
                #expect(demo.rows.contains { $0.measure == rate }, "\(name): the demo service has its population")
                let both = try await ReportRunner.run(name, period: period, serviceCodes: nil, today: today, on: app.db)
                #expect(!both.rows.contains { $0.measure == rate || $0.measure == "ratio" }, "\(name): no rate over both services")
                #expect(both.notes.contains { $0.contains("No population figures for 2023 for XS") }, "\(name): \(both.notes)")
            }
        }
    }
}
