import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Every role against every route family, through the real app.
@Suite struct AccessMatrixTests {
    @Test(arguments: TestDatabase.all)
    func everyRoleAgainstEveryRouteFamily(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            for role in Role.allCases { try await Fixtures.user(app, role, services: role == .admin ? [] : [s]) }
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let child = try await Fixtures.addChild(manager)
            let childPath = "/children/\(child.uuidString.lowercased())"
            let userID = try await User.query(on: app.db).filter(\.$email == "practitioner@test.waypoint.test").first()!.id!

            let families: [(String, String, Set<Role>)] = [
                ("register", "/children", [.practitioner, .manager, .victimWorker]),
                ("add child", "/children/new", [.practitioner, .manager]),
                ("child record", childPath, [.practitioner, .manager, .victimWorker]),
                ("edit child", childPath + "/edit", [.practitioner, .manager]),
                ("audit trail", childPath + "/audit", [.manager]),
                ("admin users", "/admin/users", [.admin]),
                ("admin user", "/admin/users/\(userID.uuidString.lowercased())", [.admin]),
                ("home", "/", Set(Role.allCases)),
                ("my work", "/my-work", [.practitioner, .manager]),
                ("service worklist", "/service", [.manager]),
                ("referral queue", "/referrals", [.manager]),
                ("record a referral", childPath + "/referrals/new", [.practitioner, .manager]),
                ("record an offence", childPath + "/offences/new", [.practitioner, .manager]),
                ("start an intervention", childPath + "/interventions/new", [.manager]),
                ("transfer a child", childPath + "/transfer", [.manager]),
                ("reports", "/reports", [.manager, .analyst, .board]),
                ("report figures", "/reports/first-time-entrants", [.manager, .analyst, .board]),
                ("report children", "/reports/first-time-entrants/children?breakdown=all&group=all", [.manager, .analyst]),
                ("import and export", "/data", [.manager, .analyst]),
                ("saved reports", "/reports/saved", [.manager, .analyst]),
                ("reasons given to open records", "/service/access-reasons", [.manager]),
                ("say why a record is needed", childPath + "/access", [.practitioner, .manager, .victimWorker]),
                ("reference data", "/admin/outcomes", [.admin]),
                ("outcome code", "/admin/outcomes/youth_caution", [.admin]),
                ("bank holidays", "/admin/bank-holidays", [.admin]),
                ("services", "/admin/services", [.admin]),
                ("group sessions", "/group-sessions", [.practitioner, .manager]),
                ("my panels", "/panels", [.practitioner, .manager, .volunteer]),
                ("record a victim", childPath + "/records/victim/new", [.victimWorker, .manager]),
                ("record a care episode", childPath + "/records/care_episode/new", [.practitioner, .manager]),
                ("record an exploitation concern", childPath + "/records/exploitation/new", [.practitioner, .manager]),
                ("portfolio of achievements", childPath + "/portfolio", [.practitioner, .manager]),
                ("out-of-court decision panels", "/out-of-court-panels", [.manager]),
                ("record an out-of-court panel", "/out-of-court-panels/new", [.manager]),
                ("start a scrutiny panel", "/scrutiny-panels/new", [.manager]),
                ("board meetings", "/board-meetings", [.manager, .analyst, .board]),
                ("record a board meeting", "/board-meetings/new", [.manager])
            ]
            for role in Role.allCases {
                let client = TestClient(app)
                #expect(try await client.signIn("\(role.rawValue)@test.waypoint.test").status == .seeOther)
                for (family, path, allowed) in families {
                    let page = try await client.get(path)
                    var expected: HTTPStatus = allowed.contains(role) ? .ok : .forbidden
                    // The child was recorded by the manager and is allocated to nobody: a practitioner
                    // is asked why they need it before anything of theirs is shown.
                    // A form to change their record is refused outright (a reason opens reading only).
                    if role == .practitioner && path.hasPrefix(childPath) && !path.hasSuffix("/access") && allowed.contains(role) {
                        expected = path == childPath || path == childPath + "/portfolio" ? .seeOther : .forbidden
                    }
                    #expect(page.status == expected, "\(role.rawValue) → \(family)")
                    if page.status == .seeOther {
                        #expect(page.headers.first(name: .location)?.hasPrefix(childPath + "/access?next=") == true, "\(family)")
                    }
                    if page.status == .forbidden {
                        #expect(
                            page.body.contains("does not give access to this page")
                                || page.body.contains("case manager or co-worker can change their record"))
                        #expect(!page.body.contains("Jordan"), "\(role.rawValue) → \(family) shows the child")
                    }
                }
                // A role that may not create children cannot post the form either.
                let post = try await client.post("/children", Fixtures.childForm(given: "Posted\(role.rawValue)"))
                #expect(post.status == (Policy.allows(role, .createChild) ? .seeOther : .forbidden), "\(role.rawValue) → POST /children")
                // Correcting an outcome code is an administrator's.
                let code = try await client.post(
                    "/admin/outcomes/outcome_21",
                    [
                        ("label", "Outcome 21"), ("tier", "pre_court"), ("counts_as_entry", "no"),
                        ("conviction", "no"), ("custodial", "no"), ("disposal_group", "none"), ("retired", "no")
                    ])
                #expect(code.status == (role == .admin ? .seeOther : .forbidden), "\(role.rawValue) → POST outcome code")
                // Clearing a user's failed sign-ins is an administrator's (and audited).
                let unlock = try await client.post("/admin/users/\(userID.uuidString.lowercased())/unlock", [])
                #expect(unlock.status == (role == .admin ? .seeOther : .forbidden), "\(role.rawValue) → POST unlock")
            }
        }
    }
}

import Fluent
