import Foundation
import SQLKit
import Testing
import Vapor

@testable import WaypointApp

/// A statement's text is written once per shape and sent again with each run's values
/// (`KeptStatements`); values listed out of their text's order are never kept.
@Suite struct KeptStatementsTests {
    struct Pair: Decodable, Equatable {
        let a: String
        let b: String
    }

    static func pair(_ kept: KeptStatements, _ app: Application, listed: [String], built: (String, String)) async throws -> Pair? {
        try await kept.statement("test-pair", on: app.db.sql, binds: listed) { db in
            db.select().column(SQLBind(built.0), as: "a").column(SQLBind(built.1), as: "b")
        }.first(decoding: Pair.self)
    }

    @Test(arguments: TestDatabase.all)
    func aKeptTextRunsWithEachRunsValues(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let kept = KeptStatements(checkEveryRun: false)
            let got1 = try await Self.pair(kept, app, listed: ["one", "two"], built: ("one", "two"))
            #expect(got1 == Pair(a: "one", b: "two"))
            let got2 = try await Self.pair(kept, app, listed: ["three", "four"], built: ("three", "four"))
            #expect(got2 == Pair(a: "three", b: "four"))
            // Once kept, the text is sent with the values listed: the statement built is not written again.
            let got3 = try await Self.pair(kept, app, listed: ["five", "six"], built: ("not", "used"))
            #expect(got3 == Pair(a: "five", b: "six"))
            #expect(kept.mismatched.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func valuesListedOutOfOrderAreNeverKept(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let kept = KeptStatements(checkEveryRun: false)
            // Listed the wrong way round: SQLKit writes the statement, with its own values, every time.
            let got4 = try await Self.pair(kept, app, listed: ["two", "one"], built: ("one", "two"))
            #expect(got4 == Pair(a: "one", b: "two"))
            #expect(kept.mismatched.count == 1)
            let got5 = try await Self.pair(kept, app, listed: ["four", "three"], built: ("three", "four"))
            #expect(got5 == Pair(a: "three", b: "four"))
        }
    }

    /// A debug build (every test) writes every run and checks it against the kept text.
    @Test(arguments: TestDatabase.all)
    func checkingEveryRunFindsAValueListedOutOfOrderLater(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let kept = KeptStatements(checkEveryRun: true)
            _ = try await Self.pair(kept, app, listed: ["same", "same"], built: ("same", "same"))
            #expect(kept.mismatched.isEmpty)
            let got6 = try await Self.pair(kept, app, listed: ["b", "a"], built: ("a", "b"))
            #expect(got6 == Pair(a: "a", b: "b"))
            #expect(kept.mismatched.count == 1)
        }
    }
}
