import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// The whole access matrix (#16): every route the app registers, GET and POST, for every role ×
/// the practitioner's own child / their team's child / another child of the service / a child of
/// another service. The expected outcomes are written here from product.md, not read from the
/// Policy, and a route the app registers without a row here fails the test.
@Suite struct RelationshipMatrixTests {
    enum Rel: String, CaseIterable { case own, team, other, elsewhere }
    enum Outcome: String { case ok, reason, forbidden, notFound }

    /// What a route does, from product.md.
    enum Rule {
        /// Not about one child: the roles listed reach it, every other role is refused.
        case roles(Set<Role>)
        /// Reads a child's record: practitioners read their own and their team's children and give
        /// a reason for any other; other roles listed read every child of their services.
        case read(Set<Role>)
        /// Changes a child's record (or is the form to): practitioners only their own children.
        case write(Set<Role>)
        /// The form that asks a practitioner why they need a record: reachable for any child of
        /// the user's services.
        case reasonForm(Set<Role>)
    }

    static let caseWorkers: Set<Role> = [.practitioner, .manager]

    /// Every route, by method and pattern, with its rule; `kinds` fills `:kind` (one rule each).
    static let table: [String: [(kind: String?, rule: Rule)]] = [
        "GET /": [(nil, .roles(Set(Role.allCases)))],
        "GET /children": [(nil, .roles([.practitioner, .manager, .victimWorker]))],
        "GET /children/new": [(nil, .roles(caseWorkers))],
        "POST /children": [(nil, .roles(caseWorkers))],
        "GET /children/:childID": [(nil, .read([.practitioner, .manager, .victimWorker]))],
        "GET /children/:childID/edit": [(nil, .write(caseWorkers))],
        "POST /children/:childID": [(nil, .write(caseWorkers))],
        "GET /children/:childID/audit": [(nil, .read([.manager]))],
        "GET /children/:childID/access": [(nil, .reasonForm([.practitioner, .manager, .victimWorker]))],
        "POST /children/:childID/access": [(nil, .reasonForm([.practitioner, .manager, .victimWorker]))],
        "GET /service/access-reasons": [(nil, .roles([.manager]))],
        "GET /children/:childID/referrals/new": [(nil, .write(caseWorkers))],
        "POST /children/:childID/referrals": [(nil, .write(caseWorkers))],
        "GET /referrals": [(nil, .roles([.manager]))],
        "GET /referrals/:referralID": [(nil, .read(caseWorkers))],
        "POST /referrals/:referralID/screening": [(nil, .write([.manager]))],
        "GET /children/:childID/offences/new": [(nil, .write(caseWorkers))],
        "POST /children/:childID/offences": [(nil, .write(caseWorkers))],
        "GET /children/:childID/hearings/new": [(nil, .write(caseWorkers))],
        "POST /children/:childID/hearings": [(nil, .write(caseWorkers))],
        "GET /children/:childID/consultations/new": [(nil, .write(caseWorkers))],
        "POST /children/:childID/consultations": [(nil, .write(caseWorkers))],
        "GET /children/:childID/interventions/new": [(nil, .write([.manager]))],
        "POST /children/:childID/interventions": [(nil, .write([.manager]))],
        "GET /interventions/:interventionID": [(nil, .read(caseWorkers))],
        "GET /interventions/:interventionID/allocate": [(nil, .write([.manager]))],
        "POST /interventions/:interventionID/allocate": [(nil, .write([.manager]))],
        "POST /interventions/:interventionID/close": [(nil, .write([.manager]))],
        "GET /interventions/:interventionID/assessments/new": [(nil, .write(caseWorkers))],
        "POST /interventions/:interventionID/assessments": [(nil, .write(caseWorkers))],
        "GET /assessments/:assessmentID": [(nil, .read(caseWorkers))],
        "POST /assessments/:assessmentID": [(nil, .write(caseWorkers))],
        "POST /assessments/:assessmentID/sign-off": [(nil, .write([.manager]))],
        "GET /interventions/:interventionID/records/:kind/new": [("contact", .write(caseWorkers)), ("case_audit", .write([.manager]))],
        "POST /interventions/:interventionID/records/:kind": [("contact", .write(caseWorkers)), ("case_audit", .write([.manager]))],
        "GET /interventions/:interventionID/records/:kind/csv": [("contact", .read(caseWorkers))],
        "GET /children/:childID/records/:kind/new": [("victim", .write([.victimWorker, .manager]))],
        "POST /children/:childID/records/:kind": [("victim", .write([.victimWorker, .manager]))],
        "GET /children/:childID/records/:kind/csv": [("victim", .read([.practitioner, .manager, .victimWorker]))],
        "GET /records/:kind/:recordID": [("contact", .read(caseWorkers)), ("victim", .read([.practitioner, .manager, .victimWorker]))],
        "GET /records/:kind/:recordID/edit": [("contact", .write(caseWorkers)), ("victim", .write([.victimWorker, .manager]))],
        "POST /records/:kind/:recordID": [("contact", .write(caseWorkers)), ("victim", .write([.victimWorker, .manager]))],
        "GET /children/:childID/transfer": [(nil, .write([.manager]))],
        "POST /children/:childID/transfer": [(nil, .write([.manager]))],
        "GET /my-work": [(nil, .roles(caseWorkers))],
        "GET /service": [(nil, .roles([.manager]))],
        "GET /group-sessions": [(nil, .roles(caseWorkers))],
        "GET /group-sessions/new": [(nil, .roles(caseWorkers))],
        "POST /group-sessions": [(nil, .roles(caseWorkers))],
        // A group session is recorded as a whole: a practitioner opens one only when every child
        // in it is theirs (each group here pairs the child with one of the practitioner's own).
        "GET /group-sessions/:groupID": [(nil, .write(caseWorkers))],
        "POST /group-sessions/:groupID": [(nil, .write(caseWorkers))],
        // Panel papers: volunteers only the panels they sit on (here every panel of the service).
        "GET /panels": [(nil, .roles([.practitioner, .manager, .volunteer]))],
        "GET /panels/:panelID": [(nil, .read([.practitioner, .manager, .volunteer]))],
        "GET /reports": [(nil, .roles([.manager, .analyst, .board]))],
        "GET /reports/:report": [(nil, .roles([.manager, .analyst, .board]))],
        "GET /reports/:report/trend": [(nil, .roles([.manager, .analyst, .board]))],
        "GET /reports/:report/children": [(nil, .roles([.manager, .analyst]))],
        "POST /reports/:report/save": [(nil, .roles([.manager]))],
        "GET /reports/saved": [(nil, .roles([.manager, .analyst]))],
        "GET /reports/saved/:savedID": [(nil, .roles([.manager, .analyst]))],
        "GET /board-meetings": [(nil, .roles([.manager, .analyst, .board]))],
        "GET /board-meetings/new": [(nil, .roles([.manager]))],
        "POST /board-meetings": [(nil, .roles([.manager]))],
        "GET /data": [(nil, .roles([.manager, .analyst]))],
        "GET /data/export": [(nil, .roles([.manager, .analyst]))],
        "POST /data/import": [(nil, .roles([.manager]))],
        "GET /admin/users": [(nil, .roles([.admin]))],
        "GET /admin/users/new": [(nil, .roles([.admin]))],
        "POST /admin/users": [(nil, .roles([.admin]))],
        "GET /admin/users/:userID": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID": [(nil, .roles([.admin]))],
        "GET /admin/users/:userID/deactivate": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID/deactivate": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID/reactivate": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID/unlock": [(nil, .roles([.admin]))],
        "GET /admin/users/:userID/reset-password": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID/reset-password": [(nil, .roles([.admin]))],
        "GET /admin/users/:userID/reset-two-factor": [(nil, .roles([.admin]))],
        "POST /admin/users/:userID/reset-two-factor": [(nil, .roles([.admin]))],
        "GET /admin/sign-in-security": [(nil, .roles([.admin]))],
        "GET /admin/sso-requests": [(nil, .roles([.admin]))],
        "POST /admin/sso-requests/:requestID/approve": [(nil, .roles([.admin]))],
        "POST /admin/sso-requests/:requestID/link": [(nil, .roles([.admin]))],
        "POST /admin/sso-requests/:requestID/refuse": [(nil, .roles([.admin]))],
        "POST /admin/sign-in-security": [(nil, .roles([.admin]))],
        // Everyone's own account.
        "GET /account": [(nil, .roles(Set(Role.allCases)))],
        "GET /account/password": [(nil, .roles(Set(Role.allCases)))],
        "POST /account/password": [(nil, .roles(Set(Role.allCases)))],
        "GET /account/two-factor": [(nil, .roles(Set(Role.allCases)))],
        "POST /account/two-factor": [(nil, .roles(Set(Role.allCases)))],
        "GET /admin/outcomes": [(nil, .roles([.admin]))],
        "POST /admin/outcomes": [(nil, .roles([.admin]))],
        "GET /admin/outcomes/:code": [(nil, .roles([.admin]))],
        "POST /admin/outcomes/:code": [(nil, .roles([.admin]))],
        "GET /admin/bank-holidays": [(nil, .roles([.admin]))],
        "POST /admin/bank-holidays": [(nil, .roles([.admin]))],
        "GET /admin/services": [(nil, .roles([.admin]))],
        "GET /admin/services/:serviceID": [(nil, .roles([.admin]))],
        "POST /admin/services/:serviceID": [(nil, .roles([.admin]))],
        "POST /admin/services/:serviceID/teams": [(nil, .roles([.admin]))],
        "GET /children/:childID/portfolio": [(nil, .read(caseWorkers))],
        // Joint out-of-court panels and their scrutiny: the service's managers.
        "GET /out-of-court-panels": [(nil, .roles([.manager]))],
        "GET /out-of-court-panels/new": [(nil, .roles([.manager]))],
        "POST /out-of-court-panels": [(nil, .roles([.manager]))],
        "GET /out-of-court-panels/:disposalPanelID": [(nil, .roles([.manager]))],
        "POST /out-of-court-panels/:disposalPanelID/decisions": [(nil, .roles([.manager]))],
        "GET /scrutiny-panels/new": [(nil, .roles([.manager]))],
        "POST /scrutiny-panels": [(nil, .roles([.manager]))],
        "GET /scrutiny-panels/:scrutinyID": [(nil, .roles([.manager]))],
        "GET /scrutiny-panels/:scrutinyID/decisions/:decisionID": [(nil, .roles([.manager]))],
        "POST /scrutiny-panels/:scrutinyID/decisions/:decisionID": [(nil, .roles([.manager]))],
        "GET /admin/population": [(nil, .roles([.admin]))],
        "POST /admin/population": [(nil, .roles([.admin]))]
    ]

    /// Routes anyone may reach, signed in or not (checked elsewhere).
    /// The steps of signing in, and signing out of one's own sessions, are for a session at that
    /// step or its own user only (IdentityTests).
    static let open: Set<String> = [
        "GET /health", "GET /assets/:name", "GET /sign-in", "POST /sign-in", "POST /sign-out",
        "GET /sign-in/code", "POST /sign-in/code", "GET /sign-in/new-password", "POST /sign-in/new-password",
        "GET /sign-in/two-factor", "POST /sign-in/two-factor", "GET /sign-in/two-factor/set-up", "POST /sign-in/two-factor/set-up",
        "POST /account/sessions/end-others", "POST /account/sessions/end-all", "GET /sign-in/sso", "GET /sign-in/sso/callback"
    ]

    static func expected(_ rule: Rule, _ role: Role, _ rel: Rel?) -> Outcome {
        switch rule {
        case .roles(let r):
            return r.contains(role) ? .ok : .forbidden
        case .read(let r), .write(let r), .reasonForm(let r):
            guard r.contains(role) else { return .forbidden }
            guard let rel, rel != .elsewhere else { return .notFound }
            guard role == .practitioner else { return .ok }
            switch rule {
            case .read: return rel == .other ? .reason : .ok
            case .write: return rel == .own ? .ok : .forbidden
            default: return .ok
            }
        }
    }

    /// Everything a row needs, per relationship.
    struct Ids {
        var child: UUID
        var referral: UUID
        var intervention: UUID
        var assessment: UUID
        var contact: UUID
        var victim: UUID
        var panel: UUID
        var group: UUID
    }

    @Test(arguments: TestDatabase.all)
    func everyRouteForEveryRoleAndEveryRelationship(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let practice = PracticeRoutesTests()
            let journey = JourneyRoutesTests()
            let s = try await Fixtures.service(app)
            let o = try await Fixtures.service(app, code: "OT", name: "Other YJS")
            var users: [Role: User] = [:]
            for role in Role.allCases { users[role] = try await Fixtures.user(app, role, services: role == .admin ? [] : [s]) }
            let mate = try await Fixtures.user(app, .practitioner, email: "mate@test.waypoint.test", name: "Tam Mate", services: [s])
            let far = try await Fixtures.user(app, .practitioner, email: "far@test.waypoint.test", name: "Sam Far", services: [s])
            let target = try await Fixtures.user(app, .practitioner, email: "target@test.waypoint.test", name: "Target User", services: [s])
            let elsewhereWorker = try await Fixtures.user(
                app, .practitioner, email: "ot.worker@test.waypoint.test", name: "Otto Worker", services: [o])
            try await Fixtures.user(app, .manager, email: "ot.manager@test.waypoint.test", services: [o])
            let otVolunteer = try await Fixtures.user(app, .volunteer, email: "ot.volunteer@test.waypoint.test", services: [o])
            let north = UUID(), south = UUID()
            for (id, name) in [(north, "North"), (south, "South")] {
                try await app.db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                    SQLBind(id), SQLBind(s.id!), SQLBind(name)
                ).run()
            }
            let start = LocalDate(iso: "1900-01-01")!
            for (u, t) in [(users[.practitioner]!, north), (mate, north), (far, south)] {
                try await Workers.setTeam(u.id!, t, from: start, on: app.db, now: pinnedNow)
            }

            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let otManager = TestClient(app)
            try await otManager.signIn("ot.manager@test.waypoint.test")
            let practitioner = users[.practitioner]!

            /// A child with a referral, an offence, a youth caution allocated to `worker` with an
            /// assessment, a contact, a case audit, a victim and a panel the service's volunteer sits on.
            func world(_ m: TestClient, worker: User, volunteer: User, given: String) async throws -> (Ids, child: UUID) {
                let child = try await Fixtures.addChild(m, given: given, family: "Matrix")
                let c = child.uuidString.lowercased()
                let referral = try await journey.recordReferral(m, child: child)
                #expect(
                    try await m.post(
                        "/children/\(c)/offences",
                        PracticeRoutesTests.date("offence", 1, 2, 2024) + [
                            ("category", "theft_and_handling"), ("outcome", "youth_caution"),
                            ("gravity", "2")
                        ] + PracticeRoutesTests.date("outcome_date", 10, 2, 2024)
                    ).status == .seeOther)
                try await m.get("/children/\(c)/interventions/new")
                let created = try await m.post(
                    "/children/\(c)/interventions",
                    [("type", "referral_order"), ("start-day", "1"), ("start-month", "3"), ("start-year", "2024"), ("length_months", "6")])
                let i = try #require(journey.idFrom(created.location, after: "/interventions/"), "\(created.status)")
                #expect(
                    try await m.post(
                        Paths.allocate(i), [("case_manager", worker.id!.uuidString), ("co_worker", ""), ("confirm_over_cap", "yes")]
                    ).status == .seeOther)
                let made = try await m.post(
                    "/interventions/\(i.uuidString.lowercased())/assessments",
                    [("type", "prevention_diversion"), ("stage", "start"), ("personal_family_social", "Lives with nan")])
                let assessment = try #require(
                    journey.idFrom(made.location, after: "/assessments/"), "\(made.status) \(made.body.prefix(600))")
                let base = "/interventions/\(i.uuidString.lowercased())/records"
                let contact = try await practice.add(
                    m, base + "/contact",
                    PracticeRoutesTests.date("contact_on", 4, 3, 2024) + [
                        ("contact_time", "16:00"), ("contact_type", "one_to_one"),
                        ("place", "school"), ("attendance", "attended")
                    ])
                let offence = try #require(try await LegalStore.offences(child, on: app.db).first).id.uuidString.lowercased()
                let victim = try await practice.add(
                    m, "/children/\(c)/records/victim",
                    [
                        ("offence_id", offence), ("name", "Victim \(given)"), ("victim_type", "person"),
                        ("address", "1 High Street"), ("phone", "07700 900123"), ("email", "v@example.org"),
                        ("consent", "yes"), ("views_sought", "yes"), ("views", "Frightened"),
                        ("activity", "letter_of_apology"), ("satisfaction", "satisfied")
                    ] + PracticeRoutesTests.date("contact_made_on", 12, 2, 2024))
                let panel = try await practice.add(
                    m, base + "/panel",
                    [
                        ("panel_type", "initial"), ("status", "held"), ("yjs_member", worker.id!.uuidString.lowercased()),
                        ("members[]", volunteer.id!.uuidString.lowercased()), ("report", "Report"), ("child_words", "Words"),
                        ("contract", "Apology")
                    ] + PracticeRoutesTests.date("held_on", 26, 3, 2024))
                return (
                    Ids(
                        child: child, referral: referral, intervention: i, assessment: assessment, contact: UUID(uuidString: contact)!,
                        victim: UUID(uuidString: victim)!,
                        panel: UUID(uuidString: panel)!, group: UUID()), child
                )
            }
            let volunteer = users[.volunteer]!
            var ids: [Rel: Ids] = [:]
            ids[.own] = try await world(manager, worker: practitioner, volunteer: volunteer, given: "Owen").0
            ids[.team] = try await world(manager, worker: mate, volunteer: volunteer, given: "Tia").0
            ids[.other] = try await world(manager, worker: far, volunteer: volunteer, given: "Ola").0
            ids[.elsewhere] = try await world(otManager, worker: elsewhereWorker, volunteer: otVolunteer, given: "Elle").0
            // Each relationship's group session pairs its child with a second child of the same
            // relationship (so "every child in it" is that relationship).
            func group(_ m: TestClient, _ rel: Rel, worker: User, volunteer: User) async throws -> UUID {
                let second = try await world(m, worker: worker, volunteer: volunteer, given: "Second\(rel.rawValue.capitalized)").0
                let made = try await m.post(
                    "/group-sessions",
                    PracticeRoutesTests.date("contact_on", 26, 3, 2024) + [
                        ("contact_time", "18:00"), ("place", "community_centre"),
                        ("children[]", ids[rel]!.intervention.uuidString.lowercased()),
                        ("children[]", second.intervention.uuidString.lowercased())
                    ])
                return try #require(journey.idFrom(made.location, after: "/group-sessions/"), "\(made.status) \(made.body.prefix(600))")
            }
            ids[.own]!.group = try await group(manager, .own, worker: practitioner, volunteer: volunteer)
            ids[.team]!.group = try await group(manager, .team, worker: mate, volunteer: volunteer)
            ids[.other]!.group = try await group(manager, .other, worker: far, volunteer: volunteer)
            ids[.elsewhere]!.group = try await group(otManager, .elsewhere, worker: elsewhereWorker, volunteer: otVolunteer)
            let saved = try await manager.post(
                "/reports/first-time-entrants/save",
                PracticeRoutesTests.date("from", 1, 4, 2023) + PracticeRoutesTests.date("to", 31, 3, 2024) + [("label", "Matrix")])
            let savedID = try #require(
                journey.idFrom(saved.location, after: "/reports/saved/"), "\(saved.status) \(saved.body.prefix(400))")
            // An out-of-court panel of the service deciding a pending offence of the own child, and a
            // scrutiny panel sampling that decision.
            let ownChild = ids[.own]!.child.uuidString.lowercased()
            #expect(
                try await manager.post(
                    "/children/\(ownChild)/offences",
                    PracticeRoutesTests.date("offence", 1, 3, 2024) + [("category", "criminal_damage"), ("outcome", "pending")]
                ).status == .seeOther)
            let panelMade = try await manager.post(
                "/out-of-court-panels",
                PracticeRoutesTests.date("held_on", 26, 3, 2024) + [("member_police", "PS Matrix"), ("member_youth_justice", "YJS Matrix")])
            let disposalPanel = try #require(journey.idFrom(panelMade.location, after: "/out-of-court-panels/"), "\(panelMade.status)")
            let pending = try #require(try await LegalStore.offences(ids[.own]!.child, on: app.db).first { $0.outcome == "pending" })
            #expect(
                try await manager.post(
                    "/out-of-court-panels/\(disposalPanel.uuidString.lowercased())/decisions",
                    [
                        ("offence_id", pending.id.uuidString.lowercased()), ("screening", "Screened"), ("outcome", "outcome_22"),
                        ("rationale", "First")
                    ]
                ).status == .seeOther)
            let scrutinyMade = try await manager.post(
                "/scrutiny-panels",
                PracticeRoutesTests.date("held_on", 26, 3, 2024) + PracticeRoutesTests.date("from", 1, 1, 2024)
                    + PracticeRoutesTests.date("to", 27, 3, 2024) + [("sample_size", "1")])
            let scrutiny = try #require(journey.idFrom(scrutinyMade.location, after: "/scrutiny-panels/"), "\(scrutinyMade.status)")
            struct D: Decodable { let id: UUID }
            let decision = try #require(try await app.db.sql.select().column("id").from("panel_decisions").first(decoding: D.self)).id
            let names = ["Owen", "Tia", "Ola", "Elle"]
            // Someone a provider signed in, waiting for an admin (refused last, so every row finds it).
            let request = UUID()
            try await app.db.sql.insert(into: "sso_requests").columns("id", "issuer", "subject", "email", "name", "groups", "at")
                .values(
                    SQLBind(request), SQLBind("https://idp.example"), SQLBind("oid-matrix"), SQLBind("m@example.org"),
                    SQLBind("Matrix Request"), SQLBind(""), SQLBind(pinnedNow)
                ).run()

            // Every route the app registers has a row here, and every row is a route.
            let registered = Set(app.routes.all.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") })
            #expect(registered.subtracting(Self.open).subtracting(Self.table.keys).sorted() == [], "routes with no row in the matrix")
            #expect(Set(Self.table.keys).subtracting(registered).sorted() == [], "rows for routes that do not exist")

            func fill(_ pattern: String, kind: String?, _ i: Ids) -> String {
                var p = pattern.dropFirst(pattern.hasPrefix("GET ") ? 4 : 5).description
                let record = kind == "victim" ? i.victim : i.contact
                for (k, v) in [
                    (":childID", i.child), (":referralID", i.referral), (":interventionID", i.intervention),
                    (":assessmentID", i.assessment),
                    (":recordID", record), (":panelID", i.panel), (":groupID", i.group), (":userID", target.id!), (":serviceID", s.id!),
                    (":savedID", savedID), (":requestID", request), (":disposalPanelID", disposalPanel), (":scrutinyID", scrutiny),
                    (":decisionID", decision)
                ] {
                    p = p.replacingOccurrences(of: k, with: v.uuidString.lowercased())
                }
                p = p.replacingOccurrences(of: ":kind", with: kind ?? "").replacingOccurrences(of: ":code", with: "youth_caution")
                    .replacingOccurrences(of: ":report", with: "first-time-entrants")
                if p == "/reports/first-time-entrants/children" { p += "?breakdown=all&group=all" }
                if p == "/data/export" { p += "?service=WF" }
                return p
            }
            func outcome(_ page: TestClient.Page, child: UUID?) -> Outcome {
                switch page.status {
                case .forbidden: return .forbidden
                case .notFound: return .notFound
                case .seeOther where child.map { page.location?.hasPrefix(Paths.childAccess($0) + "?") == true } ?? false: return .reason
                default: return .ok
                }
            }

            var failures: [String] = []
            var checked = 0
            for role in Role.allCases {
                let client = TestClient(app)
                #expect(try await client.signIn("\(role.rawValue)@test.waypoint.test").status == .seeOther)
                for (route, cases) in Self.table.sorted(by: { $0.key < $1.key }) {
                    for (kind, rule) in cases {
                        let perChild: Bool = { if case .roles = rule { false } else { true } }()
                        // A role the route is never for is refused before any child is reached:
                        // their own service's child and another service's show it.
                        let forRole = Self.expected(rule, role, .own) != .forbidden || role == .practitioner
                        for rel in !perChild ? [Rel.own] : forRole ? Rel.allCases : [Rel.own, .elsewhere] {
                            let i = ids[rel]!
                            let path = fill(route, kind: kind, i)
                            let page = route.hasPrefix("POST ") ? try await client.post(path, []) : try await client.get(path)
                            let got = outcome(page, child: perChild ? i.child : nil)
                            let want = Self.expected(rule, role, perChild ? rel : nil)
                            checked += 1
                            if got != want {
                                failures.append(
                                    "\(role.rawValue) \(route) [\(kind ?? "")] \(perChild ? rel.rawValue : ""): \(page.status.code) → \(got.rawValue), expected \(want.rawValue)"
                                )
                            }
                            if got == .forbidden || got == .notFound || got == .reason {
                                for name in names where page.body.contains(name + " Matrix") {
                                    failures.append("\(role.rawValue) \(route) \(rel.rawValue): refused, yet shows \(name)")
                                }
                            }
                        }
                    }
                }
            }
            #expect(failures == [], Comment(rawValue: "\(failures.count) of \(checked) cells differ:\n" + failures.joined(separator: "\n")))
            #expect(checked > 900)
        }
    }
}
