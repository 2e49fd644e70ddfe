import Fluent
import Foundation
import SQLKit
import Testing
@testable import WaypointApp
import WaypointDomain

/// The server keeps reference data between requests (`ReferenceCache`). Whoever changes it — an
/// admin page, an import, another server, plain SQL as here — the next read sees the change, and a
/// change rolled back is never kept.
@Suite struct ReferenceDataTests {
    @Test(arguments: TestDatabase.all)
    func aChangeByAnyoneIsSeenOnTheNextRead(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let cache = app.referenceCache
            let service = try #require(try await Fixtures.service(app, code: "RD1").id)
            let before = try await cache.current(on: app.db)
            let caution = try #require(before.outcomeTypes.first { $0.code == "youth_caution" })
            #expect(before.services[service]?.code == "RD1")

            // Read twice with nothing changed: the same version, no second read of the tables.
            struct N: Decodable { let n: Int }
            let version = try await app.db.sql.select().column("n").from("reference_version").first(decoding: N.self)?.n
            _ = try await cache.current(on: app.db)
            #expect(try await app.db.sql.select().column("n").from("reference_version").first(decoding: N.self)?.n == version)

            try await app.db.sql.update("outcome_types").set("label", to: SQLBind("Youth caution (renamed)"))
                .where("code", .equal, SQLBind(caution.code)).run()
            #expect(try await cache.current(on: app.db).outcomeTypes.first { $0.code == caution.code }?.label == "Youth caution (renamed)")

            try await app.db.sql.update("services").set("caseload_cap", to: SQLBind(7)).where("id", .equal, SQLBind(service)).run()
            #expect(try await cache.current(on: app.db).timescales(for: service).caseloadCap == 7)

            try await app.db.sql.insert(into: "timescale_settings").columns("id", "service_id", "setting", "intervention_type", "value")
                .values(SQLBind(UUID()), SQLBind(service), SQLBind("review_months"), SQLBind(""), SQLBind(2)).run()
            #expect(try await cache.current(on: app.db).timescales(for: service).reviewMonths == 2)

            let holiday = LocalDate(year: 2031, month: 6, day: 4)!
            #expect(try await cache.current(on: app.db).calendar.isWorkingDay(holiday))
            try await app.db.sql.insert(into: "bank_holidays").columns("date", "title")
                .values(SQLBind(holiday.iso), SQLBind("A test holiday")).run()
            #expect(try await !cache.current(on: app.db).calendar.isWorkingDay(holiday))

            try await app.db.sql.delete(from: "bank_holidays").where("date", .equal, SQLBind(holiday.iso)).run()
            #expect(try await cache.current(on: app.db).calendar.isWorkingDay(holiday))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aChangeRolledBackIsNotKept(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let cache = app.referenceCache
            _ = try await cache.current(on: app.db)
            struct Undo: Error {}
            do {
                try await app.db.transaction { tx in
                    try await tx.sql.update("outcome_types").set("label", to: SQLBind("Never committed"))
                        .where("code", .equal, SQLBind("youth_caution")).run()
                    // Inside the transaction its own change shows, and is not kept.
                    #expect(try await cache.current(on: tx).outcomeTypes.first { $0.code == "youth_caution" }?.label == "Never committed")
                    throw Undo()
                }
            } catch is Undo {}
            #expect(try await cache.current(on: app.db).outcomeTypes.first { $0.code == "youth_caution" }?.label != "Never committed")
        }
    }
}
