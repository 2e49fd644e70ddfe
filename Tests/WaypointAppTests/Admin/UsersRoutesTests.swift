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
            let bad = try await admin.post("/admin/users", [("name", "Priya Shah"), ("email", "not-an-email"), ("role", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("Enter an email address in the correct format"))
            #expect(bad.body.contains("Select a role"))
            #expect(bad.body.contains(#"value="Priya Shah""#))
            // The admin never types or sees a password: they get a one-time code to give.
            let ok = try await admin.post(
                "/admin/users",
                [
                    ("name", "Priya Shah"), ("email", "Priya@Example.org"), ("role", "practitioner"),
                    ("services[]", s.id!.uuidString), ("password", "ignored-if-sent-1")
                ])
            #expect(ok.status == .ok)
            #expect(ok.body.contains("Priya Shah has been added"))
            let code = try #require(IdentityFlow.oneTimeCode(ok.body))
            let list = try await admin.get("/admin/users")
            #expect(list.body.contains("priya@example.org"))
            let dup = try await admin.post(
                "/admin/users",
                [
                    ("name", "Priya Again"), ("email", "priya@example.org"), ("role", "practitioner"),
                    ("services[]", s.id!.uuidString)
                ])
            #expect(dup.body.contains("A user with this email address already exists"))
            let priya = TestClient(app)
            #expect(try await priya.signIn("priya@example.org", password: "ignored-if-sent-1").status == .unprocessableEntity)
            try await priya.get("/sign-in/code")
            let first = try await priya.post("/sign-in/code", [("email", "priya@example.org"), ("code", code)])
            #expect(first.location == "/sign-in/new-password")
            #expect(try await priya.get("/children").location == "/sign-in/new-password", "nothing else opens until the password is set")
            try await priya.get("/sign-in/new-password")
            let set = try await priya.post(
                "/sign-in/new-password", [("password", "heron lantern copper stile"), ("confirm", "heron lantern copper stile")])
            #expect(set.location == "/")
            #expect(try await priya.get("/children").status == .ok)
            let again = TestClient(app)
            #expect(try await again.signIn("priya@example.org", password: "heron lantern copper stile").status == .seeOther)
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
            #expect(
                try await AuditRows.all(app).contains { $0.action == "update_user" && $0.details?.contains("practitioner → board") == true }
            )
            // An admin cannot remove their own admin role.
            let me = try await User.query(on: app.db).filter(\.$email == "admin@test.waypoint.test").first()!
            let selfDemote = try await admin.post(
                "/admin/users/\(me.id!.uuidString.lowercased())", [("name", "Me"), ("role", "manager"), ("services[]", s.id!.uuidString)])
            #expect(selfDemote.status == .unprocessableEntity)
            #expect(selfDemote.body.contains("You cannot remove your own administrator role"))
        }
    }
}

import Fluent
