import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp

/// A list of ids as one value (`IDList`): on PostgreSQL an array in the database's own order.
@Suite struct IDListTests {
    @Test(arguments: TestDatabase.all)
    func aListNamesExactlyItsIdsAndOnPostgreSQLIsInTheDatabasesOrder(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let edges = [
                "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "80000000-0000-0000-0000-000000000000",
                "7FFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "00000000-0000-0000-8000-000000000000", "00000000-0000-0000-7FFF-FFFFFFFFFFFF"
            ]
            let ids = (0..<300).map { _ in UUID() } + edges.compactMap(UUID.init(uuidString:))
            #expect(ids.count == 306)
            // (Ids stored as each database stores them: a uuid on PostgreSQL, text on SQLite.)
            let type = db == .postgres ? "UUID" : "TEXT"
            try await app.db.sql.raw("CREATE TABLE id_probe (id \(unsafeRaw: type) NOT NULL, n INTEGER NOT NULL)").run()
            // Every other id is stored, and one that is not listed.
            let stored = ids.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + [UUID()]
            for (n, id) in stored.enumerated() {
                try await app.db.sql.raw("INSERT INTO id_probe (id, n) VALUES (\(bind: id), \(bind: n))").run()
            }
            let listed = IDList.value(ids, on: app.db.sql)
            let q = app.db.sql.select().column("id").from("id_probe").where(IDList.member(SQLColumn("id"), of: listed))
            let found = try await Rows.collect(q) { $0.uuid("id") }
            #expect(Set(found) == Set(stored.dropLast()) && found.count == stored.count - 1)
            if case .array(let array) = listed {
                #expect(Set(array.ids) == Set(ids) && array.ids.count == ids.count)
                // PostgreSQL sorts the list as it was sent: it was in order.
                let sorted = try await Rows.collect(
                    app.db.sql.select().column(SQLRaw("u"), as: "u").from(SQLQueryString("unnest(\(bind: array)) AS t(u)")).orderBy(
                        SQLRaw("u"))
                ) { $0.uuid("u") }
                #expect(sorted == array.ids)
            }
        }
    }
}
