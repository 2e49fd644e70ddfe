import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// The register's runs of three characters (`M0039_RegisterNameGrams`) are kept by triggers: after
/// every kind of write to a child they equal what a plain calculation over the stored names gives,
/// and a search by any part of a name finds exactly the children whose names hold it.
@Suite struct RegisterNameGramsTests {
    /// Every (service, run, child) the table should hold, computed here from the children's rows.
    static func expected(_ app: Application) async throws -> Set<String> {
        struct C: Decodable { let id: UUID; let service_id: UUID; let search_name: String; let family_name: String; let given_name: String }
        var out = Set<String>()
        let children = try await app.db.sql.select().columns("id", "service_id", "search_name", "family_name", "given_name").from(
            "children"
        )
        .all(decoding: C.self)
        for c in children {
            let s = Array(c.search_name.unicodeScalars)
            guard s.count >= 3 else { continue }
            for i in 0...(s.count - 3) {
                var g = String.UnicodeScalarView()
                g.append(contentsOf: s[i..<(i + 3)])
                let gram = String(g)
                if !gram.contains(" ") { out.insert("\(c.service_id)|\(gram)|\(c.id)|\(c.family_name)|\(c.given_name)|\(c.search_name)") }
            }
        }
        return out
    }

    static func held(_ app: Application) async throws -> Set<String> {
        struct G: Decodable {
            let service_id: UUID, gram: String, child_id: UUID, family_name: String, given_name: String, search_name: String
        }
        let rows = try await app.db.sql.select().columns("service_id", "gram", "child_id", "family_name", "given_name", "search_name")
            .from("child_name_grams").all(decoding: G.self)
        let held = rows.map { "\($0.service_id)|\($0.gram)|\($0.child_id)|\($0.family_name)|\($0.given_name)|\($0.search_name)" }
        #expect(held.count == Set(held).count, "no run held twice")
        return Set(held)
    }

    @Test(arguments: TestDatabase.all)
    func theRunsFollowEveryWriteToAChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let west = try await Fixtures.service(app, code: "WF", name: "Westfield")
            let east = try await Fixtures.service(app, code: "EF", name: "Eastfield")
            try await Fixtures.user(app, .manager, services: [west, east])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let zoe = try await Fixtures.addChild(manager, given: "Zoë", family: "O'Brien-Smith", [("service_id", west.id!.uuidString)])
            let lukasz = try await Fixtures.addChild(
                manager, given: "Łukasz", family: "Nowak", dob: (2, 3, 2010), [("service_id", west.id!.uuidString)])
            let short = try await Fixtures.addChild(
                manager, given: "Al", family: "Li", dob: (3, 4, 2011), [("service_id", east.id!.uuidString)])
            let long = try await Fixtures.addChild(
                manager, given: String(repeating: "Abcdefghij", count: 10), family: String(repeating: "Klmnopqrst", count: 9) + "Quixotic",
                dob: (4, 5, 2012), [("preferred_name", String(repeating: "Uvwxyzabcd", count: 10)), ("service_id", west.id!.uuidString)])
            #expect(try await Self.held(app) == Self.expected(app))
            // The long name's last runs, past the 300th character.
            #expect(try await Self.held(app).contains { $0.hasPrefix("\(west.id!)|tic|\(long)|") })

            // Edited through the form: the old name's runs go, the new one's come.
            #expect(
                try await manager.post(
                    Paths.child(zoe),
                    Fixtures.childForm(given: "Zoë", family: "Brennan", [("version", "1"), ("service_id", west.id!.uuidString)])
                ).status == .seeOther)
            #expect(try await Self.held(app) == Self.expected(app))
            #expect(try await manager.get("/children?q=renn").body.contains("Zoë Brennan"))
            #expect(!(try await manager.get("/children?q=brien").body.contains("Zoë")))

            // Moved to another service (as a transfer, split or merge writes it), and a change
            // that leaves the name as it was.
            try await app.db.sql.update("children").set("service_id", to: SQLBind(east.id!)).where("id", .equal, SQLBind(lukasz)).run()
            try await app.db.sql.update("children").set("district", to: SQLBind("Southgate")).where("id", .equal, SQLBind(long)).run()
            // The name's case alone (its runs the same, its order not).
            try await app.db.sql.update("children").set("family_name", to: SQLBind("NOWAK")).where("id", .equal, SQLBind(lukasz)).run()
            #expect(try await Self.held(app) == Self.expected(app))

            // Removed.
            try await app.db.sql.delete(from: "children").where("id", .equal, SQLBind(short)).run()
            #expect(try await Self.held(app) == Self.expected(app))
            #expect(try await Self.held(app).allSatisfy { !$0.contains(short.uuidString) })

            // Found by parts of the name in each service it is in now, by runs of any length.
            #expect(try await manager.get("/children?q=ukas").body.contains("Łukasz NOWAK"))
            #expect(try await manager.get("/children?q=%C5%82ukasz%20owa").body.contains("Łukasz NOWAK"))
            #expect(try await manager.get("/children?q=qrstklm").body.contains("1 child found"))
            #expect(try await manager.get("/children?q=qrstklx").body.contains("0 children found"))
            #expect(try await manager.get("/children?q=XOTIC").body.contains("1 child found"))
            // A word too short for a run is still tested (beside a longer one, or alone by the old way);
            // so is a search of nothing but wildcards, and one with a date of birth.
            #expect(try await manager.get("/children?q=zo%20renn").body.contains("Zoë Brennan"))
            #expect(!(try await manager.get("/children?q=zx%20renn").body.contains("Zoë Brennan")))
            #expect(try await manager.get("/children?q=zo").body.contains("Zoë Brennan"))
            #expect(try await manager.get("/children?q=%25_%25").status == .ok)
            #expect(try await manager.get("/children?q=renn&dob-day=14&dob-month=5&dob-year=2009").body.contains("Zoë Brennan"))
            #expect(!(try await manager.get("/children?q=renn&dob-day=15&dob-month=5&dob-year=2009").body.contains("Zoë Brennan")))
        }
    }

    /// The register chooses the rarest run typed from counts the server keeps (`NameGramCounts`);
    /// a count kept from before a child was added never hides that child.
    @Test(arguments: TestDatabase.all)
    func keptCountsChooseTheRarestRunAndNeverHideAChild(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let west = try await Fixtures.service(app, code: "WF", name: "Westfield")
            let east = try await Fixtures.service(app, code: "EF", name: "Eastfield")
            try await Fixtures.user(app, .manager, services: [west, east])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let w = [("service_id", west.id!.uuidString)]
            _ = try await Fixtures.addChild(manager, given: "Anna", family: "Smith", dob: (1, 2, 2010), w)
            _ = try await Fixtures.addChild(manager, given: "Ben", family: "Smith", dob: (2, 3, 2010), w)
            _ = try await Fixtures.addChild(manager, given: "Cara", family: "Smithers", dob: (3, 4, 2010), w)
            _ = try await Fixtures.addChild(manager, given: "Dan", family: "Quill", dob: (4, 5, 2010), w)
            _ = try await Fixtures.addChild(
                manager, given: "Ola", family: "Smith", dob: (5, 6, 2010), [("service_id", east.id!.uuidString)])
            let counts = app.nameGramCounts
            // "smi", "mit", "ith" are in three names of Westfield, "the", "her", "ers" in one: the first of those.
            #expect(try await counts.rarest(ChildStore.nameGrams(["smithers"]), in: [west.id!], on: app.db) == "the")
            // Over both services: "smi" is in four names, "nna" in one (Anna).
            #expect(try await counts.rarest(["smi", "nna"], in: [west.id!, east.id!], on: app.db) == "nna")
            #expect(try await manager.get("/children?q=smith").body.contains("4 children found"))
            #expect(try await manager.get("/children?q=quill").body.contains("1 child found"))
            #expect(try await manager.get("/children?q=zedd").body.contains("0 children found"))
            // Added after those counts were kept (Quill's runs counted once, "zedd"'s none): found at once.
            _ = try await Fixtures.addChild(manager, given: "Eve", family: "Quill", dob: (6, 7, 2010), w)
            _ = try await Fixtures.addChild(manager, given: "Zedd", family: "Ray", dob: (7, 8, 2010), w)
            #expect(try await manager.get("/children?q=quill").body.contains("2 children found"))
            #expect(try await manager.get("/children?q=zedd").body.contains("1 child found"))
            #expect(try await manager.get("/children?q=smith%20anna").body.contains("1 child found"))
        }
    }

    @Test func aSearchNarrowsByAtMostSixteenRunsOfItsWords() {
        #expect(ChildStore.nameGrams(["smith"]) == ["smi", "mit", "ith"])
        #expect(ChildStore.nameGrams(["al", "li"]).isEmpty)
        #expect(ChildStore.nameGrams(["ana", "nana"]) == ["ana", "nan"])
        #expect(ChildStore.nameGrams([String(repeating: "abcdefghijklmnopqrstuvwxyz", count: 8)]).count == ChildStore.maxGrams)
        #expect(ChildStore.nameGrams(["łuk"]) == ["łuk"])
    }
}
