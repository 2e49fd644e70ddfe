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
        @Option(name: "seed-contacts", help: "Add this many weekly contacts per intervention first, if there are no contacts yet") var seedContacts: String?
        @Option(name: "sqlite3", help: "The sqlite3 shell to compare with (default: sqlite3)") var sqlite3: String?
        @Flag(name: "seed-only", help: "Only add the contacts; time nothing (time in a fresh process: seeding leaves a large heap behind)") var seedOnly: Bool
        init() {}
    }
    var help: String { "Time every report over all services (benchmark)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let from = signature.from.flatMap(LocalDate.init(iso:)), let to = signature.to.flatMap(LocalDate.init(iso:)),
              let period = ReportPeriod(from: from, to: to) else { throw ExitError(message: "give --from and --to as YYYY-MM-DD, in order") }
        try await migrate(app)
        let db = app.db
        if let n = signature.seedContacts.flatMap(Int.init), n > 0 {
            let seeded = try await Self.seedContacts(perIntervention: n, on: db)
            context.console.print("Seeded \(seeded) contacts")
        }
        if signature.seedOnly { return }
        struct N: Decodable { let n: Int }
        for table in ["services", "children", "referrals", "interventions", "offences", "contacts"] {
            let n = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first(decoding: N.self)?.n ?? 0
            context.console.print("\(table): \(n)")
        }
        context.console.print("Period \(from.iso) to \(to.iso), all services. Each report run twice; the second (warm) time is the one that counts.")
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String { left ? s.padding(toLength: n, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, n - s.count)) + s }
        context.console.print(pad("report", 22, left: true) + pad("first ms", 10) + pad("warm ms", 10) + pad("rows", 8))
        var fteWarm = 0.0
        var fteCount = -1
        for d in ReportCatalogue.all {
            var times: [Double] = []
            var out: ReportRunner.Output?
            for _ in 0..<2 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                out = try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: to, on: db)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
            }
            if d.name == FirstTimeEntrants.name {
                fteWarm = times[1]
                fteCount = Int(out?.rows.first { $0.measure == "first_time_entrants" && $0.breakdown == "all" }?.value ?? -1)
            }
            context.console.print(pad(d.name, 22, left: true) + pad(String(Int(times[0].rounded())), 10) + pad(String(Int(times[1].rounded())), 10) + pad(String(out?.rows.count ?? 0), 8))
        }
        if case .sqliteFile(let path) = app.settings.database {
            let sql = Self.fteSQL(period)
            var best = Double.infinity
            var answer = ""
            for _ in 0..<2 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                answer = try Self.shell(signature.sqlite3 ?? "sqlite3", [path, sql])
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
            }
            context.console.print("sqlite3 first-time-entrants count: \(answer) in \(String(format: "%.0f", best)) ms (ours: \(fteCount) in \(String(format: "%.0f", fteWarm)) ms)")
            context.console.print("Ratio ours ÷ sqlite3: \(String(format: "%.2f", fteWarm / best))\(answer == String(fteCount) ? "" : " — THE COUNTS DIFFER")")
        }
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

    /// Weekly contacts from each intervention's start (deterministic attendance), if none exist.
    static func seedContacts(perIntervention n: Int, on db: Database) async throws -> Int {
        struct N: Decodable { let n: Int }
        if (try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("contacts").first(decoding: N.self)?.n ?? 0) > 0 { return 0 }
        struct I: Decodable { let id: UUID; let service_id: UUID; let child_id: UUID; let start_date: String }
        let interventions = try await db.sql.select().columns("id", "service_id", "child_id", "start_date").from("interventions").orderBy("id").all(decoding: I.self)
        let attendance = ["attended", "attended", "attended", "attended", "did_not_attend", "cancelled_by_child", "attended", "cancelled_by_service"]
        var rows: [[any SQLExpression]] = []
        let now = Date()
        var k = 0
        for i in interventions {
            guard let start = LocalDate(iso: i.start_date) else { continue }
            for w in 1...n {
                let a = attendance[(k + w) % attendance.count]
                rows.append([SQLBind(UUID()), SQLBind(i.service_id), SQLBind(i.child_id), SQLBind(i.id), SQLBind(1), SQLBind(now), SQLBind(now),
                             SQLBind(start.adding(days: 7 * w).iso), SQLBind("16:00"), SQLBind("one_to_one"), SQLBind("school"), SQLBind(a),
                             SQLBind(a == "did_not_attend" || a == "cancelled_by_child" ? "yes" : nil as String?)])
            }
            k += 1
        }
        try await Importer.insertAll("contacts", columns: ["id", "service_id", "child_id", "intervention_id", "version", "created_at", "updated_at",
                                                           "contact_on", "contact_time", "contact_type", "place", "attendance", "absence_acceptable"], rows: rows, on: db)
        return rows.count
    }
}
