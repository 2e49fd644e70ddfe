import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// My work lists the team's open work a page at a time, as it does the reader's own: a team of
/// eight with forty children each was one table of 280 rows, each written to the audit log on
/// every look. `team-page` moves through it; every child on it is on that child's audit record.
@Suite struct MyWorkPagesTests {
    @Test(arguments: TestDatabase.all)
    func theTeamsWorkComesAPageAtATime(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await ReportAgreementTests.demo(app)
            struct U: Decodable { let id: UUID; let team_id: UUID? }
            let me = try #require(
                try await app.db.sql.select().columns("id", "team_id").from("users")
                    .where("email", .equal, SQLBind(DemoData.email(for: .practitioner))).first(decoding: U.self))
            let team = try #require(me.team_id, "the demo practitioner is in a team")
            let colleague = try #require(
                try await app.db.sql.select().columns("id", "team_id").from("users").where("team_id", .equal, SQLBind(team))
                    .where("id", .notEqual, SQLBind(me.id)).first(decoding: U.self))
            // Enough of the service's open work for two pages: given to the colleague.
            let today = "2024-03-27"
            struct I: Decodable { let id: UUID }
            let open = try await app.db.sql.select().column("id").from("interventions")
                .where("start_date", .lessThanOrEqual, SQLBind(today))
                .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(today)) }
                .where("case_manager_id", .notEqual, SQLBind(me.id))
                .where { $0.where("co_worker_id", .is, SQLLiteral.null).orWhere("co_worker_id", .notEqual, SQLBind(me.id)) }
                .orderBy("id").limit(30).all(decoding: I.self)
            #expect(open.count == 30, "the demo has 30 open interventions of others")
            try await app.db.sql.update("interventions").set("case_manager_id", to: SQLBind(colleague.id))
                .where("id", .in, SQLBind.group(open.map(\.id))).run()
            let colleagues = try await app.db.sql.select().columns("id", "team_id").from("users").where("team_id", .equal, SQLBind(team))
                .where("id", .notEqual, SQLBind(me.id)).all(decoding: U.self)
            let teamWork = try await app.db.sql.select().column("id").from("interventions")
                .where("case_manager_id", .in, SQLBind.group(colleagues.map(\.id)))
                .where("start_date", .lessThanOrEqual, SQLBind(today))
                .where { $0.where("end_date", .is, SQLLiteral.null).orWhere("end_date", .greaterThanOrEqual, SQLBind(today)) }
                .all(decoding: I.self)
            #expect(teamWork.count > WorklistController.pageSize)
            let pages = (teamWork.count + WorklistController.pageSize - 1) / WorklistController.pageSize

            let client = TestClient(app)
            try await client.signIn(DemoData.email(for: .practitioner))
            func teamRows(_ body: String) -> [String] {
                guard let start = body.range(of: "colleagues&#39; children") else { return [] }
                return TestClient.allMatches(#"href="/interventions/([0-9a-f-]{36})""#, in: String(body[start.upperBound...]))
            }
            let first = try await client.get("/my-work")
            #expect(first.status == .ok)
            #expect(teamRows(first.body).count == WorklistController.pageSize)
            #expect(first.body.contains("Pages of colleagues&#39; children"))
            #expect(first.body.contains("team-page=2"))
            var all = teamRows(first.body)
            var last = first
            for n in 2...pages {
                last = try await client.get("/my-work?team-page=\(n)")
                #expect(last.status == .ok)
                all += teamRows(last.body)
            }
            #expect(all.count == teamWork.count, "each of the team's \(teamWork.count) pieces of work on one page only")
            #expect(Set(all) == Set(teamWork.map { $0.id.uuidString.lowercased() }))
            // Every child shown on the last page is on the audit record of this look.
            struct A: Decodable { let child_id: UUID? }
            let lastLook = try await app.db.sql.raw(
                SQLQueryString(
                    "SELECT child_id FROM (\(unsafeRaw: AuditRows.perChild)) a WHERE action = 'view_worklist' ORDER BY at DESC, id DESC LIMIT 200"
                )
            ).all(decoding: A.self)
            let shown = Set(TestClient.allMatches(#"href="/children/([0-9a-f-]{36})""#, in: last.body).compactMap(UUID.init(uuidString:)))
            #expect(shown.isSubset(of: Set(lastLook.compactMap(\.child_id))))
            // Past the last page: the last page, as for every list.
            #expect(teamRows(try await client.get("/my-work?team-page=\(pages + 5)").body) == teamRows(last.body))
            #expect(try await client.get("/my-work?team-page=0").status == .badRequest)
            #expect(try await client.get("/my-work?team-page=99999999999").status == .badRequest)
        }
    }
}
