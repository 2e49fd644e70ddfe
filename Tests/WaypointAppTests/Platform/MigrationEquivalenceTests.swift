import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// A database migrated from scratch (every migration at once, as a new installation is) holds the
/// same schema as one that started from the first landed schema (M0001–M0008, the first release)
/// with records in it and took every later migration as a release of its own, as a running
/// service does. What the migrations derive from records already there (the audit log's waiting
/// list, the register's runs of three) is checked on the way.
@Suite struct MigrationEquivalenceTests {
    static let firstLanded = 8

    @Test(arguments: TestDatabase.all)
    func aDatabaseMigratedStepByStepFromTheFirstLandedSchemaEqualsOneMigratedAtOnce(db: TestDatabase) async throws {
        var atOnce: [String] = []
        try await withTestApp(db) { app in atOnce = try await Self.schema(app.db) }
        #expect(atOnce.count > 100, "the schema was read")

        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        var pgDatabase: String?
        var sqliteDirectory: URL?
        defer {
            if let sqliteDirectory { try? FileManager.default.removeItem(at: sqliteDirectory) }
        }
        do {
            switch db {
            case .sqlite:
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-steps-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                sqliteDirectory = dir
                try DatabaseSetup.configure(app, .sqliteFile(path: dir.appendingPathComponent("waypoint.sqlite").path))
            case .postgres:
                let (url, name) = try await PostgresTemplate.shared.emptyDatabase()
                pgDatabase = name
                try DatabaseSetup.configure(app, .postgres(url: url))
            }
            // The first release.
            app.migrations.add(Array(Migrations.all.prefix(Self.firstLanded)))
            try await app.autoMigrate()
            // Records written then: a service, a child, an entry in the audit log.
            let service = UUID()
            let child = UUID()
            let event = UUID()
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            let sql = app.db.sql
            try await sql.insert(into: "services").columns("id", "code", "name", "caseload_cap", "created_at")
                .values(SQLBind(service), SQLBind("WF"), SQLBind("Westfield"), SQLBind(25), SQLBind(now)).run()
            try await sql.insert(into: "children").columns(
                "id", "service_id", "version", "created_at", "updated_at", "given_name", "family_name", "date_of_birth", "sex",
                "ethnicity", "ethnicity_group", "care_status", "search_name"
            ).values(
                SQLBind(child), SQLBind(service), SQLBind(1), SQLBind(now), SQLBind(now), SQLBind("Zoë"), SQLBind("Brennan"),
                SQLBind("2010-02-01"), SQLBind("female"), SQLBind("white_british"), SQLBind("white"), SQLBind("none"),
                SQLBind("zoe brennan")
            ).run()
            try await sql.insert(into: "audit_events").columns("id", "at", "child_id", "service_id", "action")
                .values(SQLBind(event), SQLBind(now), SQLBind(child), SQLBind(service), SQLBind("view_child")).run()
            // Every later migration, each as a release of its own.
            for migration in Migrations.all.dropFirst(Self.firstLanded) {
                app.migrations.add(migration)
                try await app.autoMigrate()
            }
            if db == .sqlite { try await DatabaseSetup.prepareSQLite(app) }

            let stepByStep = try await Self.schema(app.db)
            #expect(stepByStep.count == atOnce.count)
            for line in Set(atOnce).subtracting(stepByStep).sorted() { Issue.record("only from scratch: \(line)") }
            for line in Set(stepByStep).subtracting(atOnce).sorted() { Issue.record("only step by step: \(line)") }

            struct Pending: Decodable { let event_id: UUID }
            #expect(try await sql.select().column("event_id").from("audit_pending").all(decoding: Pending.self).map(\.event_id) == [event])
            struct Run: Decodable { let gram: String; let child_id: UUID }
            let runs = try await sql.select().columns("gram", "child_id").from("child_name_grams").all(decoding: Run.self)
            #expect(Set(runs.map(\.gram)) == ["zoe", "bre", "ren", "enn", "nna", "nan"])
            #expect(runs.allSatisfy { $0.child_id == child })
            struct Outcome: Decodable { let code: String }
            #expect(
                try await sql.select().column("code").from("outcome_types").orderBy("sort_order").all(decoding: Outcome.self).map(\.code)
                    == OutcomeType.national.map(\.code))
        } catch {
            Issue.record("\(String(reflecting: error))")
            try? await app.asyncShutdown()
            if let pgDatabase { try? await PostgresTemplate.shared.drop(pgDatabase) }
            throw error
        }
        try await app.asyncShutdown()
        if let pgDatabase { try? await PostgresTemplate.shared.drop(pgDatabase) }
    }

    /// Every table's columns, index, trigger, function and constraint, one line each, in order.
    static func schema(_ db: any Database) async throws -> [String] {
        let sql = db.sql
        var lines: [String] = []
        func read(_ text: String) async throws {
            for row in try await sql.raw(SQLQueryString(text)).all() {
                let values = try row.allColumns.map { c -> String in
                    (try? row.decodeNil(column: c)) == true ? "NULL" : try row.decode(column: c, as: String.self)
                }
                lines.append(values.joined(separator: " | "))
            }
        }
        if sql.dialect.name == "sqlite" {
            try await read(
                "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        } else {
            try await read(
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, COALESCE(column_default, '')::text,
                    ordinal_position::text
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                """)
            try await read(
                "SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2")
            try await read(
                """
                SELECT event_object_table::text, trigger_name::text, event_manipulation::text, action_timing::text,
                    action_statement::text, COALESCE(action_condition, '')::text
                FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2, 3
                """)
            try await read(
                """
                SELECT p.proname::text, p.prosrc::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' ORDER BY 1
                """)
            try await read(
                """
                SELECT c.conrelid::regclass::text, c.conname::text, pg_get_constraintdef(c.oid)::text FROM pg_constraint c
                JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2
                """)
        }
        return lines
    }
}
