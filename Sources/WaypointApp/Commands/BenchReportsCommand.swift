import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// `waypoint bench-reports --from --to [--seed-contacts N] [--sqlite3 PATH]`: times every report
/// over all services for the period, as `waypoint report` runs them, and prints the figures. On
/// SQLite it also times the first-time-entrant count done directly by the sqlite3 shell on the
/// same file, checks both give the same count, and prints our time as a ratio of it.
struct BenchReportsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "First day (YYYY-MM-DD)") var from: String?
        @Option(name: "to", help: "Last day (YYYY-MM-DD)") var to: String?
        @Option(name: "seed-contacts", help: "Add this many weekly contacts per intervention first, if there are no contacts yet")
        var seedContacts: String?
        @Option(name: "sqlite3", help: "The sqlite3 shell to compare with (default: sqlite3)") var sqlite3: String?
        @Option(name: "only", help: "Time only these reports (names separated by commas; default: every report)")
        var only: String?
        @Flag(name: "seed-only", help: "Only add the contacts; time nothing (time in a fresh process: seeding leaves a large heap behind)")
        var seedOnly: Bool
        init() {}
    }
    var help: String { "Time every report over all services (benchmark)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let from = signature.from.flatMap(LocalDate.init(iso:)), let to = signature.to.flatMap(LocalDate.init(iso:)),
            let period = ReportPeriod(from: from, to: to)
        else { throw ExitError(message: "give --from and --to as YYYY-MM-DD, in order") }
        try await migrate(app)
        let db = app.db
        let spare = app.reportCompanion(besides: db)
        if signature.seedOnly {
            let staff = try await Self.seedStaff(on: db, now: Date())
            context.console.print(
                "Seeded \(staff.workers) case managers in \(staff.teams) teams, \(staff.allocations) allocations, \(staff.moves) team moves, \(staff.transfers) transfers"
            )
        }
        if let n = signature.seedContacts.flatMap(Int.init), n > 0 {
            let seeded = try await Self.seedContacts(perIntervention: n, on: db)
            context.console.print("Seeded \(seeded) contacts")
        }
        if signature.seedOnly { return }
        if db.sql.dialect.name == "postgresql" {
            // A settled database, as PostgreSQL's autovacuum leaves one some time after a bulk load:
            // every page marked all-visible, so that reads through an index need not visit the table
            // (after seeding, a national scope's index read fetched 140,000 rows from the table; the
            // reports took about a tenth longer). Quick when nothing has changed since.
            let t0 = DispatchTime.now().uptimeNanoseconds
            try await db.sql.raw("VACUUM (ANALYZE)").run()
            context.console.print("Settled (VACUUM ANALYZE) in \((DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000) ms")
        }
        struct N: Decodable { let n: Int }
        for table in ["services", "children", "referrals", "interventions", "offences", "contacts"] {
            let n =
                try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first(decoding: N.self)?.n
                ?? 0
            context.console.print("\(table): \(n)")
        }
        // One service's report too (the first by code): a service's own figures have a target of their own.
        struct Code: Decodable { let code: String }
        let one = try await db.sql.select().column("code").from("services").orderBy("code").limit(1).first(decoding: Code.self)?.code
        context.console.print(
            "Period \(from.iso) to \(to.iso), all services\(one.map { ", and service \($0) alone" } ?? ""). Each report run twice; the second (warm) time is the one that counts (over every service it takes each child's rows as the first read them, where the child's records have not changed since: ReportRowCache); \"cpu ms\" is the processor time this process spent on it."
        )
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            left ? s.padding(toLength: n, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, n - s.count)) + s
        }
        context.console.print(
            pad("report", 22, left: true) + pad("first ms", 10) + pad("warm ms", 10) + pad("cpu ms", 8) + pad("rows", 8)
                + (one.map { pad("\($0) first", 12) + pad("\($0) warm", 11) } ?? ""))
        var fteWarm = 0.0
        var differing: [String] = []
        var fteCount = -1
        let only = signature.only.map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        if let only, let unknown = only.first(where: { ReportCatalogue.named($0) == nil }) {
            throw ExitError(message: "unknown report '\(unknown)'; available: \(ReportRunner.available.joined(separator: ", "))")
        }
        for d in ReportCatalogue.all where only?.contains(d.name) ?? true {
            var times: [Double] = []
            var cpu = 0.0
            var out: ReportRunner.Output?
            for _ in 0..<2 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let c0 = Self.processorMilliseconds()
                out = try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: to, on: db, alongside: spare)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
                cpu = Self.processorMilliseconds() - c0
            }
            // The warm run took kept rows: it must give what a run that reads everything gives.
            let plain = try await ReportRowCache.$keeping.withValue(false) {
                try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: to, on: db, alongside: spare)
            }
            if plain.json != out?.json { differing.append(d.name) }
            if d.name == FirstTimeEntrants.name {
                fteWarm = times[1]
                fteCount = Int(out?.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }?.value ?? -1)
            }
            var alone: [Double] = []
            if let one {
                for _ in 0..<2 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try await ReportRunner.run(d.name, period: period, serviceCodes: [one], today: to, on: db, alongside: spare)
                    alone.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
                }
            }
            context.console.print(
                pad(d.name, 22, left: true) + pad(String(Int(times[0].rounded())), 10) + pad(String(Int(times[1].rounded())), 10)
                    + pad(String(Int(cpu.rounded())), 8) + pad(String(out?.rows.count ?? 0), 8)
                    + alone.map { pad(String(Int($0.rounded())), 11) }.joined())
        }
        context.console.print(
            differing.isEmpty
                ? "Each warm run's figures and children (JSON) equal a run's that reads everything."
                : "THE WARM RUNS OF \(differing.joined(separator: ", ")) DIFFER FROM A RUN THAT READS EVERYTHING")
        // What a national run costs when some children's records have changed since the last: the
        // interventions of 1,000 children written again (as they were: the figures do not change,
        // but each child's number moves, `M0044_ReportVersions`), then kpis run once.
        if only?.contains("kpis") ?? true, let kpis = ReportCatalogue.named("kpis") {
            struct C: Decodable { let child_id: UUID }
            let changed = try await db.sql.select().distinct().column("child_id").from("interventions").orderBy("child_id").limit(1_000)
                .all(decoding: C.self).map(\.child_id)
            if !changed.isEmpty {
                try await db.sql.update("interventions").set("closure_reason", to: SQLColumn("closure_reason"))
                    .where("child_id", .in, SQLBind.group(changed)).run()
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try await ReportRunner.run(kpis.name, period: period, serviceCodes: nil, today: to, on: db, alongside: spare)
                let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000
                let read = try await ReportRowCache.cache(on: db)?.lastRead ?? 0
                context.console.print(
                    "kpis after \(changed.count) children's interventions were written again: \(Int(ms.rounded())) ms (\(read) children read again)"
                )
            }
        }
        // (The shell's comparison is of the first-time-entrant count, so only when that report ran.)
        if case .sqliteFile(let path) = app.settings.database, only?.contains(FirstTimeEntrants.name) ?? true {
            let sql = Self.fteSQL(period)
            var best = Double.infinity
            var answer = ""
            for _ in 0..<2 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                answer = try Self.shell(signature.sqlite3 ?? "sqlite3", [path, sql])
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
            }
            context.console.print(
                "sqlite3 first-time-entrants count: \(answer) in \(String(format: "%.0f", best)) ms (ours: \(fteCount) in \(String(format: "%.0f", fteWarm)) ms)"
            )
            context.console.print(
                "Ratio ours ÷ sqlite3: \(String(format: "%.2f", fteWarm / best))\(answer == String(fteCount) ? "" : " — THE COUNTS DIFFER")"
            )
        }
    }

    /// The processor time the whole process has used so far (every thread, user and system), in
    /// milliseconds. A warm run's share of it is steadier than its clock time on a shared machine whose
    /// speed varies by a fifth or more from minute to minute; on PostgreSQL it leaves out the server's own work.
    static func processorMilliseconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }

    /// The same first-time-entrant count in one SQL statement, for the sqlite3 shell.
    static func fteSQL(_ p: ReportPeriod) -> String {
        """
        WITH entries AS (
          SELECT o.child_id, o.outcome_date,
                 ROW_NUMBER() OVER (PARTITION BY o.child_id ORDER BY o.outcome_date, o.offence_date) AS rn
          FROM offences o JOIN outcome_types t ON t.code = o.outcome JOIN children c ON c.id = o.child_id
          WHERE t.counts_as_entry = 1 AND o.outcome_date IS NOT NULL
            AND (CAST(substr(o.offence_date, 1, 4) AS INTEGER) - CAST(substr(c.date_of_birth, 1, 4) AS INTEGER)
                 - (substr(o.offence_date, 6, 5) < substr(c.date_of_birth, 6, 5))) BETWEEN 10 AND 17)
        SELECT COUNT(*) FROM entries WHERE rn = 1 AND outcome_date BETWEEN '\(p.from.iso)' AND '\(p.to.iso)';
        """
    }

    static func shell(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Teams, case managers and their history, as a service has them, if there are no allocations
    /// yet: each service two teams of six case managers; each intervention allocated on its start
    /// date, and one in five reallocated to another worker 60 days later while still open; one
    /// worker in each service moved to the other team on 1 October 2024; and one child in 200 with
    /// work open on 1 September 2024 transferred to the next service that day (`ServiceMoves.transfer`).
    static func seedStaff(on db: Database, now: Date) async throws -> (
        workers: Int, teams: Int, allocations: Int, moves: Int, transfers: Int
    ) {
        let sql = db.sql
        if try await sql.select().column("id").from("allocations").limit(1).first() != nil { return (0, 0, 0, 0, 0) }
        struct S: Decodable { let id: UUID; let code: String }
        let services = try await sql.select().columns("id", "code").from("services").orderBy("code").all(decoding: S.self)
        var workers: [UUID: [(id: UUID, team: Int)]] = [:], teams: [UUID: [UUID]] = [:]
        var users: [[any SQLExpression]] = [], grants: [[any SQLExpression]] = [], teamRows: [[any SQLExpression]] = [],
            memberships: [[any SQLExpression]] = []
        for s in services {
            let t = [UUID(), UUID()]
            teams[s.id] = t
            for (n, id) in t.enumerated() { teamRows.append([SQLBind(id), SQLBind(s.id), SQLBind(n == 0 ? "North team" : "South team")]) }
            for w in 0..<12 {
                let id = UUID(), team = w % 2
                workers[s.id, default: []].append((id, team))
                users.append([
                    SQLBind(id), SQLBind("worker\(w + 1).\(s.code.lowercased())@bench.waypoint.test"), SQLBind("Worker \(w + 1) \(s.code)"),
                    SQLBind("bench: no sign-in"), SQLBind(Role.practitioner.rawValue), SQLBind(true), SQLBind(now), SQLBind(now),
                    SQLBind(t[w == 0 ? 1 - team : team])
                ])
                grants.append([SQLBind(UUID()), SQLBind(id), SQLBind(s.id)])
                memberships.append([SQLBind(UUID()), SQLBind(id), SQLBind(t[team]), SQLBind("1900-01-01"), SQLBind(now)])
                // The first worker of each service moves to the other team on 1 October 2024.
                if w == 0 { memberships.append([SQLBind(UUID()), SQLBind(id), SQLBind(t[1 - team]), SQLBind("2024-10-01"), SQLBind(now)]) }
            }
        }
        try await Importer.insertAll("teams", columns: ["id", "service_id", "name"], rows: teamRows, on: db)
        try await Importer.insertAll(
            "users", columns: ["id", "email", "name", "password_hash", "role", "active", "created_at", "updated_at", "team_id"],
            rows: users, on: db)
        try await Importer.insertAll("user_services", columns: ["id", "user_id", "service_id"], rows: grants, on: db)
        try await Importer.insertAll("team_memberships", columns: ["id", "user_id", "team_id", "from_on", "at"], rows: memberships, on: db)
        struct I: Decodable { let id: UUID; let service_id: UUID; let child_id: UUID; let start_date: String; let end_date: String? }
        let interventions = try await sql.select().columns("id", "service_id", "child_id", "start_date", "end_date").from("interventions")
            .orderBy("id").all(decoding: I.self)
        var allocations: [[any SQLExpression]] = []
        for (k, i) in interventions.enumerated() {
            guard let list = workers[i.service_id], !list.isEmpty, let start = LocalDate(iso: i.start_date) else { continue }
            let first = list[k % list.count].id
            allocations.append([
                SQLBind(UUID()), SQLBind(i.id), SQLBind(first), SQLBind(start.iso), SQLBind(first), SQLBind(now), SQLBind(false)
            ])
            let later = start.adding(days: 60)
            if k % 5 == 0, i.end_date.flatMap(LocalDate.init(iso:)).map({ $0 > later }) ?? true,
                later <= LocalDate(year: 2025, month: 3, day: 31)!
            {
                let next = list[(k + 1) % list.count].id
                allocations.append([
                    SQLBind(UUID()), SQLBind(i.id), SQLBind(next), SQLBind(later.iso), SQLBind(next), SQLBind(now.addingTimeInterval(1)),
                    SQLBind(false)
                ])
            }
        }
        try await Importer.insertAll(
            "allocations",
            columns: ["id", "intervention_id", "case_manager_id", "allocated_on", "allocated_by", "at", "over_cap_confirmed"],
            rows: allocations, on: db)
        // Each intervention's case manager now: its latest allocation.
        try await sql.raw(
            """
            UPDATE interventions SET
              case_manager_id = (SELECT a.case_manager_id FROM allocations a WHERE a.intervention_id = interventions.id ORDER BY a.allocated_on DESC, a.at DESC LIMIT 1),
              allocated_on = (SELECT a.allocated_on FROM allocations a WHERE a.intervention_id = interventions.id ORDER BY a.allocated_on DESC, a.at DESC LIMIT 1)
            """
        ).run()
        // And each reallocated intervention's history, as allocating keeps it.
        try await db.transaction { try await AllocationHistory.refresh(nil, on: $0) }
        // Transfers: every 200th child with work open on 1 September 2024, to the next service.
        let day = LocalDate(year: 2024, month: 9, day: 1)!
        var open: [UUID: UUID] = [:]
        for i in interventions where open[i.child_id] == nil {
            guard let start = LocalDate(iso: i.start_date), start < day, i.end_date.flatMap(LocalDate.init(iso:)).map({ $0 >= day }) ?? true
            else { continue }
            open[i.child_id] = i.service_id
        }
        let next = Dictionary(
            uniqueKeysWithValues: services.enumerated().map { ($0.element.id, services[($0.offset + 1) % services.count].id) })
        var transfers = 0
        for (n, (child, service)) in open.sorted(by: { $0.key.uuidString < $1.key.uuidString }).enumerated()
        where n % 200 == 0 && services.count > 1 {
            guard let to = next[service] else { continue }
            try await ServiceMoves.transfer(
                child, to: to, on: day, reason: "bench: moved with their family", actor: Agent.commandLine("bench"), db: db, now: now)
            transfers += 1
        }
        return (users.count, teamRows.count, allocations.count, services.count, transfers)
    }

    /// Weekly contacts from each intervention's start (deterministic attendance), if none exist.
    static func seedContacts(perIntervention n: Int, on db: Database) async throws -> Int {
        struct N: Decodable { let n: Int }
        if (try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("contacts").first(decoding: N.self)?
            .n ?? 0) > 0
        {
            return 0
        }
        struct I: Decodable { let id: UUID; let service_id: UUID; let child_id: UUID; let start_date: String }
        let interventions = try await db.sql.select().columns("id", "service_id", "child_id", "start_date").from("interventions").orderBy(
            "id"
        ).all(decoding: I.self)
        let attendance = [
            "attended", "attended", "attended", "attended", "did_not_attend", "cancelled_by_child", "attended", "cancelled_by_service"
        ]
        var rows: [[any SQLExpression]] = []
        let now = Date()
        var k = 0
        for i in interventions {
            guard let start = LocalDate(iso: i.start_date) else { continue }
            for w in 1...n {
                let a = attendance[(k + w) % attendance.count]
                rows.append([
                    SQLBind(UUID()), SQLBind(i.service_id), SQLBind(i.child_id), SQLBind(i.id), SQLBind(1), SQLBind(now), SQLBind(now),
                    SQLBind(start.adding(days: 7 * w).iso), SQLBind("16:00"), SQLBind("one_to_one"), SQLBind("school"), SQLBind(a),
                    SQLBind(a == "did_not_attend" || a == "cancelled_by_child" ? "yes" : nil as String?)
                ])
            }
            k += 1
        }
        try await Importer.insertAll(
            "contacts",
            columns: [
                "id", "service_id", "child_id", "intervention_id", "version", "created_at", "updated_at",
                "contact_on", "contact_time", "contact_type", "place", "attendance", "absence_acceptable"
            ], rows: rows, on: db)
        return rows.count
    }
}
