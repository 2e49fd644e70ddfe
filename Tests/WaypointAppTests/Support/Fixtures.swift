import Fluent
import Foundation
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Services and users are set up as an administrator would (the same models and password
/// hasher as `waypoint user create`); children are added through the register form.
enum Fixtures {
    static let password = "correct-horse-battery"

    @discardableResult
    static func service(_ app: Application, code: String = "WF", name: String = "Westfield Youth Justice Service") async throws -> Service {
        let s = Service(code: code, name: name)
        try await s.create(on: app.db)
        return s
    }

    @discardableResult
    static func user(_ app: Application, _ role: Role, email: String? = nil, name: String? = nil, services: [Service]) async throws -> User
    {
        let u = User(
            email: email ?? "\(role.rawValue)@test.waypoint.test", name: name ?? "Test \(role.label)",
            passwordHash: try app.password.hash(password), role: role)
        try await u.create(on: app.db)
        for s in services { try await UserService(userID: u.id!, serviceID: s.id!).create(on: app.db) }
        return u
    }

    /// A valid child form: override fields as needed.
    static func childForm(
        given: String = "Jordan", family: String = "Smith", dob: (Int, Int, Int) = (14, 5, 2009),
        _ overrides: [(String, String)] = []
    ) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("given_name", given), ("family_name", family), ("preferred_name", ""),
            ("dob-day", String(dob.0)), ("dob-month", String(dob.1)), ("dob-year", String(dob.2)),
            ("sex", "male"), ("ethnicity", "white_british"), ("care_status", "none"),
            ("send", "no"), ("ehcp", "no"), ("postcode", "ls1 4ap"), ("district", "Northbrook"),
            ("nhs_number", ""), ("upn", ""), ("pnc_id", ""), ("school", ""), ("ete_status", ""), ("accommodation", ""),
            ("what_matters", "Football on Saturdays"), ("strengths", "Kind to his sister")
        ]
        for (k, v) in overrides {
            if let i = fields.firstIndex(where: { $0.0 == k }) { fields[i].1 = v } else { fields.append((k, v)) }
        }
        return fields
    }

    /// Adds a child through the form and returns its id (from the redirect).
    static func addChild(
        _ client: TestClient, given: String = "Jordan", family: String = "Smith", dob: (Int, Int, Int) = (14, 5, 2009),
        _ overrides: [(String, String)] = []
    ) async throws -> UUID {
        try await client.get("/children/new")
        var page = try await client.post("/children", childForm(given: given, family: family, dob: dob, overrides))
        if page.status == .ok, page.body.contains("may already be on the register") {
            page = try await client.post(
                "/children", childForm(given: given, family: family, dob: dob, overrides + [("confirm_not_duplicate", "yes")]))
        }
        guard page.status == .seeOther, let loc = page.location,
            let id = UUID(uuidString: String(loc.dropFirst("/children/".count).prefix(36)))
        else {
            throw TestFailure("adding a child failed: \(page.status) \(page.body.prefix(2000))")
        }
        return id
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
