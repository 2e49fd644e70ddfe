import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Admin: list users, add a user, change role and services, deactivate and reactivate.
struct UsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.adminUsers, use: index)
        routes.get(path: Paths.newUser, use: new)
        routes.post(path: Paths.adminUsers, use: create)
        routes.get(Paths.user, use: edit)
        routes.post(Paths.user, use: update)
        routes.get(Paths.deactivateUser, use: confirmDeactivate)
        routes.post(Paths.deactivateUser, use: deactivate)
        routes.post(Paths.reactivateUser, use: reactivate)
        routes.post(Paths.unlockUser, use: unlock)
        routes.get(Paths.resetPassword, use: confirmResetPassword)
        routes.post(Paths.resetPassword, use: resetPassword)
        routes.get(Paths.resetTwoFactor, use: confirmResetTwoFactor)
        routes.post(Paths.resetTwoFactor, use: resetTwoFactor)
        routes.get(path: Paths.signInSecurity, use: showSecurity)
        routes.post(path: Paths.signInSecurity, use: saveSecurity)
    }

    static let pageSize = 25

    @Sendable func index(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let page = try req.pageNumber()
        let total = try await User.query(on: req.db).count()
        let users = try await User.query(on: req.db).sort(\.$name).sort(\.$email)
            .range((page - 1) * Self.pageSize..<page * Self.pageSize).all()
        let links = try await UserService.query(on: req.db).filter(\.$userID ~~ users.compactMap(\.id)).all()
        let services = Dictionary(uniqueKeysWithValues: try await Service.query(on: req.db).all().map { ($0.id!, $0.code) })
        let rows = users.map { u in
            UserListRow(
                id: u.id!, name: u.name, email: u.email, role: Role(rawValue: u.role), active: u.active,
                services: links.filter { $0.userID == u.id }.compactMap { services[$0.serviceID] }.sorted())
        }
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "created": "User added"
            case "updated": "Changes saved"
            case "deactivated": "User deactivated: they can no longer sign in"
            case "reactivated": "User reactivated"
            case "unlocked": "Failed sign-ins cleared: they can sign in again"
            case "two-factor-reset": "Two-factor sign-in reset: they set up a new authenticator at their next sign-in"
            default: nil
            }
        return HTMLResponse.make(UsersView.index(PageContext(req, notice: notice), .init(rows: rows, total: total, page: page)))
    }

    @Sendable func new(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let services = try await Service.query(on: req.db).sort(\.$name).all()
        return HTMLResponse.make(
            UsersView.form(PageContext(req), .init(mode: .create, values: FormValues(), errors: [], services: services)))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let services = try await Service.query(on: req.db).sort(\.$name).all()
        let values = try formValues(req)
        var result = UserForm.parse(values, allowedServices: Set(services.map { $0.id!.uuidString }), requirePassword: false)
        if case .success(let input) = result,
            try await User.query(on: req.db).filter(\.$email == input.email).first() != nil
        {
            result = .failure(FormErrors([FieldError(field: "email", message: "A user with this email address already exists")]))
        }
        switch result {
        case .failure(let e):
            return HTMLResponse.make(
                UsersView.form(PageContext(req), .init(mode: .create, values: values, errors: e.errors, services: services)),
                status: .unprocessableEntity)
        case .success(let input):
            // Nobody but the person knows their password: they sign in once with a one-time code
            // and choose it.
            let (admin, now) = (try req.user(), req.now)
            let (user, issued) = try await req.db.writeTransaction { db in
                let user = try await Identity.createUser(input, on: db)
                let issued = try await Identity.issueCode(for: user.requireID(), by: admin.email, on: db, now: now)
                try await Audit.record(
                    req, on: db, action: "create_user",
                    details:
                        "user \(user.id!.uuidString) role \(input.role.rawValue); one-time code issued, expires \(DateFormatting.londonDateTime(issued.expires))"
                )
                return (user, issued)
            }
            return HTMLResponse.make(
                IdentityViews.oneTimeCode(
                    PageContext(req), .init(name: user.name, email: user.email, code: issued.code, expires: issued.expires, created: true)))
        }
    }

    @Sendable func edit(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        let services = try await Service.query(on: req.db).sort(\.$name).all()
        let granted = try await UserService.query(on: req.db).filter(\.$userID == user.id!).all().map { $0.serviceID.uuidString }
        let team = try await currentTeam(user.id!, req)
        let values = FormValues(
            ["name": user.name, "email": user.email, "role": user.role, "team": team?.uuidString ?? ""], lists: ["services": granted])
        return HTMLResponse.make(
            UsersView.form(
                PageContext(req),
                .init(
                    mode: .edit(user.id!, user.active), values: values, errors: [], services: services,
                    teams: try await teamOptions(req).map { ($0.id.uuidString, "\($0.service_name): \($0.name)") })))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let admin = try req.authorize(.manageUsers)
        let user = try await load(req)
        let services = try await Service.query(on: req.db).sort(\.$name).all()
        var values = try formValues(req)
        values.values["email"] = user.email  // email is the sign-in name; not changed here
        var result = UserForm.parse(values, allowedServices: Set(services.map { $0.id!.uuidString }), requirePassword: false)
        if case .success(let input) = result, user.id == admin.id, input.role != .admin {
            result = .failure(
                FormErrors([FieldError(field: "role", message: "You cannot remove your own administrator role. Ask another administrator.")]
                ))
        }
        let teams = try await teamOptions(req)
        var team: UUID?
        if let t = values.trimmed("team") {
            team = teams.first { $0.id.uuidString == t }?.id
            if team == nil { result = .failure(FormErrors([FieldError(field: "team", message: "Select a team from the list, or none")])) }
        }
        let chosenTeam = team
        switch result {
        case .failure(let e):
            return HTMLResponse.make(
                UsersView.form(
                    PageContext(req),
                    .init(
                        mode: .edit(user.id!, user.active), values: values, errors: e.errors, services: services,
                        teams: teams.map { ($0.id.uuidString, "\($0.service_name): \($0.name)") })),
                status: .unprocessableEntity)
        case .success(let input):
            let before = (
                user.role,
                try await UserService.query(on: req.db).filter(\.$userID == user.id!).all().map { $0.serviceID.uuidString }.sorted()
            )
            let today = req.today, now = req.now
            try await req.db.writeTransaction { db in
                user.name = input.name
                user.role = input.role.rawValue
                try await user.save(on: db)
                try await Workers.setTeam(user.id!, chosenTeam, from: today, on: db, now: now)
                try await UserService.query(on: db).filter(\.$userID == user.id!).delete()
                for s in input.serviceIDs { try await UserService(userID: user.id!, serviceID: UUID(uuidString: s)!).create(on: db) }
                try await Audit.record(
                    req, on: db, action: "update_user",
                    details:
                        "user \(user.id!.uuidString) role \(before.0) → \(input.role.rawValue); services \(before.1.joined(separator: ",")) → \(input.serviceIDs.sorted().joined(separator: ","))"
                )
            }
            return req.redirect(to: Paths.adminUsers + "?saved=updated")
        }
    }

    @Sendable func confirmDeactivate(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        return HTMLResponse.make(UsersView.confirmDeactivate(PageContext(req), user: user))
    }

    @Sendable func deactivate(req: Request) async throws -> Response {
        let admin = try req.authorize(.manageUsers)
        let user = try await load(req)
        guard user.id != admin.id else {
            throw WaypointError.badRequest("You cannot deactivate your own account. Ask another administrator.")
        }
        try await req.db.writeTransaction { db in
            user.active = false
            try await user.save(on: db)
            try await Sessions.endAll(userID: user.id!, on: db)
            try await Audit.record(req, on: db, action: "deactivate_user", details: "user \(user.id!.uuidString)")
        }
        return req.redirect(to: Paths.adminUsers + "?saved=deactivated")
    }

    @Sendable func reactivate(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        try await req.db.writeTransaction { db in
            user.active = true
            try await user.save(on: db)
            try await Audit.record(req, on: db, action: "reactivate_user", details: "user \(user.id!.uuidString)")
        }
        return req.redirect(to: Paths.adminUsers + "?saved=reactivated")
    }

    /// Clears the failed sign-ins that make the account wait (the owner is locked out, or an
    /// attacker is keeping them out); audited.
    @Sendable func unlock(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        try await req.db.writeTransaction { db in
            try await SignInThrottle.clear(email: user.email, on: db)
            try await Audit.record(req, on: db, action: "unlock_sign_in", details: "user \(user.id!.uuidString)")
        }
        return req.redirect(to: Paths.adminUsers + "?saved=unlocked")
    }

    @Sendable func confirmResetPassword(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        return HTMLResponse.make(
            IdentityViews.confirm(
                PageContext(req),
                .init(
                    title: "Reset \(user.name)'s password?",
                    text:
                        "Their password stops working at once and they are signed out everywhere. You get a one-time code to give them; they sign in with it and choose a new password.",
                    action: Paths.resetPassword(user.id!), button: "Yes, reset the password", back: Paths.user(user.id!))))
    }

    @Sendable func resetPassword(req: Request) async throws -> Response {
        let admin = try req.authorize(.manageUsers)
        let user = try await load(req)
        let now = req.now
        let issued = try await req.db.writeTransaction { db in
            try await Identity.resetPassword(user.requireID(), email: user.email, by: admin.email, issuerID: admin.id, on: db, now: now)
        }
        return HTMLResponse.make(
            IdentityViews.oneTimeCode(
                PageContext(req), .init(name: user.name, email: user.email, code: issued.code, expires: issued.expires, created: false)))
    }

    @Sendable func confirmResetTwoFactor(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        return HTMLResponse.make(
            IdentityViews.confirm(
                PageContext(req),
                .init(
                    title: "Reset \(user.name)'s two-factor sign-in?",
                    text:
                        "Their authenticator and recovery codes stop working and they are signed out everywhere. Check who is asking first: do this only when you are sure it is them. If their role needs a second factor, they set up a new authenticator at their next sign-in.",
                    action: Paths.resetTwoFactor(user.id!), button: "Yes, reset two-factor sign-in", back: Paths.user(user.id!))))
    }

    @Sendable func resetTwoFactor(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let user = try await load(req)
        try await req.db.writeTransaction { db in
            try await Identity.resetSecondFactor(user.requireID(), on: db)
            try await Audit.record(req, on: db, action: "reset_second_factor", details: "user \(user.id!.uuidString)")
        }
        return req.redirect(to: Paths.adminUsers + "?saved=two-factor-reset")
    }

    @Sendable func showSecurity(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let saved = req.query[String.self, at: "saved"] == "1"
        return HTMLResponse.make(
            IdentityViews.signInSecurity(
                PageContext(req, notice: saved ? "Sign-in security saved" : nil),
                .init(
                    required: try await Identity.requiredRoles(on: req.db), sso: try await ssoState(req),
                    pending: try await pendingCount(req), errors: [])))
    }

    @Sendable func saveSecurity(req: Request) async throws -> Response {
        try req.authorize(.manageUsers)
        let values = try formValues(req)
        let chosen = values.list("required")
        let roles = Set(chosen.compactMap(Role.init(rawValue:)))
        guard roles.count == chosen.filter({ !$0.isEmpty }).count else {
            return HTMLResponse.make(
                IdentityViews.signInSecurity(
                    PageContext(req),
                    .init(
                        required: try await Identity.requiredRoles(on: req.db), sso: try await ssoState(req),
                        pending: try await pendingCount(req),
                        errors: [FieldError(field: "required", message: "Select roles from the list")])), status: .unprocessableEntity)
        }
        let before = try await Identity.requiredRoles(on: req.db)
        let sso = req.application.oidc != nil ? values.list("require_sso").contains("yes") : nil
        let ssoBefore = try await Identity.ssoRequired(req)
        try await req.db.writeTransaction { db in
            try await Identity.setRequired(roles, on: db)
            if let sso, sso != ssoBefore {
                try await Identity.setSSORequired(sso, on: db)
                try await Audit.record(
                    req, on: db, action: "change_sign_in_security",
                    details: sso ? "single sign-on required for everyone but admins" : "single sign-on no longer required")
            }
            let describe = { (r: [Role: Bool]) in Role.allCases.filter { r[$0] == true }.map(\.rawValue).joined(separator: ",") }
            try await Audit.record(
                req, on: db, action: "change_sign_in_security",
                details:
                    "second factor required for: \(describe(before)) → \(Role.allCases.filter { roles.contains($0) }.map(\.rawValue).joined(separator: ","))"
            )
        }
        return req.redirect(to: Paths.signInSecurity + "?saved=1")
    }

    private func ssoState(_ req: Request) async throws -> (label: String, required: Bool)? {
        guard let c = req.application.oidc?.config else { return nil }
        return (c.label, try await Identity.ssoRequired(req))
    }

    private func pendingCount(_ req: Request) async throws -> Int {
        try await req.db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("sso_requests").first(
            decoding: Identity.CountRow.self)?.n ?? 0
    }

    struct TeamOption: Decodable { let id: UUID; let name: String; let service_name: String }

    private func teamOptions(_ req: Request) async throws -> [TeamOption] {
        try await req.db.sql.select()
            .column(SQLColumn("id", table: "teams")).column(SQLColumn("name", table: "teams"))
            .column(SQLColumn("name", table: "services"), as: "service_name")
            .from("teams").join("services", on: SQLColumn("service_id", table: "teams"), .equal, SQLColumn("id", table: "services"))
            .orderBy(SQLColumn("name", table: "services")).orderBy(SQLColumn("name", table: "teams"))
            .all(decoding: TeamOption.self)
    }

    private func currentTeam(_ userID: UUID, _ req: Request) async throws -> UUID? {
        struct Row: Decodable { let team_id: UUID? }
        return try await req.db.sql.select().column("team_id").from("users").where("id", .equal, SQLBind(userID)).first(decoding: Row.self)?
            .team_id
    }

    private func load(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)),
            let user = try await User.find(id, on: req.db)
        else {
            throw WaypointError.notFound("That user could not be found. Go back to the list of users.")
        }
        return user
    }
}

struct UserListRow {
    let id: UUID
    let name: String
    let email: String
    let role: Role?
    let active: Bool
    let services: [String]
}

enum UsersView {
    enum Mode {
        case create
        case edit(UUID, Bool)
    }

    /// A page of the user list, with the total.
    struct UserIndex {
        let rows: [UserListRow]
        let total: Int
        let page: Int
    }

    static func index(_ ctx: PageContext, _ m: UserIndex) -> String {
        let (rows, total, page) = (m.rows, m.total, m.page)
        let totalPages = max(1, (total + UsersController.pageSize - 1) / UsersController.pageSize)
        return Layout.page(
            title: "Users", ctx, wide: true,
            [
                el(
                    .div, [.class: "page-heading"],
                    [
                        C.h1("Users"),
                        el(
                            .div, [.class: "button-group"],
                            [
                                C.buttonLink("Sign-in security", Paths.signInSecurity, secondary: true),
                                C.buttonLink("Add a user", Paths.newUser)
                            ])
                    ]),
                rows.isEmpty
                    ? C.p("There are no users yet.")
                    : C.table(
                        caption: "\(total) users", headers: ["Name", "Email", "Role", "Services", "Status"],
                        rows: rows.map { r in
                            [
                                C.link(r.name, Paths.user(r.id)),
                                txt(r.email),
                                txt(r.role?.label ?? "Unknown role"),
                                r.services.isEmpty ? C.notRecorded() : txt(r.services.joined(separator: ", ")),
                                r.active ? C.tag("Active", colour: "green") : C.tag("Deactivated", colour: "grey")
                            ]
                        }),
                C.pagination(page: page, totalPages: totalPages) { Paths.with(Paths.adminUsers, [("page", String($0))]) }
            ])
    }

    /// The add or edit user form: which it is, what was typed, and the services and teams it offers.
    struct UserEdit {
        let mode: Mode
        let values: FormValues
        let errors: [FieldError]
        let services: [ServiceOption]
        let teams: [(code: String, label: String)]

        init(mode: Mode, values v: FormValues, errors: [FieldError], services: [Service], teams: [(code: String, label: String)] = []) {
            self.mode = mode
            self.values = v
            self.errors = errors
            self.services = services.map(ServiceOption.init)
            self.teams = teams
        }
    }

    static func form(_ ctx: PageContext, _ m: UserEdit) -> String {
        let (mode, v, errors, services, teams) = (m.mode, m.values, m.errors, m.services, m.teams)
        let err = FieldMessages(errors)
        let isCreate: Bool
        let action: String
        var extra: [H] = []
        switch mode {
        case .create:
            isCreate = true
            action = Paths.adminUsers
        case .edit(let id, let active):
            isCreate = false
            action = Paths.user(id)
            extra.append(el(.h2, [.class: "heading-m"], "Access"))
            if active {
                extra.append(
                    C.p(
                        "Deactivating ends this person's sessions at once and stops them signing in. Their records and audit history are kept."
                    ))
                extra.append(C.buttonLink("Deactivate this user", Paths.deactivateUser(id), secondary: true))
            } else {
                extra.append(C.p("This user is deactivated and cannot sign in."))
                extra.append(
                    el(
                        .form, [.method: "post", .action: Paths.reactivateUser(id)],
                        [
                            Layout.csrfField(ctx.csrf), C.button("Reactivate this user", secondary: true)
                        ]))
            }
            extra.append(el(.h2, [.class: "heading-m"], "Sign-in"))
            extra.append(C.p("Resetting the password gives you a one-time code for them; they then choose their own password."))
            extra.append(C.buttonLink("Reset password", Paths.resetPassword(id), secondary: true))
            extra.append(
                C.p("If they have lost the phone with their authenticator app and their recovery codes, reset their two-factor sign-in."))
            extra.append(C.buttonLink("Reset two-factor sign-in", Paths.resetTwoFactor(id), secondary: true))
            extra.append(
                C.p(
                    "After several failed sign-ins an account waits before it can try again. If this person is waiting, clear their failed sign-ins."
                ))
            extra.append(
                el(
                    .form, [.method: "post", .action: Paths.unlockUser(id)],
                    [
                        Layout.csrfField(ctx.csrf), C.button("Clear failed sign-ins", secondary: true)
                    ]))
        }
        let title = isCreate ? "Add a user" : "Change \(v["name"])’s access"
        var fields: [H] = [
            Layout.csrfField(ctx.csrf),
            C.textInput("name", label: "Full name", value: v["name"], error: err("name"), width: "input--width-20", spellcheck: false)
        ]
        if isCreate {
            fields.append(
                C.textInput(
                    "email", label: "Email address", value: v["email"], error: err("email"),
                    hint: "They sign in with this", width: "input--width-30", type: "email", spellcheck: false))
        } else {
            fields.append(C.summaryList([("Email address", txt(v["email"]))]))
        }
        fields.append(
            C.radios(
                "role", legend: "Role", options: Role.allCases.map { ($0.rawValue, $0.label) }, selected: v["role"], error: err("role"),
                hint: "Each role sees only what its work needs"))
        fields.append(
            services.isEmpty
                ? C.warning("There are no services yet. Create one with `waypoint demo` or the import.")
                : C.checkboxes(
                    "services", legend: "Services", options: services.map { ($0.id.uuidString, "\($0.name) (\($0.code))") },
                    selected: v.list("services"), error: err("services"), hint: "The services whose records this person works with"))
        if !isCreate && !teams.isEmpty {
            fields.append(
                C.select(
                    "team", label: "Team (optional)", options: teams, selected: v["team"], error: err("team"),
                    hint: "Practitioners see their team's children on My work", blank: "No team"))
        }
        if isCreate {
            fields.append(C.p("You get a one-time code to give them. They sign in with it once and choose their own password."))
        }
        fields.append(
            el(
                .div, [.class: "button-group"],
                [C.button(isCreate ? "Add user" : "Save changes"), C.link("Cancel", Paths.adminUsers, "link")]))
        return Layout.page(
            title: title, ctx, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors),
                                C.h1(title),
                                el(.form, [.method: "post", .action: action, .novalidate: ""], fields)
                            ] + extra)
                    ])
            ])
    }

    static func confirmDeactivate(_ ctx: PageContext, user: User) -> String {
        Layout.page(
            title: "Deactivate \(user.name)", ctx,
            [
                C.h1("Are you sure you want to deactivate \(user.name)?"),
                C.p(
                    "\(user.email) will be signed out everywhere at once and will not be able to sign in. You can reactivate the account later."
                ),
                el(
                    .form, [.method: "post", .action: Paths.deactivateUser(user.id!)],
                    [
                        Layout.csrfField(ctx.csrf),
                        el(
                            .div, [.class: "button-group"],
                            [C.button("Yes, deactivate", warning: true), C.link("No, go back", Paths.user(user.id!), "link")])
                    ])
            ])
    }
}
