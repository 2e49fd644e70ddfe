import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// A national run keeps what it read of each child (`ReportRowCache`) and reads a child again only
/// when `children.report_version` has moved (M0044). The number moves with every write of the
/// child, their interventions or their offences, whoever makes it; and a run that takes kept rows
/// gives exactly what a run that reads everything gives, before and after every kind of change.
@Suite struct ReportRowCacheTests {
    static func version(_ child: UUID, _ db: any SQLDatabase) async throws -> Int {
        struct V: Decodable { let report_version: Int }
        return try #require(
            try await db.select().column("report_version").from("children").where("id", .equal, SQLBind(child)).first(decoding: V.self)
        ).report_version
    }

    @Test(arguments: TestDatabase.all)
    func theNumberMovesWithEveryWriteOfTheChildOrTheirRecords(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await ReportAgreementTests.demo(app)
            let sql = app.db.sql
            struct I: Decodable { let id: UUID; let child_id: UUID }
            let ivs = try await sql.select().columns("id", "child_id").from("interventions").orderBy("id").limit(2).all(decoding: I.self)
            // (Offences no panel decision names: those can be removed.)
            let offences = try await sql.select().columns("id", "child_id").from("offences")
                .where(SQLRaw("id NOT IN (SELECT offence_id FROM panel_decisions WHERE offence_id IS NOT NULL)")).orderBy("id").limit(2)
                .all(decoding: I.self)
            try #require(ivs.count == 2 && offences.count == 2)
            struct O: Decodable { let outcome: String }
            let outcome = try #require(try await sql.select().column("outcome").from("offences").limit(1).first(decoding: O.self)).outcome
            var seen: Set<Int> = []
            var last = 0
            /// The child's number after `write`: higher than every number before it.
            func moves(_ child: UUID, _ what: String, _ write: () async throws -> Void) async throws {
                let before = try await Self.version(child, sql)
                try await write()
                let after = try await Self.version(child, sql)
                #expect(after > before, "\(what) moves the child's number")
                #expect(!seen.contains(after), "\(what): a number never given before")
                #expect(after > last, "\(what): numbers only go up")
                seen.insert(after)
                last = after
            }
            let child = ivs[0].child_id
            try await moves(child, "a change to the child") {
                try await sql.update("children").set("district", to: SQLBind("Elsewhere")).where("id", .equal, SQLBind(child)).run()
            }
            try await moves(ivs[0].child_id, "a change to an intervention") {
                try await sql.update("interventions").set("closure_reason", to: SQLBind("completed")).where(
                    "id", .equal, SQLBind(ivs[0].id)
                )
                .run()
            }
            try await moves(offences[0].child_id, "a change to an offence") {
                try await sql.update("offences").set("gravity", to: SQLBind(5)).where("id", .equal, SQLBind(offences[0].id)).run()
            }
            try await moves(offences[1].child_id, "an offence removed") {
                try await sql.delete(from: "offences").where("id", .equal, SQLBind(offences[1].id)).run()
            }
            try await moves(offences[0].child_id, "an offence added") {
                try await sql.insert(into: "offences").columns(
                    "id", "service_id", "child_id", "offence_date", "category", "outcome", "outcome_date", "created_at"
                ).values(
                    SQLBind(UUID()), SQLRaw("(SELECT service_id FROM children WHERE id = '\(offences[0].child_id.uuidString)')"),
                    SQLBind(offences[0].child_id), SQLBind("2023-05-01"), SQLBind("robbery"), SQLBind(outcome), SQLBind("2023-06-01"),
                    SQLBind(pinnedNow)
                ).run()
            }
            // An intervention added, moved to another child (both children's numbers move) and removed.
            let (from, to) = (ivs[1].child_id, ivs[0].child_id)
            try #require(from != to)
            let added = UUID()
            try await moves(from, "an intervention added") {
                try await sql.insert(into: "interventions").columns("id", "service_id", "child_id", "type", "start_date", "created_at")
                    .values(
                        SQLBind(added), SQLRaw("(SELECT service_id FROM children WHERE id = '\(from.uuidString)')"), SQLBind(from),
                        SQLBind("youth_caution"), SQLBind("2023-07-01"), SQLBind(pinnedNow)
                    ).run()
            }
            let fromBefore = try await Self.version(from, sql)
            try await moves(to, "an intervention moved to this child") {
                try await sql.update("interventions").set("child_id", to: SQLBind(to)).where("id", .equal, SQLBind(added)).run()
            }
            #expect(try await Self.version(from, sql) > fromBefore, "and the child it left")
            try await moves(to, "an intervention removed") {
                try await sql.delete(from: "interventions").where("id", .equal, SQLBind(added)).run()
            }
        }
    }

    /// Every report over every service, with rows kept and without, the same; run once to keep the
    /// rows and again to take them.
    static func agree(_ app: Application, _ period: ReportPeriod, today: LocalDate, _ when: String) async throws {
        for d in ReportCatalogue.all {
            let kept = try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: today, on: app.db)
            let taken = try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: today, on: app.db)
            let read = try await ReportRowCache.$keeping.withValue(false) {
                try await ReportRunner.run(d.name, period: period, serviceCodes: nil, today: today, on: app.db)
            }
            #expect(kept.rows == read.rows && kept.notes == read.notes, "\(d.name) \(when): as read")
            #expect(taken.rows == read.rows && taken.notes == read.notes, "\(d.name) \(when): taken from the kept rows")
            #expect(taken.rows.map { taken.labels($0) } == read.rows.map { read.labels($0) }, "\(d.name) \(when): the same children")
            #expect(taken.json == read.json, "\(d.name) \(when)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func keptRowsGiveWhatReadingGivesWhateverChanges(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (today, _, _) = try await ReportAgreementTests.demo(app)
            let nb = Service(code: "NB", name: "Northbrook YJS")
            try await nb.create(on: app.db)
            let period = ReportPeriod(from: LocalDate(iso: "2023-04-01")!, to: today)!
            let sql = app.db.sql
            try await Self.agree(app, period, today: today, "at first")
            let cache = try #require(try await ReportRowCache.cache(on: app.db))
            #expect(cache.count > 20, "the demo's children are kept")
            // Run again with nothing changed: nothing is read.
            _ = try await ReportRunner.run("kpis", period: period, serviceCodes: nil, today: today, on: app.db)
            #expect(cache.lastRead == 0, "every child taken from the kept rows")

            // Changes of every kind, by hand and through the app's own ways.
            struct I: Decodable { let id: UUID; let child_id: UUID }
            let ivs = try await sql.select().columns("id", "child_id").from("interventions").where("end_date", .isNot, SQLLiteral.null)
                .orderBy("id").limit(3).all(decoding: I.self)
            let offences = try await sql.select().columns("id", "child_id").from("offences")
                .where(SQLRaw("id NOT IN (SELECT offence_id FROM panel_decisions WHERE offence_id IS NOT NULL)")).orderBy("id").limit(2)
                .all(decoding: I.self)
            try #require(ivs.count == 3 && offences.count == 2)
            try await sql.update("interventions").set("end_date", to: SQLBind("2024-01-15")).where("id", .equal, SQLBind(ivs[0].id)).run()
            try await sql.update("offences").set("category", to: SQLBind("violence_against_the_person")).set("gravity", to: SQLBind(5))
                .where("id", .equal, SQLBind(offences[0].id)).run()
            try await sql.delete(from: "offences").where("id", .equal, SQLBind(offences[1].id)).run()
            try await sql.update("children").set("sex", to: SQLBind("female")).set("care_status", to: SQLBind("looked_after"))
                .where("id", .equal, SQLBind(ivs[1].child_id)).run()
            _ = try await ReportRunner.run("kpis", period: period, serviceCodes: nil, today: today, on: app.db)
            let changed = Set([ivs[0].child_id, offences[0].child_id, offences[1].child_id, ivs[1].child_id])
            #expect(cache.lastRead <= changed.count, "only the changed children are read again")
            try await Self.agree(app, period, today: today, "after changes by hand")

            // A transfer (records stay where they happened, work moves on), and a service's code changed.
            let actor = Agent.commandLine("test", now: pinnedNow)
            try await ServiceMoves.transfer(
                ivs[2].child_id, to: nb.id!, on: LocalDate(iso: "2024-01-10")!, reason: "moved with their family", actor: actor, db: app.db,
                now: pinnedNow)
            try await Self.agree(app, period, today: today, "after a transfer")
            try await sql.update("services").set("code", to: SQLBind("NB2")).where("id", .equal, SQLBind(nb.id!)).run()
            try await Self.agree(app, period, today: today, "after a service's code changed")
            // A split moves a district's children and all their records to a new service.
            try await ReportAgreementTests.splitSouthgate(app)
            try await Self.agree(app, period, today: today, "after a split")
        }
    }
}
