import Fluent
import Foundation
import Vapor
import WaypointDomain

private let commandLine = Agent.commandLine()

/// `waypoint import BUNDLE [--dry-run] [--max-file-mb N]`
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Check everything and report what would change, without writing") var dryRun: Bool
        @Option(name: "max-file-mb", help: "Refuse files larger than this (default 512)") var maxFileMB: String?
        @Argument(name: "bundle", help: "A folder of CSV files or a .zip of one") var bundle: String
        init() {}
    }
    var help: String { "Import a bundle in the interchange format (all or nothing)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        guard let maxMB = Int(signature.maxFileMB ?? "512"), maxMB > 0 else {
            throw ExitError(message: "--max-file-mb must be a whole number above 0")
        }
        let files: [String: Data]
        do { files = try BundleIO.read(path: signature.bundle, maxFileBytes: maxMB * 1_048_576) } catch {
            throw ExitError(message: "\(error)")
        }
        let start = Date()
        let outcome = try await CaseWork(Agent.commandLine(), on: app.db).importBundle(files, dryRun: signature.dryRun)
        switch outcome {
        case .invalid(let problems):
            for p in problems { context.console.error(p.description) }
            throw ExitError(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found: nothing was imported.")
        case .imported(let report):
            for line in report.lines { context.console.print(line) }
            let rows = report.files.reduce(0) { $0 + $1.1.created + $1.1.updated + $1.1.unchanged }
            let seconds = Date().timeIntervalSince(start)
            context.console.print(
                "\(signature.dryRun ? "Dry run: nothing was written. " : "")\(rows) rows in \(String(format: "%.1f", seconds)) s (\(Int(Double(rows) / max(seconds, 0.001))) rows/s)"
            )
        }
    }
}

/// `waypoint export [--service CODE] OUT`
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "service", help: "Export only this service (default: all)") var service: String?
        @Argument(name: "out", help: "A folder to write the CSV files into, or a path ending .zip") var out: String
        init() {}
    }
    var help: String { "Export records in the interchange format" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        do {
            // Every child written out is on that child's audit record.
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let files = try await CaseWork(Agent.commandLine("command line (\(user))"), on: app.db).exportBundle(
                serviceCode: signature.service, to: "waypoint export \(signature.out)")
            try BundleIO.write(files, to: signature.out)
            for (name, data) in files {
                let rows = max(0, String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n").count - 2)
                context.console.print("\(name): \(rows) rows")
            }
        } catch let e as WaypointError {
            throw ExitError(message: e.reason)
        }
    }
}

/// `waypoint split --from CODE --to CODE [--to-name NAME] [--districts A,B] [--children FILE] [--dry-run]`
struct SplitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The service to split") var from: String?
        @Option(name: "to", help: "The receiving service's code (created when new)") var to: String?
        @Option(name: "to-name", help: "The receiving service's name, when it is new") var toName: String?
        @Option(name: "districts", help: "Move the children of these districts (comma separated)") var districts: String?
        @Option(name: "children", help: "A file of child ids to move, one per line") var children: String?
        @Flag(name: "dry-run", help: "Say what would move, without moving it") var dryRun: Bool
        @Option(name: "reason", help: "Why (recorded in the audit log)") var reason: String?
        init() {}
    }
    var help: String { "Move chosen children of a service (by district or a list) into a new or existing service" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        guard let fromCode = signature.from, let from = try await ServiceMoves.service(code: fromCode, on: app.db) else {
            throw ExitError(message: "--from: give the code of an existing service")
        }
        guard let toCode = signature.to, !toCode.isEmpty, toCode != fromCode else {
            throw ExitError(message: "--to: give the code of the receiving service (not the same as --from)")
        }
        let districts = (signature.districts ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        var ids: [String] = []
        if let file = signature.children {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ExitError(message: "--children: cannot read \(file) as UTF-8 text")
            }
            ids = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard !districts.isEmpty || !ids.isEmpty else { throw ExitError(message: "say which children move: --districts or --children") }
        let existing = try await ServiceMoves.service(code: toCode, on: app.db)
        if existing == nil && (signature.toName ?? "").isEmpty {
            throw ExitError(message: "--to-name: \(toCode) is a new service, so give its name")
        }
        let children = try await ServiceMoves.select(from: from.id!, districts: districts, ids: ids, on: app.db)
        let counts = try await ServiceMoves.count(children, on: app.db)
        context.console.print(
            "\(signature.dryRun ? "Would move" : "Moving") from \(from.code) to \(toCode)\(existing == nil ? " (new service)" : ""):")
        for line in counts.lines { context.console.print("  \(line)") }
        if signature.dryRun { return }
        let now = Date()
        do {
            try await app.db.writeTransaction { db in
                var target = existing
                if target == nil {
                    let s = Service(code: toCode, name: signature.toName!)
                    try await s.create(on: db)
                    target = s
                }
                try await ServiceMoves.move(
                    children, to: target!.id!, reason: signature.reason ?? "split of \(from.code)", actor: commandLine, on: db, now: now)
                try await Audit.record(
                    on: db, at: now, userID: nil, userEmail: commandLine.email, action: "split_service", serviceID: target!.id,
                    details: "\(counts.children) children from \(from.code) to \(toCode)")
            }
        } catch let e as ServiceMoves.MoveError {
            throw ExitError(message: e.description)
        }
        context.console.print("Done.")
    }
}

/// `waypoint merge --from CODE --into CODE [--dry-run]`
struct MergeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The service that is merged (and then removed)") var from: String?
        @Option(name: "into", help: "The service that receives everything") var into: String?
        @Flag(name: "dry-run", help: "Say what would move, without moving it") var dryRun: Bool
        init() {}
    }
    var help: String { "Merge one service into another" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrate(app)
        guard let f = signature.from, let from = try await ServiceMoves.service(code: f, on: app.db) else {
            throw ExitError(message: "--from: give the code of an existing service")
        }
        guard let i = signature.into, let into = try await ServiceMoves.service(code: i, on: app.db), into.id != from.id else {
            throw ExitError(message: "--into: give the code of another existing service")
        }
        if signature.dryRun {
            struct C: Decodable { let id: UUID }
            let children = try await app.db.sql.select().column("id").from("children").where("service_id", .equal, SQLBind(from.id!)).all(
                decoding: C.self
            ).map(\.id)
            context.console.print("Would merge \(from.code) into \(into.code):")
            for line in try await ServiceMoves.count(children, on: app.db).lines { context.console.print("  \(line)") }
            return
        }
        do {
            let counts = try await app.db.writeTransaction { db in
                try await ServiceMoves.merge(from: from, into: into, actor: commandLine, on: db, now: Date())
            }
            context.console.print("Merged \(from.code) into \(into.code):")
            for line in counts.lines { context.console.print("  \(line)") }
        } catch let e as ServiceMoves.MoveError {
            throw ExitError(message: e.description)
        }
    }
}

import SQLKit
