import Foundation
import SQLKit
import Testing
import Vapor

@testable import WaypointApp

/// The child's page reads a record table only when `ChildTables` says it holds something of the
/// child's: the answer must be exactly the tables with a row for them.
@Suite struct ChildTablesTests {
    @Test(arguments: TestDatabase.all)
    func namesExactlyTheTablesWithARowOfTheChilds(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await ReportAgreementTests.demo(app)
            struct Child: Decodable { let id: UUID }
            struct N: Decodable { let n: Int }
            let children = try await app.db.sql.raw("SELECT id FROM children").all(decoding: Child.self)
            #expect(children.count > 10)
            var heldSomewhere: Set<String> = []
            var emptySomewhere: Set<String> = []
            for child in children {
                let held = try await ChildTables.holding(ChildShowQuery.recordTables, child: child.id, on: app.db)
                for table in ChildShowQuery.recordTables {
                    let n =
                        try await app.db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                        .where("child_id", .equal, SQLBind(child.id)).first(decoding: N.self)?.n ?? 0
                    #expect(held.contains(table) == (n > 0), "\(table) for \(child.id): \(n) rows")
                    if n > 0 { heldSomewhere.insert(table) } else { emptySomewhere.insert(table) }
                }
            }
            // The demo data tells the two apart: some tables hold rows for some children and not others.
            #expect(!heldSomewhere.intersection(emptySomewhere).isEmpty)
        }
    }
}
