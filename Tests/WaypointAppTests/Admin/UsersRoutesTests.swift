import Foundation
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct UsersRoutesTests {
    @Test(arguments: TestDatabase.all)
    func anAdminAddsAUserWhoCanThenSignIn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            try await admin.get("/admin/users/new")
            let bad = try await admin.post("/admin/users", [("name", "Priya Shah"), ("email", "not-an-email"), ("role", ""), ("password", "short")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Enter an email address in the correct format"))
            #expect(bad.body.contains("Select a role"))
            #expect(bad.body.contains("Password must be at least 12 characters"))
            #expect(bad.body.contains(#"value="Priya Shah""#))
            let ok = try await admin.post("/admin/users", [("name", "Priya Shah"), ("email", "Priya@Example.org"), ("role", "practitioner"),
                                                           ("services[]", s.id!.uuidString), ("password", "a-long-temporary-pw")])
            #expect(ok.status == .seeOther)
            let list = try await admin.get("/admin/users?saved=created")
            #expect(list.body.contains("priya@example.org"))
            #expect(list.body.contains("User added"))
            let dup = try await admin.post("/admin/users", [("name", "Priya Again"), ("email", "priya@example.org"), ("role", "practitioner"),
                                                            ("services[]", s.id!.uuidString), ("password", "a-long-temporary-pw")])
            #expect(dup.body.contains("A user with this email address already exists"))
            let priya = TestClient(app)
            #expect(try await priya.signIn("priya@example.org", password: "a-long-temporary-pw").status == .seeOther)
            #expect(try await priya.get("/children").status == .ok)
        }
    }

    @Test(arguments: TestDatabase.all)
    func changingARoleChangesWhatTheUserMayDo(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let user = try await Fixtures.user(app, .practitioner, services: [s])
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            let path = "/admin/users/\(user.id!.uuidString.lowercased())"
            let form = try await admin.get(path)
            #expect(form.body.contains("Change Test Practitioner’s access"))
            let res = try await admin.post(path, [("name", "Test Practitioner"), ("role", "board"), ("services[]", s.id!.uuidString)])
            #expect(res.status == .seeOther)
            let client = TestClient(app)
            try await client.signIn("practitioner@test.waypoint.test")
            #expect(try await client.get("/children").status == .forbidden)
            #expect(try await AuditRows.all(app).contains { $0.action == "update_user" && $0.details?.contains("practitioner → board") == true })
            // An admin cannot remove their own admin role.
            let me = try await User.query(on: app.db).filter(\.$email == "admin@test.waypoint.test").first()!
            let selfDemote = try await admin.post("/admin/users/\(me.id!.uuidString.lowercased())", [("name", "Me"), ("role", "manager"), ("services[]", s.id!.uuidString)])
            #expect(selfDemote.status == .unprocessableEntity)
            #expect(selfDemote.body.contains("You cannot remove your own administrator role"))
        }
    }
}

import Fluent
