import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp

/// `Rows.collect` reads each value by column name, whatever order a row's reader asks in (on
/// PostgreSQL the columns a reader asked for are remembered from row to row: `PostgresColumns`).
@Suite struct RowsTests {
    @Test(arguments: TestDatabase.all)
    func aReaderAskingInADifferentOrderOnEachRowFindsEachValue(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            try await app.db.sql.raw("CREATE TABLE rows_probe (n INTEGER NOT NULL, word TEXT NOT NULL, other TEXT)").run()
            for n in 0..<9 {
                try await app.db.sql.raw(
                    "INSERT INTO rows_probe (n, word, other) VALUES (\(bind: n), \(bind: "w\(n)"), \(bind: n % 3 == 0 ? nil : "o\(n)"))"
                ).run()
            }
            struct Read: Equatable { let n: Int; let word: String?; let other: String?; let missing: String? }
            let q = app.db.sql.select().columns("n", "word", "other").from("rows_probe").orderBy("n")
            let read = try await Rows.collect(q) { r -> Read? in
                // Row by row the columns are asked in another order, with one the statement does
                // not have asked in between.
                guard let n = r.int("n") else { return nil }
                switch n % 3 {
                case 0: return Read(n: n, word: r.string("word"), other: r.string("other"), missing: r.string("nothing"))
                case 1:
                    let other = r.string("other")
                    let missing = r.string("nothing")
                    return Read(n: n, word: r.string("word"), other: other, missing: missing)
                default:
                    let missing = r.string("nothing")
                    let word = r.string("word")
                    return Read(n: n, word: word, other: r.string("other"), missing: missing)
                }
            }
            #expect(read == (0..<9).map { Read(n: $0, word: "w\($0)", other: $0 % 3 == 0 ? nil : "o\($0)", missing: nil) })
        }
    }
}
