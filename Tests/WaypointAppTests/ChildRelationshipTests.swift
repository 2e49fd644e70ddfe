import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Access by relationship (#16 item 1): a practitioner writes on their own children, reads their
/// team's, gives a reason (recorded, shown to managers) to read any other child of their
/// services, and never reaches another service's child.
@Suite struct ChildRelationshipTests {
    @Test(arguments: TestDatabase.all)
    func practitionersReachChildrenByTheirRelationshipToThem(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            let other = try await Fixtures.service(app, code: "OT", name: "Other YJS")
            try await Fixtures.user(app, .manager, services: [s])
            let me = try await Fixtures.user(app, .practitioner, email: "me@test.waypoint.test", name: "Pat Me", services: [s])
            let mate = try await Fixtures.user(app, .practitioner, email: "mate@test.waypoint.test", name: "Tam Mate", services: [s])
            let stranger = try await Fixtures.user(
                app, .practitioner, email: "stranger@test.waypoint.test", name: "Sam Stranger", services: [s])
            try await Fixtures.user(app, .manager, email: "other.manager@test.waypoint.test", services: [other])
            // Me and my mate are in one team; the stranger in another.
            let north = UUID(), south = UUID()
            for (id, name) in [(north, "North"), (south, "South")] {
                try await app.db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                    SQLBind(id), SQLBind(s.id!), SQLBind(name)
                ).run()
            }
            for (u, t) in [(me, north), (mate, north), (stranger, south)] {
                try await Workers.setTeam(u.id!, t, from: LocalDate(iso: "1900-01-01")!, on: app.db, now: pinnedNow)
            }

            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let client = TestClient(app)
            try await client.signIn("me@test.waypoint.test")
            let mine = try await Fixtures.addChild(client, given: "Mine", family: "Own")
            let teams = try await Fixtures.addChild(manager, given: "Teams", family: "Child")
            let strangers = try await Fixtures.addChild(manager, given: "Strangers", family: "Child")
            let otherManager = TestClient(app)
            try await otherManager.signIn("other.manager@test.waypoint.test")
            let elsewhere = try await Fixtures.addChild(otherManager, given: "Else", family: "Where")
            // The manager starts work for the team's child (my mate's) and the stranger's child.
            var interventions: [UUID] = []
            for (child, worker) in [(teams, mate), (strangers, stranger)] {
                let c = child.uuidString.lowercased()
                try await manager.get("/children/\(c)/interventions/new")
                let started = try await manager.post(
                    "/children/\(c)/interventions",
                    [("type", "prevention"), ("start-day", "1"), ("start-month", "3"), ("start-year", "2024"), ("length_months", "")])
                #expect(started.status == .seeOther)
                let intervention = try #require(
                    started.location.flatMap { UUID(uuidString: String($0.dropFirst("/interventions/".count).prefix(36))) })
                interventions.append(intervention)
                try await manager.get(Paths.allocate(intervention))
                #expect(
                    try await manager.post(
                        Paths.allocate(intervention),
                        [("case_manager", worker.id!.uuidString), ("co_worker", ""), ("confirm_over_cap", "yes")]
                    ).status == .seeOther)
            }
            func path(_ id: UUID) -> String { Paths.child(id) }
            let edit = Fixtures.childForm(given: "Changed", [("version", "1")])

            // The register finds any child of the service by name, but shows identifiers only of those
            // the practitioner may open.
            let found = try await client.get("/children?q=Strangers")
            #expect(found.body.contains("Strangers Child"))
            #expect(!found.body.contains("14 May 2009"), "no date of birth for a child they cannot open")
            #expect(found.body.contains(Paths.childAccess(strangers)))
            let team = try await client.get("/children?q=Teams")
            #expect(team.body.contains("14 May 2009"))
            #expect(team.body.contains("href=\"\(Paths.child(teams))\""))
            // My own child: read and change.
            #expect(try await client.get(path(mine)).status == .ok)
            #expect(try await client.post(path(mine), edit).status == .seeOther)
            // My team's child: read, not change.
            #expect(try await client.get(path(teams)).status == .ok)
            let refused = try await client.post(path(teams), edit)
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("case manager or co-worker can change their record"))
            // Another child of the service: asked why first; nothing of theirs is shown.
            #expect(
                try await client.get(path(strangers) + "/offences/new").status == .forbidden, "a form to change their record is never shown"
            )
            let asked = try await client.get(path(strangers))
            #expect(asked.status == .seeOther)
            let form = try await client.get(try #require(asked.location))
            #expect(form.status == .ok)
            #expect(form.body.contains("Why do you need this record?"))
            #expect(!form.body.contains("Strangers"))
            let short = try await client.post(path(strangers) + "/access", [("reason", "why"), ("next", path(strangers))])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.contains("Give the reason in a few words"))
            let given = try await client.post(
                path(strangers) + "/access", [("reason", "Covering their court appearance today"), ("next", "https://evil.example/")])
            #expect(given.status == .seeOther)
            #expect(given.location == "/", "only a local path is followed after the reason")
            #expect(try await client.get(path(strangers)).status == .ok)
            #expect(try await client.post(path(strangers), edit).status == .forbidden, "a reason opens reading, never changing")
            #expect(
                try await AuditRows.all(app).contains {
                    $0.action == "child_access_reason" && $0.child_id == strangers && $0.details == "Covering their court appearance today"
                })
            // The managers' page lists it.
            let reasons = try await manager.get(Paths.accessReasons)
            #expect(reasons.status == .ok)
            #expect(reasons.body.contains("Covering their court appearance today"))
            #expect(reasons.body.contains("Pat Me"))
            #expect(try await client.get(Paths.accessReasons).status == .forbidden)
            // A victim worker: the child's summary, offences and victims, nothing of the case file.
            try await Fixtures.user(app, .victimWorker, services: [s])
            let victims = TestClient(app)
            try await victims.signIn("victim_worker@test.waypoint.test")
            let summary = try await victims.get(path(teams))
            #expect(summary.status == .ok)
            #expect(summary.body.contains("Offences"))
            for hidden in [
                "Referrals", "Identifiers", "What matters to", "Current work and what is due", "Home, education and accommodation"
            ] {
                #expect(!summary.body.contains(hidden), "a victim worker does not see \(hidden)")
            }
            #expect(try await victims.get(Paths.intervention(interventions[0])).status == .forbidden)
            #expect(try await victims.get(Paths.intervention(interventions[0]) + "/records/contact/csv").status == .forbidden)
            #expect(try await manager.get(Paths.intervention(interventions[0]) + "/records/contact/csv").status == .ok)
            // Each child's audit trail says why each look was allowed.
            let strangersTrail = try await manager.get(Paths.childAudit(strangers))
            #expect(strangersTrail.body.contains("Why they could see it"))
            #expect(strangersTrail.body.contains("reason given: Covering their court appearance today"))
            #expect(try await manager.get(Paths.childAudit(teams)).body.contains("their team&#39;s child"))
            #expect(try await manager.get(Paths.childAudit(mine)).body.contains("case manager or co-worker"))
            #expect(try await manager.get(path(mine)).status == .ok)
            #expect(try await manager.get(Paths.childAudit(mine)).body.contains("manager of the child&#39;s service"))
            // Another service's child: not found, reason or not.
            #expect(try await client.get(path(elsewhere)).status == .notFound)
            #expect(try await client.get(path(elsewhere) + "/access").status == .notFound)
        }
    }
}
