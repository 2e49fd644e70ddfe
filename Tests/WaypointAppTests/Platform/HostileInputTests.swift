import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Every route the app registers, as every role (and signed out), sent hostile values in every
/// query and form parameter: huge and negative integers, non-numbers, impossible and extreme
/// dates, megabyte strings, control characters, invalid UTF-8, missing and repeated fields, wrong
/// content types and oversized bodies, and hostile path parameters. Pass: no answer is a 5xx, the
/// server still answers, and a refused request changes no record. Routes are read from the app
/// itself, so a new route is covered the day it lands.
@Suite struct HostileInputTests {
    static let values: [(String, String)] = [
        ("Int.max", "9223372036854775807"), ("Int.min", "-9223372036854775808"), ("beyond Int", "99999999999999999999999999"),
        ("negative", "-1"), ("zero", "0"), ("not a number", "abc"), ("float", "1e308"),
        ("year 0001", "0001"), ("year 9999", "9999"), ("date text", "9999-12-31"),
        ("control characters", "\u{0}\u{1}\u{7}\r\n\t\u{1b}[31m"), ("unicode", "\u{202E}\u{FEFF}Ω😀\u{10FFFF}"),
        ("markup", "<script>alert(1)</script>\"'&"), ("formula", "=cmd|' /C calc'!A0"), ("path", "../../../../etc/passwd"),
        ("sql", "' OR 1=1; DROP TABLE children; --"), ("100 KB string", String(repeating: "x", count: 100_000)),
        ("blank", "")
    ]
    /// Sent raw (already encoded) so they reach the parsers as bytes no client would make.
    static let rawValues: [(String, String)] = [("invalid UTF-8", "%FF%FE%C0%AF"), ("half escape", "%E2%82"), ("bad escape", "%zz%")]

    static let queryNames =
        [
            "page", "version", "q", "preset", "service", "team", "breakdown", "group", "format", "measure", "saved",
            "compliance", "next", "timeout", "signed_out", "kind", "report", "child", "intervention", "team-page"
        ]
        + ["from", "to", "dob", "held", "received", "decided", "start", "end", "offence", "outcome_date", "hearing", "holiday", "held_on"]
        .flatMap { ["\($0)-day", "\($0)-month", "\($0)-year"] }

    /// The path parameters of the demo data, by name.
    static func ids(_ app: Application) async throws -> [String: String] {
        struct R: Decodable { let id: String }
        func first(_ sql: String) async throws -> String {
            try await app.db.sql.raw(SQLQueryString(sql)).first(decoding: R.self)?.id.lowercased() ?? UUID().uuidString.lowercased()
        }
        let victim = User(
            email: "victim-of-hostile@test.waypoint.test", name: "Hostile target", passwordHash: try app.password.hash("x-long-password"),
            role: .practitioner)
        try await victim.create(on: app.db)
        return [
            "childID": try await first("SELECT CAST(child_id AS TEXT) AS id FROM interventions ORDER BY start_date LIMIT 1"),
            "interventionID": try await first("SELECT CAST(id AS TEXT) AS id FROM interventions ORDER BY start_date LIMIT 1"),
            "referralID": try await first("SELECT CAST(id AS TEXT) AS id FROM referrals WHERE decision = 'pending' LIMIT 1"),
            "assessmentID": try await first("SELECT CAST(id AS TEXT) AS id FROM assessments LIMIT 1"),
            "recordID": try await first("SELECT CAST(id AS TEXT) AS id FROM contacts LIMIT 1"),
            "groupID": try await first("SELECT CAST(group_id AS TEXT) AS id FROM contacts WHERE group_id IS NOT NULL LIMIT 1"),
            "panelID": try await first("SELECT CAST(id AS TEXT) AS id FROM panels LIMIT 1"),
            "disposalPanelID": try await first("SELECT CAST(id AS TEXT) AS id FROM disposal_panels LIMIT 1"),
            "scrutinyID": try await first("SELECT CAST(scrutiny_id AS TEXT) AS id FROM scrutiny_findings LIMIT 1"),
            "decisionID": try await first("SELECT CAST(decision_id AS TEXT) AS id FROM scrutiny_findings LIMIT 1"),
            "userID": victim.id!.uuidString.lowercased(),
            "kind": "contact", "report": "kpis", "name": "waypoint.css"
        ]
    }

    /// A few values, different for each role, for the routes another role has had every value on.
    static func sample(_ all: [(String, String)], _ role: Role?) -> [(String, String)] {
        let start = (role.flatMap { Role.allCases.firstIndex(of: $0) } ?? Role.allCases.count) * 3
        return (0..<4).map { all[(start + $0 * 5) % all.count] }
    }

    static let hostilePathValues = ["9223372036854775807", "not-a-uuid", "..%2F..%2Fetc", String(repeating: "9", count: 5_000), "%FF%FE"]

    /// Counts of every case table in one query: a refused request must leave them as they were.
    static func counts(_ app: Application) async throws -> String {
        let tables =
            [
                "children", "referrals", "interventions", "offences", "assessments", "allocations", "court_hearings", "case_consultations",
                "board_meetings", "board_attendance", "users", "user_services", "teams", "services", "outcome_types", "bank_holidays",
                "population", "timescale_settings", "panel_members", "disposal_panels", "panel_decisions", "scrutiny_panels",
                "scrutiny_findings"
            ] + RecordKind.allCases.map(\.spec.table)
        struct R: Decodable { let t: String; let n: Int }
        let sql = tables.map { "SELECT '\($0)' AS t, count(*) AS n FROM \($0)" }.joined(separator: " UNION ALL ")
        let rows = try await app.db.sql.raw(SQLQueryString(sql)).all(decoding: R.self)
        return rows.sorted { $0.t < $1.t }.map { "\($0.t)=\($0.n)" }.joined(separator: ",")
    }

    // Alone it takes about five minutes a database (550 s for both at once, 1 December 2026); beside
    // the rest of the suite on a two-core machine it took over 20 minutes on PostgreSQL once the
    // panel, scrutiny and care pages (eleven routes, four more tables counted per request) joined:
    // the limit leaves room for that.
    @Test(.timeLimit(.minutes(30)), arguments: TestDatabase.all)
    func everyRouteAsEveryRoleSurvivesHostileInput(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate.today(at: pinnedNow)
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let ids = try await Self.ids(app)
            let routes = app.routes.all.filter { $0.method == .GET || $0.method == .POST }
            var failures: [String] = []
            var halfWritten: [String] = []
            var fieldNames = Set<String>()
            var sent = 0
            let started = Date()

            func concrete(_ route: Route, replacing: String? = nil) -> String {
                "/"
                    + route.path.map { c -> String in
                        switch c {
                        case .constant(let s): return s
                        case .parameter(let p): return replacing ?? ids[p] ?? "x"
                        case .anything, .catchall: return replacing ?? "x"
                        }
                    }.joined(separator: "/")
            }
            func note(_ page: TestClient.Page, _ what: String) {
                sent += 1
                if page.status.code >= 500 { failures.append("\(page.status.code) \(what)") }
            }
            /// The names of a page's fields, so every form's own fields are sent hostile values.
            func learnFields(_ page: TestClient.Page) {
                guard page.status == .ok else { return }
                var rest = page.body[...]
                while let r = rest.range(of: #" name=""#) {
                    rest = rest[r.upperBound...]
                    guard let end = rest.firstIndex(of: "\""), rest.distance(from: rest.startIndex, to: end) <= 40 else { continue }
                    fieldNames.insert(String(rest[..<end]))
                }
            }

            // Signed out last: its failed sign-ins make this address wait, as they should.
            let roles: [Role?] = Role.allCases + [nil]
            var slowest: [(Double, String)] = []
            var fullyCovered = Set<String>()
            for role in roles {
                let client = TestClient(app)
                // The previous role's hostile one-time codes and wrong current passwords made this
                // address wait, as they should: a new address for the next role.
                app.signInGate = SignInGate()
                try await app.db.sql.raw("DELETE FROM sign_in_attempts").run()
                if let role { #expect(try await client.signIn(DemoData.email(for: role)).status == .seeOther, "\(role.rawValue) signs in") }
                let who = role?.rawValue ?? "signed out"
                for route in routes.sorted(by: { $0.description < $1.description }) where route.method == .GET {
                    let path = concrete(route)
                    let t0 = Date()
                    let base = try await client.get(path)
                    note(base, "\(who) GET \(path)")
                    learnFields(base)
                    // Refused outright (403, or sent to sign in): the refusal comes before any
                    // parameter is read, so a few values show it holds.
                    let refused = base.status == .forbidden || base.status == .seeOther || base.status == .notFound
                    // Parameters are parsed the same whoever asks: every value once per route (by the
                    // first role it answers), a handful for each other role.
                    let full = !refused && fullyCovered.insert("GET " + route.description).inserted
                    for (label, v) in full ? Self.values : Self.sample(Self.values, role) {
                        let q = Self.queryNames.map { "\($0)=\(TestClient.encode(v))" }.joined(separator: "&")
                        note(try await client.get(path + "?" + q), "\(who) GET \(path) with \(label)")
                    }
                    for (label, v) in full ? Self.rawValues : Array(Self.rawValues.prefix(1)) {
                        note(
                            try await client.get(path + "?" + Self.queryNames.map { "\($0)=\(v)" }.joined(separator: "&")),
                            "\(who) GET \(path) with \(label)")
                    }
                    note(
                        try await client.get(path + "?page=1&page=2&from-year=2024&from-year=x"),
                        "\(who) GET \(path) with repeated parameters")
                    if full, route.path.contains(where: { if case .parameter = $0 { true } else { false } }) {
                        for v in Self.hostilePathValues {
                            note(try await client.get(concrete(route, replacing: v)), "\(who) GET hostile path \(route.description)")
                        }
                    }
                    slowest.append((Date().timeIntervalSince(t0), "\(who) GET \(route.description)"))
                }
                for route in routes.sorted(by: { $0.description < $1.description }) where route.method == .POST {
                    let path = concrete(route)
                    if path == "/sign-out" { continue }  // signs the client out; covered signed out and by the sign-in suite
                    // These take no fields and sign the client out everywhere (IdentityTests).
                    if path.hasPrefix("/account/sessions/") && role != nil { continue }
                    if role != nil && path == "/sign-in" { continue }  // failed sign-ins make the address wait: signed out only
                    let t0 = Date()
                    defer { slowest.append((Date().timeIntervalSince(t0), "\(who) POST \(route.description)")) }
                    if route.streamsBody {
                        for body in [
                            Data(), Data(repeating: 0x41, count: 200_000),
                            Data(
                                "--b\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"x.zip\"\r\n\r\nPK\u{3}\u{4}junk\r\n--b--\r\n"
                                    .utf8)
                        ] {
                            for type in [
                                "multipart/form-data; boundary=b", "multipart/form-data", "multipart/form-data; boundary=",
                                "application/json", "text/plain"
                            ] {
                                let before = try await Self.counts(app)
                                let page = try await client.raw(.POST, path, body: body, contentType: type)
                                note(page, "\(who) POST \(path) upload as \(type)")
                                if page.status.code >= 400, try await Self.counts(app) != before {
                                    halfWritten.append("\(who) POST \(path) upload as \(type)")
                                }
                            }
                        }
                        continue
                    }
                    let names = Array(
                        fieldNames.union(["version", "email", "password", "next", "confirm_not_duplicate", "decision"]).subtracting([
                            "_csrf"
                        ])
                    ).sorted()
                    var bodies: [(String, String, String)] = []  // label, content type, body
                    let full = fullyCovered.insert("POST " + route.description).inserted
                    for (label, v) in full ? Self.values : Self.sample(Self.values, role) {
                        bodies.append(
                            (
                                label, "application/x-www-form-urlencoded",
                                names.map { "\($0)=\(TestClient.encode(v))" }.joined(separator: "&") + "&_csrf=\(client.csrf)"
                            ))
                    }
                    for (label, v) in full ? Self.rawValues : Array(Self.rawValues.prefix(1)) {
                        bodies.append(
                            (
                                label, "application/x-www-form-urlencoded",
                                names.map { "\($0)=\(v)" }.joined(separator: "&") + "&_csrf=\(client.csrf)"
                            ))
                    }
                    bodies.append(
                        (
                            "repeated fields", "application/x-www-form-urlencoded",
                            names.map { "\($0)=1&\($0)=2&\($0)[]=3&\($0)[a]=4" }.joined(separator: "&") + "&_csrf=\(client.csrf)"
                        ))
                    bodies.append(("missing fields", "application/x-www-form-urlencoded", "_csrf=\(client.csrf)"))
                    bodies.append(("JSON", "application/json", #"{"_csrf":"\#(client.csrf)","version":1e999,"page":[1,{"a":null}]}"#))
                    bodies.append(("broken JSON", "application/json", #"{"_csrf":"#))
                    bodies.append(("text", "text/plain", "hello"))
                    bodies.append(("multipart without boundary", "multipart/form-data", "--x\r\n"))
                    bodies.append(
                        (
                            "oversized form", "application/x-www-form-urlencoded",
                            "_csrf=\(client.csrf)&q=" + String(repeating: "y", count: 1_200_000)
                        ))
                    for (label, type, body) in bodies {
                        let before = try await Self.counts(app)
                        let page = try await client.raw(.POST, path, body: Data(body.utf8), contentType: type)
                        note(page, "\(who) POST \(path) with \(label)")
                        if page.status.code >= 400, try await Self.counts(app) != before {
                            halfWritten.append("\(who) POST \(path) with \(label) (\(page.status.code))")
                        }
                    }
                    for v in Self.hostilePathValues
                    where full && route.path.contains(where: { if case .parameter = $0 { true } else { false } }) {
                        note(
                            try await client.raw(
                                .POST, concrete(route, replacing: v), body: Data("_csrf=\(client.csrf)".utf8),
                                contentType: "application/x-www-form-urlencoded"), "\(who) POST hostile path \(route.description)")
                    }
                }
            }
            let health = try await TestClient(app).get("/health")
            #expect(health.status == .ok, "the server still answers")
            #expect(failures.isEmpty, "\(failures.count) answers were 5xx:\n\(failures.prefix(40).joined(separator: "\n"))")
            #expect(halfWritten.isEmpty, "refused but changed records:\n\(halfWritten.prefix(40).joined(separator: "\n"))")
            for (t, what) in slowest.sorted(by: { $0.0 > $1.0 }).prefix(12) { print(String(format: "  %.2f s  ", t) + what) }
            print(
                "hostile input (\(db.rawValue)): \(routes.count) routes × \(roles.count) roles, \(sent) requests in \(Int(Date().timeIntervalSince(started))) s"
            )
        }
    }
}
