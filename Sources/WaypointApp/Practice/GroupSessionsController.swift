import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Group sessions: one session for several children, stored as one group contact per child's
/// intervention (sharing a group id), so each child's attendance counts in their own record.
struct GroupSessionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.groupSessions, use: list)
        routes.get(path: Paths.newGroupSession, use: new)
        routes.post(path: Paths.groupSessions, use: create)
        routes.get(Paths.groupSession, use: show)
        routes.post(Paths.groupSession, use: attendance)
    }

    static let sessionFields = ["contact_on", "contact_time", "place", "workers", "notes"]

    struct Candidate: Decodable {
        let id: UUID
        let service_id: UUID
        let child_id: UUID
        let type: String
        let given_name: String
        let family_name: String
        var label: String { "\(given_name) \(family_name) — \(Show.label(InterventionType.self, type))" }
    }

    /// Open interventions the user can bring to a group: their own (as case manager or co-worker),
    /// or for a manager every open intervention in their services.
    private func candidates(_ req: Request, _ user: CurrentUser) async throws -> [Candidate] {
        guard !user.serviceIDs.isEmpty else { return [] }
        var q = req.db.sql.select()
            .column(SQLColumn("id", table: "interventions")).column(SQLColumn("service_id", table: "interventions"))
            .column(SQLColumn("child_id", table: "interventions")).column(SQLColumn("type", table: "interventions"))
            .column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
            .from("interventions")
            .join("children", on: SQLColumn("id", table: "children"), .equal, SQLColumn("child_id", table: "interventions"))
            .where(SQLColumn("service_id", table: "interventions"), .in, SQLBind.group(user.serviceIDs))
            .where(SQLColumn("end_date", table: "interventions"), .is, SQLLiteral.null)
            .where(SQLColumn("case_manager_id", table: "interventions"), .isNot, SQLLiteral.null)
        if !user.can(.viewServiceWork) {
            q = q.where { w in
                w.where(SQLColumn("case_manager_id", table: "interventions"), .equal, SQLBind(user.id))
                    .orWhere(SQLColumn("co_worker_id", table: "interventions"), .equal, SQLBind(user.id))
            }
        }
        return try await q.orderBy(SQLColumn("family_name", table: "children")).orderBy(SQLColumn("given_name", table: "children")).limit(
            500
        )
        .all(decoding: Candidate.self)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.authorize(.recordPractice)
        return HTMLResponse.make(GroupSessionViews.index(PageContext(req), try await GroupSessionQuery.index(user, on: req.db)))
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.recordPractice)
        let candidates = try await candidates(req, user)
        try await Audit.recordViews(
            req, action: "view_worklist", children: Array(Set(candidates.map(\.child_id))).map { (nil, $0) },
            details: "group session candidates")
        return HTMLResponse.make(
            GroupSessionViews.new(
                PageContext(req),
                GroupSessionNew(candidates: candidates, form: FormState(values: FormValues(todayValues("contact_on", req.today))))))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.recordPractice)
        let values = try formValues(req)
        let candidates = try await candidates(req, user)
        let spec = RecordKind.contact.spec
        let names = Set(Self.sessionFields)
        var errors = FormErrors()
        var parsed: RecordValues = [:]
        switch RecordForm.parse(spec, values, today: req.today, include: { names.contains($0.name) }) {
        case .failure(let e): errors = e
        case .success(let v): parsed = v
        }
        let chosen = candidates.filter { values.list("children").contains($0.id.uuidString.lowercased()) }
        if chosen.count < 2 || chosen.count != Set(values.list("children")).count {
            errors.add("children", "Select at least two children from the list")
        }
        guard errors.isEmpty else {
            return HTMLResponse.make(
                GroupSessionViews.new(
                    PageContext(req), GroupSessionNew(candidates: candidates, form: FormState(values: values, errors: errors.errors))),
                status: .unprocessableEntity)
        }
        let group = UUID()
        parsed["contact_type"] = .text("group")
        parsed["group_id"] = .text(group.uuidString.lowercased())
        let record = parsed
        let agent = try req.agent()
        // One transaction for the whole session; each child's contact through the use case.
        try await req.db.writeTransaction { db in
            let work = CaseWork(agent, on: db)
            for c in chosen {
                let p = try await work.parent(spec, childID: nil, interventionID: c.id, .write)
                _ = try await work.recordPractice(record, in: p)
            }
        }
        return req.redirect(to: Paths.groupSession(group) + "?saved=created")
    }

    private func members(_ req: Request, _ user: CurrentUser) async throws -> [(PracticeRecord, ChildRecord, InterventionRow)] {
        let group = try req.uuidParameter("groupID")
        guard !user.serviceIDs.isEmpty else { throw WaypointError.notFound("This group session could not be found.") }
        let spec = RecordKind.contact.spec
        let rows = try await RecordStore.select(spec, restricted: true, on: req.db).where(
            "group_id", .equal, SQLBind(group.uuidString.lowercased())
        )
        .where("service_id", .in, SQLBind.group(user.serviceIDs)).all().map { try RecordStore.decode(spec, restricted: true, $0) }
        // A session is recorded as a whole: a practitioner opens it only when every child in it is
        // theirs (the gate refuses otherwise); managers open any of their services'. The children
        // and their interventions are read together, whatever the session's size.
        let interventions = try await InterventionStore.findAll(rows.compactMap(\.interventionID), in: user.serviceIDs, on: req.db)
        let children = try await req.children(rows.map(\.childID), user, .write)
        let out: [(PracticeRecord, ChildRecord, InterventionRow)] = rows.compactMap { r in
            guard let iid = r.interventionID, let i = interventions[iid], let c = children[r.childID] else { return nil }
            return (r, c, i)
        }
        guard !out.isEmpty else {
            throw WaypointError.notFound("This group session could not be found. It may be in a service you do not have access to.")
        }
        return out.sorted { $0.1.details.fullName < $1.1.details.fullName }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.recordPractice)
        let m = try await members(req, user)
        try await Audit.recordViews(
            req, action: "view_group_session", children: m.map { ($0.1.serviceID, $0.1.id) }, details: "group session")
        var v: [String: String] = [:]
        for (k, (r, _, _)) in m.enumerated() {
            v["c\(k)_attendance"] = r["attendance"]?.text ?? ""
            v["c\(k)_absence_acceptable"] = r["absence_acceptable"]?.text ?? ""
        }
        let notice: String? =
            switch req.query[String.self, at: "saved"] {
            case "created": "Group session arranged"
            case "attendance": "Attendance saved"
            default: nil
            }
        return HTMLResponse.make(
            GroupSessionViews.show(PageContext(req, notice: notice), GroupSessionShow(m, form: FormState(values: FormValues(v)))))
    }

    /// Saves every child's attendance at once; if any is wrong, nothing is saved.
    @Sendable func attendance(req: Request) async throws -> Response {
        let user = try req.authorize(.recordPractice)
        let m = try await members(req, user)
        let values = try formValues(req)
        let spec = RecordKind.contact.spec
        var errors = FormErrors()
        var updates: [(PracticeRecord, ChildRecord, InterventionRow, RecordValues)] = []
        for (k, (r, child, i)) in m.enumerated() {
            var f = RecordForm.values(spec, r.values)
            f.values["attendance"] = values["c\(k)_attendance"]
            f.values["absence_acceptable"] = values["c\(k)_absence_acceptable"]
            switch RecordForm.parse(spec, f, today: req.today) {
            case .failure(let e):
                for x in e.errors { errors.add("c\(k)_" + x.field, "\(child.details.fullName): \(x.message)") }
            case .success(let parsed):
                updates.append((r, child, i, parsed))
            }
        }
        guard errors.isEmpty else {
            return HTMLResponse.make(
                GroupSessionViews.show(PageContext(req), GroupSessionShow(m, form: FormState(values: values, errors: errors.errors))),
                status: .unprocessableEntity)
        }
        let fields = [spec.field("attendance")!, spec.field("absence_acceptable")!]
        let all = updates
        let agent = try req.agent()
        try await req.db.writeTransaction { db in
            let work = CaseWork(agent, on: db)
            for (r, child, i, parsed) in all {
                let p = PracticeController.Parent(spec: spec, child: child, intervention: i)
                guard try await work.updatePractice(r, in: p, version: r.version, to: parsed, formFields: fields).saved else {
                    throw WaypointError.conflict(
                        "Someone else changed this session's attendance at the same time, so nothing was saved. Open it again.")
                }
            }
        }
        let group = m[0].0["group_id"]?.text.flatMap(UUID.init(uuidString:)) ?? m[0].0.id
        return req.redirect(to: Paths.groupSession(group) + "?saved=attendance")
    }
}

/// The latest group sessions of the user's services.
struct GroupSessionIndex {
    struct Session {
        let id: UUID
        let date: String
        let time: String?
        let place: String?
        let children: Int
    }
    var sessions: [Session]
}

/// The form that arranges a session: the open work it can bring together, and what was typed.
struct GroupSessionNew {
    let candidates: [(code: String, label: String)]
    var form: FormState

    init(candidates: [GroupSessionsController.Candidate], form: FormState) {
        self.candidates = candidates.map { ($0.id.uuidString.lowercased(), $0.label) }
        self.form = form
    }
}

/// One session: when and where, each child's attendance form (fields prefixed `c0_`, `c1_`… in
/// the order of the children), and what was typed.
struct GroupSessionShow {
    struct Child {
        let name: String
        let interventionID: UUID
    }
    let id: UUID
    let when: String
    let place: String?
    let children: [Child]
    var form: FormState

    init(_ members: [(PracticeRecord, ChildRecord, InterventionRow)], form: FormState) {
        let first = members.first?.0
        // A session always has members (`members` refuses an empty one).
        id = first.flatMap { $0["group_id"]?.text.flatMap(UUID.init(uuidString:)) ?? $0.id } ?? UUID()
        when = (first?["contact_on"]?.date?.longFormat ?? "") + (first?["contact_time"]?.text.map { " at \($0)" } ?? "")
        place = RecordKind.contact.spec.field("place").flatMap { RecordForm.display($0, first?["place"]) }
        children = members.map { Child(name: $0.1.details.fullName, interventionID: $0.2.id) }
        self.form = form
    }
}

enum GroupSessionQuery {
    static func index(_ user: CurrentUser, on db: Database) async throws -> GroupSessionIndex {
        struct G: Decodable { let group_id: String; let contact_on: String; let contact_time: String?; let place: String?; let n: Int }
        let groups: [G] =
            user.serviceIDs.isEmpty
            ? []
            : try await db.sql.select()
                .column("group_id").column(SQLFunction("MIN", args: SQLColumn("contact_on")), as: "contact_on")
                .column(SQLFunction("MIN", args: SQLColumn("contact_time")), as: "contact_time").column(
                    SQLFunction("MIN", args: SQLColumn("place")), as: "place"
                )
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("contacts").where("group_id", .isNot, SQLLiteral.null).where("service_id", .in, SQLBind.group(user.serviceIDs))
                .groupBy("group_id").orderBy("contact_on", .descending).limit(100).all(decoding: G.self)
        let places = RecordKind.contact.spec.field("place")
        return GroupSessionIndex(
            sessions: groups.compactMap { g in
                guard let id = UUID(uuidString: g.group_id) else { return nil }
                return .init(
                    id: id, date: Show.date(g.contact_on), time: g.contact_time,
                    place: places.flatMap { RecordForm.display($0, g.place.map { .text($0) }) }, children: g.n)
            })
    }
}

enum GroupSessionViews {
    static func index(_ ctx: PageContext, _ m: GroupSessionIndex) -> String {
        Layout.page(
            title: "Group sessions", ctx,
            [
                C.h1("Group sessions"),
                C.p("A group session records each child's attendance in their own record."),
                C.buttonLink("Arrange a group session", Paths.newGroupSession),
                m.sessions.isEmpty
                    ? C.p("No group sessions yet.")
                    : C.table(
                        caption: "The latest 100", headers: ["Date", "Time", "Place", "Children"],
                        rows: m.sessions.map { g in
                            [C.link(g.date, Paths.groupSession(g.id)), C.value(g.time), C.value(g.place), txt(String(g.children))]
                        }, numeric: [3])
            ])
    }

    /// The fields of a contact that a group session shares, by name.
    static func contactFields(_ names: [String]) -> [FieldSpec] { names.compactMap { RecordKind.contact.spec.field($0) } }

    static func new(_ ctx: PageContext, _ m: GroupSessionNew) -> String {
        let (v, errors) = (m.form.values, m.form.errors)
        var fields: [H] = contactFields(GroupSessionsController.sessionFields).map {
            PracticeViews.input($0, values: v, errors: errors, lookups: [:])
        }
        fields.append(
            m.candidates.isEmpty
                ? C.insetText([txt("You have no open, allocated work to bring to a group session.")])
                : C.checkboxes(
                    "children", legend: "Children attending", options: m.candidates, selected: v.list("children"),
                    error: m.form.messages("children"), hint: "Select at least two"))
        return FormPage(
            title: "Arrange a group session", errors: errors, action: Paths.groupSessions, submit: "Arrange the session",
            cancel: Paths.groupSessions
        ).render(ctx, fields)
    }

    static func show(_ ctx: PageContext, _ m: GroupSessionShow) -> String {
        let (v, errors) = (m.form.values, m.form.errors)
        let attendance = contactFields(["attendance", "absence_acceptable"])
        var fields: [H] = [Layout.csrfField(ctx.csrf)]
        for (k, child) in m.children.enumerated() {
            fields.append(el(.h2, [.class: "heading-s"], [C.link(child.name, Paths.intervention(child.interventionID))]))
            for f in attendance { fields.append(PracticeViews.input(f, values: v, errors: errors, lookups: [:], prefix: "c\(k)_")) }
        }
        fields.append(C.button("Save attendance"))
        return Layout.page(
            title: "Group session", ctx, hasErrors: m.form.hasErrors,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [
                                C.errorSummary(errors), C.h1("Group session"),
                                C.summaryList([
                                    ("Date", txt(m.when)), ("Place", C.value(m.place)), ("Children", txt(String(m.children.count)))
                                ]),
                                el(.form, [.method: "post", .action: Paths.groupSession(m.id), .novalidate: ""], fields)
                            ])
                    ])
            ])
    }
}
