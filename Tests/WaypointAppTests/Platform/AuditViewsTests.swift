import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Every look on the record (#16 item 3): worklists, the referral queue, group sessions, a
/// volunteer's panels and bundle exports write one audit entry per child they show.
@Suite struct AuditViewsTests {
    static func audited(_ app: Application, _ action: String, details: String) async throws -> Set<UUID> {
        Set(try await AuditRows.all(app).filter { $0.action == action && $0.details?.hasPrefix(details) == true }.compactMap(\.child_id))
    }

    /// The children a page links to.
    static func linkedChildren(_ body: String) -> Set<UUID> {
        Set(TestClient.allMatches(#"href="/children/([0-9a-f-]{36})""#, in: body).compactMap(UUID.init(uuidString:)))
    }

    @Test(arguments: TestDatabase.all)
    func listsAndExportsNameEachChildTheyShowOnTheAuditRecord(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let (_, manager, _) = try await ReportAgreementTests.demo(app)
            let practitioner = TestClient(app)
            try await practitioner.signIn(DemoData.email(for: .practitioner))

            let myWork = try await practitioner.get("/my-work")
            #expect(myWork.status == .ok)
            let shownOnMyWork = Self.linkedChildren(myWork.body)
            #expect(!shownOnMyWork.isEmpty, "the demo practitioner has work")
            #expect(try await Self.audited(app, "view_worklist", details: "my work") == shownOnMyWork)

            let service = try await manager.get("/service")
            #expect(service.status == .ok)
            let serviceAudited = try await Self.audited(app, "view_worklist", details: "service worklist")
            #expect(!serviceAudited.isEmpty)
            #expect(Self.linkedChildren(service.body).isSubset(of: serviceAudited), "every child linked is audited")

            let queue = try await manager.get("/referrals")
            #expect(queue.status == .ok)
            let rows = TestClient.allMatches(#"href="/referrals/([0-9a-f-]{36})""#, in: queue.body).count
            let queueAudited = try await Self.audited(app, "view_worklist", details: "referral queue")
            #expect(rows == 0 || !queueAudited.isEmpty)
            #expect(queueAudited.count <= rows)

            // A group session: each child in it.
            struct G: Decodable { let group_id: String }
            if let g = try await app.db.sql.select().column("group_id").from("contacts").where("group_id", .isNot, SQLLiteral.null).first(
                decoding: G.self)
            {
                let page = try await manager.get("/group-sessions/\(g.group_id)")
                #expect(page.status == .ok)
                struct C: Decodable { let child_id: UUID }
                let members = Set(
                    try await app.db.sql.select().column("child_id").from("contacts").where("group_id", .equal, SQLBind(g.group_id)).all(
                        decoding: C.self
                    ).map(\.child_id))
                #expect(try await Self.audited(app, "view_group_session", details: "group session") == members)
            }

            // A bundle export: every child in it.
            let zip = try await manager.getData("/data/export?service=\(DemoData.serviceCode)")
            #expect(!zip.isEmpty)
            struct N: Decodable { let n: Int }
            let children = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM children").first(decoding: N.self)?.n ?? 0
            #expect(try await Self.audited(app, "export_bundle_child", details: "service \(DemoData.serviceCode)").count == children)
        }
    }
}
