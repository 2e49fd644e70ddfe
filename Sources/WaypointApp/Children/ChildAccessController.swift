import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Thrown when a practitioner reaches a child they need a reason to read: the error page sends
/// them to the form that asks for it.
struct NeedsReason: Error {
    let childID: UUID
}

/// Access by relationship (product.md, issue #16): every way a route reaches a child's record
/// goes through `Request.child(_:_:)`, which decides from the user's relationship to the child.
enum ChildAccessStore {
    /// How the user stands to each child today, and the reasons they have stated that still hold.
    struct Standing {
        var relationships: [UUID: ChildRelationship] = [:]
        /// The latest reason held for each child (by when it lapses).
        var reasons: [UUID: String] = [:]
    }

    /// How the user stands to each of these children (of their services) today, and the reasons they
    /// hold for them, in one statement per 500 children whatever their number: each child's open
    /// interventions with their case managers' teams and the user's own team, the children the user
    /// recorded (theirs while nobody is allocated), and the reasons the user stated, as the three parts
    /// of one `UNION ALL`. (They were three statements in turn until 4 December: two fewer on a
    /// register page and on the page of a child recorded but not yet allocated.)
    static func standing(_ userID: UUID, _ ids: [UUID], today: LocalDate, now: Date, on db: Database) async throws -> Standing {
        guard !ids.isEmpty else { return Standing() }
        struct Row: Decodable {
            /// "w" open work, "c" recorded by the user, "r" a reason held.
            let part: String
            let child_id: UUID
            let case_manager_id: UUID?
            let co_worker_id: UUID?
            let manager_team: UUID?
            let my_team: UUID?
            let reason: String?
            let until_at: Date?
        }
        // Typed, so that PostgreSQL can match each part's columns (a bare NULL in two parts is text).
        let noID = SQLRaw("CAST(NULL AS uuid)")
        var rows: [Row] = []
        for chunk in ids.chunked() {
            let query = KeptStatements.statement(
                "standing:\(chunk.count)", on: db.sql,
                binds: [userID] + chunk + [today.iso] + [userID] + chunk + [userID] + chunk + [now]
            ) { db in
                db.select()
                    .column(SQLLiteral.string("w"), as: "part")
                    .columns(["child_id", "case_manager_id", "co_worker_id"].map { SQLColumn($0, table: "interventions") })
                    .column(SQLColumn("team_id", table: "users"), as: "manager_team")
                    .column(SQLSubquery.select { $0.column("team_id").from("users").where("id", .equal, SQLBind(userID)) }, as: "my_team")
                    .column(SQLRaw("CAST(NULL AS text)"), as: "reason")
                    .column(SQLRaw("CAST(NULL AS timestamptz)"), as: "until_at")
                    .from("interventions")
                    .join(
                        "users", method: SQLJoinMethod.left, on: SQLColumn("case_manager_id", table: "interventions"), .equal,
                        SQLColumn("id", table: "users")
                    )
                    .where(SQLColumn("child_id", table: "interventions"), .in, SQLBind.group(chunk))
                    .where {
                        $0.where(SQLColumn("end_date", table: "interventions"), .is, SQLLiteral.null)
                            .orWhere(SQLColumn("end_date", table: "interventions"), .greaterThanOrEqual, SQLBind(today.iso))
                    }
                    .union(all: {
                        $0.column(SQLLiteral.string("c"), as: "part").column("child_id")
                            .column(noID).column(noID).column(noID).column(noID)
                            .column(SQLRaw("CAST(NULL AS text)")).column(SQLRaw("CAST(NULL AS timestamptz)"))
                            .from("audit_events")
                            // A literal, not a bound value, so that the index of these entries alone is used (M0036).
                            .where("action", .equal, SQLLiteral.string("create_child"))
                            .where("user_id", .equal, SQLBind(userID)).where("child_id", .in, SQLBind.group(chunk))
                    })
                    .union(all: {
                        $0.column(SQLLiteral.string("r"), as: "part").column("child_id")
                            .column(noID).column(noID).column(noID).column(noID)
                            .column("reason").column("until_at")
                            .from("child_access_reasons")
                            .where("user_id", .equal, SQLBind(userID)).where("child_id", .in, SQLBind.group(chunk))
                            .where("until_at", .greaterThan, SQLBind(now))
                    })
            }
            rows += try await query.all(decoding: Row.self)
        }
        let work = Dictionary(grouping: rows.filter { $0.part == "w" }, by: \.child_id)
        let myTeam = rows.lazy.filter { $0.part == "w" }.compactMap(\.my_team).first
        let recorded = Set(rows.filter { $0.part == "c" }.map(\.child_id))
        var out = Standing()
        var lapses: [UUID: Date] = [:]
        for r in rows where r.part == "r" {
            guard let reason = r.reason, let until = r.until_at else { continue }
            if let held = lapses[r.child_id], held > until { continue }
            lapses[r.child_id] = until
            out.reasons[r.child_id] = reason
        }
        for id in ids {
            let open = work[id] ?? []
            // Children nobody is allocated to yet that the user recorded: theirs until someone is.
            let theirsUnallocated = recorded.contains(id) && open.allSatisfy { $0.case_manager_id == nil }
            if open.contains(where: { $0.case_manager_id == userID || $0.co_worker_id == userID }) || theirsUnallocated {
                out.relationships[id] = .own
            } else if let myTeam, open.contains(where: { $0.manager_team == myTeam }) {
                out.relationships[id] = .team
            } else {
                out.relationships[id] = .service
            }
        }
        return out
    }

    /// Of these children, those the user can open without stating a reason now (everyone's, for
    /// roles other than practitioner).
    static func openable(_ user: CurrentUser, _ ids: [UUID], today: LocalDate, now: Date, on db: Database) async throws -> Set<UUID> {
        guard user.role == .practitioner else { return Set(ids) }
        let standing = try await standing(user.id, ids, today: today, now: now, on: db)
        return Set(ids.filter { standing.relationships[$0] != .service || standing.reasons[$0] != nil })
    }
}

/// Why each child reached in this request could be reached, for the audit of what was shown.
struct ReachedWhy: StorageKey { typealias Value = [UUID: String] }

extension Request {
    /// The child with this id through the gate (`CaseWork.reach`), if in one of the user's
    /// services; nil when not. `intent` defaults to reading for GET and changing otherwise.
    /// Throws `NeedsReason` when a reason must be stated first, and a 403 when not allowed at all.
    func child(_ id: UUID, _ user: CurrentUser, _ intent: CaseWork.Intent? = nil) async throws -> ChildRecord? {
        let reached: CaseWork.Reached
        do {
            reached = try await CaseWork(Agent(user, today: today, now: now), on: db).reach(
                id, intent ?? (method == .GET || method == .HEAD ? .read : .write))
        } catch let e as WaypointError where e.status == .notFound {
            return nil
        }
        noteWhy(id, reached.why)
        return reached.child
    }

    /// The children with these ids through the gate (`CaseWork.reachAll`), in a few queries
    /// whatever their number; those not in the user's services are left out.
    func children(_ ids: [UUID], _ user: CurrentUser, _ intent: CaseWork.Intent? = nil) async throws -> [UUID: ChildRecord] {
        let reached = try await CaseWork(Agent(user, today: today, now: now), on: db).reachAll(
            ids, intent ?? (method == .GET || method == .HEAD ? .read : .write))
        for (id, r) in reached { noteWhy(id, r.why) }
        return reached.mapValues(\.child)
    }

    /// Notes why a child could be reached in this request (for the audit of what is shown).
    func noteWhy(_ childID: UUID, _ why: String) {
        var all = storage[ReachedWhy.self] ?? [:]
        all[childID] = why
        storage[ReachedWhy.self] = all
    }

    /// Why the child could be reached in this request, if they were.
    func why(_ childID: UUID) -> String? { storage[ReachedWhy.self]?[childID] }
}

/// The reason form, and the managers' page of reasons given.
struct ChildAccessController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.childAccess, use: form)
        routes.post(Paths.childAccess, use: give)
        routes.get(path: Paths.accessReasons, use: list)
    }

    /// The child in the user's services, without the relationship check (this is where it is passed).
    private func target(_ req: Request) async throws -> (CurrentUser, ChildRecord) {
        let user = try req.authorize(.viewChild)
        guard let id = req.parameters.get("childID").flatMap(UUID.init(uuidString:)),
            let child = try await ChildStore.find(id, in: user.serviceIDs, on: req.db)
        else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        return (user, child)
    }

    @Sendable func form(req: Request) async throws -> Response {
        let (_, child) = try await target(req)
        let next = Paths.safeNext(req.query[String.self, at: "next"] ?? Paths.child(child.id))
        return HTMLResponse.make(Self.page(PageContext(req), .init(child.id, next: next, values: FormValues(), errors: [])))
    }

    @Sendable func give(req: Request) async throws -> Response {
        let (user, child) = try await target(req)
        let values = try formValues(req)
        let next = Paths.safeNext(values.trimmed("next") ?? Paths.child(child.id))
        var errors = FormErrors()
        let reason = Parse.text(
            values, "reason", label: "Reason", required: "Say why you need to see this child's record", max: 1000, errors: &errors)
        if let reason, reason.count < 10 {
            errors.add("reason", "Give the reason in a few words, like 'covering for their case manager at today's court'")
        }
        guard errors.isEmpty, let reason else {
            return HTMLResponse.make(
                Self.page(PageContext(req), .init(child.id, next: next, values: values, errors: errors.errors)),
                status: .unprocessableEntity)
        }
        _ = user
        try await CaseWork(req).giveReason(reason, for: child.id)
        return req.redirect(to: next)
    }

    /// The reason-for-access form: whose record, where to go after, what was typed.
    struct ChildAccessReason {
        let childID: UUID
        let next: String
        let values: FormValues
        let errors: [FieldError]

        init(_ childID: UUID, next: String, values v: FormValues, errors: [FieldError]) {
            self.childID = childID
            self.next = next
            self.values = v
            self.errors = errors
        }
    }

    static func page(_ ctx: PageContext, _ m: ChildAccessReason) -> String {
        let (childID, next, v, errors) = (m.childID, m.next, m.values, m.errors)
        return Layout.page(
            title: "Why do you need this record?", ctx, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors),
                                C.h1("Why do you need this record?"),
                                C.p(
                                    "This child is not allocated to you or to your team. You can read their record for the next \(ChildAccess.reasonHours) hours once you say why. Your reason is kept on the child's record and shown to your managers."
                                ),
                                el(
                                    .form, [.method: "post", .action: Paths.childAccess(childID), .novalidate: ""],
                                    [
                                        Layout.csrfField(ctx.csrf),
                                        el(.input, [.type: "hidden", .name: "next", .value: next]),
                                        C.textarea(
                                            "reason", label: "Reason", value: v["reason"],
                                            error: FieldMessages(errors)("reason"),
                                            hint: "For example: covering for their case manager at court today"),
                                        el(
                                            .div, [.class: "button-group"],
                                            [C.button("Open the record"), C.link("Cancel", Paths.children, "link")])
                                    ])
                            ])
                    ])
            ])
    }

    /// Managers: the reasons given to open children of their services, newest first.
    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.authorize(.viewServiceWork)
        let model = try await AccessReasonsQuery.load(user, page: try req.pageNumber(), on: req.db)
        try await Audit.recordViews(
            req, action: "view_access_reasons", children: Array(Set(model.reasons.map(\.childID))).map { (nil, $0) })
        return HTMLResponse.make(AccessReasonsView.render(PageContext(req), model))
    }
}

/// The reasons practitioners gave to open records outside their own work, in the manager's
/// services (a page of them, newest first; the latest 2,000 in all).
struct AccessReasons {
    struct Reason {
        let at: Date
        let who: String
        let childID: UUID
        let childName: String
        let reason: String
    }
    var reasons: [Reason] = []
    var total = 0
    var page = 1
    var totalPages = 1
}

enum AccessReasonsQuery {
    static func load(_ user: CurrentUser, page: Int, on db: Database) async throws -> AccessReasons {
        struct R: Decodable {
            let at: Date; let reason: String; let child_id: UUID; let user_name: String; let given_name: String; let family_name: String
        }
        let rows: [R] =
            user.serviceIDs.isEmpty
            ? []
            : try await db.sql.select()
                .column(SQLColumn("at", table: "r")).column(SQLColumn("reason", table: "r")).column(SQLColumn("child_id", table: "r"))
                .column(SQLColumn("name", table: "u"), as: "user_name").column(SQLColumn("given_name", table: "c")).column(
                    SQLColumn("family_name", table: "c")
                )
                .from(SQLAlias(SQLIdentifier("child_access_reasons"), as: SQLIdentifier("r")))
                .join(
                    SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), method: SQLJoinMethod.inner,
                    on: SQLBinaryExpression(SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "r"))
                )
                .join(
                    SQLAlias(SQLIdentifier("children"), as: SQLIdentifier("c")), method: SQLJoinMethod.inner,
                    on: SQLBinaryExpression(SQLColumn("id", table: "c"), .equal, SQLColumn("child_id", table: "r"))
                )
                .where(SQLColumn("service_id", table: "r"), .in, SQLBind.group(user.serviceIDs))
                .orderBy(SQLColumn("at", table: "r"), SQLDirection.descending).limit(2000).all(decoding: R.self)
        let (slice, pages) = WorklistViews.paged(rows, page: page)
        var m = AccessReasons()
        m.reasons = slice.map {
            .init(at: $0.at, who: $0.user_name, childID: $0.child_id, childName: "\($0.given_name) \($0.family_name)", reason: $0.reason)
        }
        m.total = rows.count
        m.page = page
        m.totalPages = pages
        return m
    }
}

enum AccessReasonsView {
    static func render(_ ctx: PageContext, _ m: AccessReasons) -> String {
        Layout.page(
            title: "Reasons given to open records", ctx, wide: true,
            [
                C.h1("Reasons given to open records", caption: "Service"),
                C.p(
                    "Practitioners read the children allocated to them and to their team. To open any other child's record they must say why; each reason is listed here."
                ),
                m.total == 0
                    ? C.insetText([txt("No one has needed to give a reason yet.")])
                    : C.table(
                        caption: "\(m.total) reasons", headers: ["When", "Who", "Child", "Reason"],
                        rows: m.reasons.map { r in
                            [
                                txt(DateFormatting.londonDateTime(r.at)), txt(r.who), C.link(r.childName, Paths.child(r.childID)),
                                txt(r.reason)
                            ]
                        }),
                C.pagination(page: m.page, totalPages: m.totalPages) { "\(Paths.accessReasons)?page=\($0)" }
            ])
    }
}
