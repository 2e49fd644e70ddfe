import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Admin: people the organisation's provider signed in whom Waypoint does not know yet. The
/// admin creates an account for them, links them to an existing account (the only way a local
/// account gets linked: never by email alone), or refuses them. Every decision is audited.
struct SSORequestsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.ssoRequests, use: index)
        routes.post(Paths.approveSSORequest, use: approve)
        routes.post(Paths.linkSSORequest, use: link)
        routes.post(Paths.refuseSSORequest, use: refuse)
    }

    struct Row: Decodable {
        let id: UUID
        let issuer: String
        let subject: String
        let email: String?
        let name: String?
        let groups: String
        let at: Date
        var groupList: [String] { groups.split(separator: "\n").map(String.init) }
    }

    struct Linkable: Decodable { let id: UUID; let name: String; let email: String }

    @Sendable func index(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let rows = try await req.db.sql.select().columns("id", "issuer", "subject", "email", "name", "groups", "at").from("sso_requests")
            .orderBy("at", .descending).limit(200).all(decoding: Row.self)
        let users = try await req.db.sql.select().columns("id", "name", "email").from("users").where("oidc_subject", .is, SQLLiteral.null)
            .orderBy("name").limit(2000).all(decoding: Linkable.self)
        let services = try await Service.query(on: req.db).sort(\.$name).all()
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "approved": "Account created: they can sign in now"
            case "linked": "Linked: they sign in to that account through your organisation's sign-in service"
            case "refused": "Request removed"
            default: nil
            }
        return HTMLResponse.make(
            SSOViews.requests(
                PageContext(req, notice: notice),
                .init(
                    rows: rows, users: users, services: services.map(ServiceOption.init),
                    config: req.application.oidc?.config)))
    }

    private func load(_ req: Request) async throws -> Row {
        guard let id = req.parameters.get("requestID").flatMap(UUID.init(uuidString:)),
            let row = try await req.db.sql.select().columns("id", "issuer", "subject", "email", "name", "groups", "at").from("sso_requests")
                .where("id", .equal, SQLBind(id)).first(decoding: Row.self)
        else {
            throw WaypointError.notFound("That request could not be found. It may have been dealt with already.")
        }
        return row
    }

    @Sendable func approve(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let row = try await load(req)
        let values = try formValues(req)
        let services = try await Service.query(on: req.db).all()
        let email = row.email ?? ""
        var form = values
        form.values["email"] = email
        form.values["name"] = row.name ?? email
        let result = UserForm.parse(form, allowedServices: Set(services.map { $0.id!.uuidString }), requirePassword: false)
        guard case .success(let input) = result else {
            if case .failure(let e) = result {
                throw WaypointError.badRequest(
                    "This request cannot become an account: " + e.errors.map(\.message).joined(separator: "; ") + ".")
            }
            throw WaypointError.badRequest("This request cannot become an account.")
        }
        if try await User.query(on: req.db).filter(\.$email == input.email).first() != nil {
            throw WaypointError.conflict("An account with the email \(input.email) already exists: link the request to it instead.")
        }
        try await req.db.writeTransaction { db in
            let user = try await Identity.createUser(input, on: db)
            try await db.sql.update("users").set("oidc_issuer", to: SQLBind(row.issuer)).set("oidc_subject", to: SQLBind(row.subject))
                .where("id", .equal, SQLBind(user.requireID())).run()
            try await db.sql.delete(from: "sso_requests").where("id", .equal, SQLBind(row.id)).run()
            try await Audit.record(
                req, on: db, action: "sso_linked",
                details: "new user \(user.id!.uuidString) role \(input.role.rawValue) for subject \(row.subject)")
        }
        return req.redirect(to: Paths.ssoRequests + "?saved=approved")
    }

    @Sendable func link(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let row = try await load(req)
        struct Form: Decodable { let user: String? }
        guard let id = (try? req.content.decode(Form.self))?.user.flatMap(UUID.init(uuidString:)),
            let user = try await User.find(id, on: req.db)
        else {
            throw WaypointError.badRequest("Choose the account to link from the list.")
        }
        struct L: Decodable { let oidc_subject: String? }
        if try await req.db.sql.select().column("oidc_subject").from("users").where("id", .equal, SQLBind(id)).first(decoding: L.self)?
            .oidc_subject != nil
        {
            throw WaypointError.conflict("That account is already linked to an organisation account.")
        }
        try await req.db.writeTransaction { db in
            try await db.sql.update("users").set("oidc_issuer", to: SQLBind(row.issuer)).set("oidc_subject", to: SQLBind(row.subject))
                .where("id", .equal, SQLBind(id)).run()
            try await db.sql.delete(from: "sso_requests").where("id", .equal, SQLBind(row.id)).run()
            try await Audit.record(
                req, on: db, action: "sso_linked", details: "user \(id.uuidString) (\(user.email)) linked to subject \(row.subject)")
        }
        return req.redirect(to: Paths.ssoRequests + "?saved=linked")
    }

    @Sendable func refuse(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let row = try await load(req)
        try await req.db.writeTransaction { db in
            try await db.sql.delete(from: "sso_requests").where("id", .equal, SQLBind(row.id)).run()
            try await Audit.record(req, on: db, action: "sso_refused", details: "subject \(row.subject) (\(row.email ?? "no email"))")
        }
        return req.redirect(to: Paths.ssoRequests + "?saved=refused")
    }
}

enum SSOViews {
    /// The single sign-on requests waiting, with the users and services they can be linked to.
    struct SSORequestList {
        let rows: [SSORequestsController.Row]
        let users: [SSORequestsController.Linkable]
        let services: [ServiceOption]
        let config: OIDCConfig?
    }

    static func requests(_ ctx: PageContext, _ m: SSORequestList) -> String {
        let (rows, users, services, config) = (m.rows, m.users, m.services, m.config)
        var content: [H] = [C.h1("Single sign-on requests")]
        if config == nil { content.append(C.p("Single sign-on is not set up on this server (see README, \"Single sign-on\").")) }
        if rows.isEmpty { content.append(C.p("Nobody is waiting.")) }
        for r in rows {
            let id = r.id.uuidString.lowercased()
            let rule = config?.rule(for: r.groupList)
            let chosenServices = services.filter { s in rule?.serviceCodes.contains(s.code.uppercased()) ?? false }.map {
                $0.id.uuidString
            }
            content.append(
                el(
                    .section, [.class: "sso-request", .ariaLabel: r.name ?? r.email ?? r.subject],
                    [
                        el(.h2, [.class: "heading-m"], r.name ?? r.email ?? r.subject),
                        C.summaryList([
                            ("Email", C.value(r.email)), ("Subject at the provider", txt(r.subject)),
                            ("Groups", r.groupList.isEmpty ? C.notRecorded() : txt(r.groupList.joined(separator: ", "))),
                            ("Asked", txt(DateFormatting.londonDateTime(r.at)))
                        ]),
                        el(
                            .form, [.method: "post", .action: "\(Paths.ssoRequests)/\(id)/approve"],
                            [
                                Layout.csrfField(ctx.csrf),
                                C.radios(
                                    "role", legend: "Role", options: Role.allCases.map { ($0.rawValue, $0.label) },
                                    selected: rule?.role.rawValue ?? ""),
                                C.checkboxes(
                                    "services", legend: "Services",
                                    options: services.map { ($0.id.uuidString, "\($0.name) (\($0.code))") }, selected: chosenServices),
                                C.button("Create their account")
                            ]),
                        el(
                            .form, [.method: "post", .action: "\(Paths.ssoRequests)/\(id)/link"],
                            [
                                Layout.csrfField(ctx.csrf),
                                C.select(
                                    "user", label: "Or link to an existing account",
                                    options: users.map { ($0.id.uuidString, "\($0.name) (\($0.email))") }, selected: "",
                                    blank: "Choose an account"),
                                C.button("Link", secondary: true)
                            ]),
                        el(
                            .form, [.method: "post", .action: "\(Paths.ssoRequests)/\(id)/refuse"],
                            [
                                Layout.csrfField(ctx.csrf), C.button("Refuse", warning: true)
                            ])
                    ]))
        }
        return Layout.page(title: "Single sign-on requests", ctx, content)
    }
}
