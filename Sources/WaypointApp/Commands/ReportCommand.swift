import Foundation
import Vapor
import WaypointDomain

/// `waypoint report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--service CODE] [--team NAME] [--format json|csv]`
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "First day of the period (YYYY-MM-DD)") var from: String?
        @Option(name: "to", help: "Last day of the period (YYYY-MM-DD), inclusive") var to: String?
        @Option(name: "service", help: "Only this service (default: all)") var service: String?
        @Option(name: "team", help: "Only the children of this team (by name)") var team: String?
        @Option(name: "format", help: "json (default) or csv") var format: String?
        @Argument(name: "name", help: "Report name, e.g. first-time-entrants") var name: String
        init() {}
    }
    var help: String { "Print one report to standard output" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let f = signature.from, let from = LocalDate(iso: f) else {
            throw ExitError(message: "--from: give the first day as YYYY-MM-DD")
        }
        guard let t = signature.to, let to = LocalDate(iso: t) else { throw ExitError(message: "--to: give the last day as YYYY-MM-DD") }
        let today = LocalDate.today(at: Date())
        for (flag, d) in [("--from", from), ("--to", to)] where !DateWindow.contains(d, today: today) {
            throw ExitError(message: "\(flag): " + DateWindow.message(label: "the date", today: today))
        }
        guard let period = ReportPeriod(from: from, to: to) else {
            throw ExitError(message: "the period ends (\(to.iso)) before it starts (\(from.iso))")
        }
        let format = signature.format ?? "json"
        guard ["json", "csv"].contains(format) else { throw ExitError(message: "--format: use json or csv") }
        try await migrate(app)
        do {
            let db = app.db
            let output = try await ReportRunner.run(
                signature.name, period: period, serviceCodes: signature.service.map { [$0] }, team: signature.team, on: db,
                alongside: app.reportCompanion(besides: db))
            for note in output.notes { FileHandle.standardError.write(Data(("Note: " + note + "\n").utf8)) }
            if format == "json" {
                // The JSON names the children behind each count: each is on that child's audit record.
                let shown = Set(output.rows.flatMap { $0.children ?? [] }).compactMap(UUID.init(uuidString:))
                let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
                try await Audit.recordViews(
                    on: app.db, at: Date(), userID: nil, userEmail: "command line (\(user))", action: "report_command_children",
                    children: shown.map { (nil, $0) },
                    details: "\(signature.name) \(from.iso)–\(to.iso)\(signature.service.map { " \($0)" } ?? "")")
                FileHandle.standardOutput.write(Data(output.json.utf8))
            } else {
                FileHandle.standardOutput.write(output.csv)
            }
        } catch let e as ReportRunner.Failure {
            throw ExitError(message: e.description)
        }
    }
}
