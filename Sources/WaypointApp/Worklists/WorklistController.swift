import Fluent
import Vapor
import WaypointDomain

/// My work (practitioners) and Service (managers): what is due and overdue, computed now.
struct WorklistController: RouteCollection {
    static let pageSize = 25

    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.myWork, use: myWork)
        routes.get(path: Paths.serviceWork, use: service)
    }

    @Sendable func myWork(req: Request) async throws -> Response {
        let user = try req.authorize(.viewMyWork)
        let today = req.today
        let mine = try await WorklistQuery.withDue(
            try await WorklistQuery.openWork(.worker(user.id), in: user.serviceIDs, today: today, on: req.db), today: today, on: req.db)
        var team: [WorkItem] = []
        var teamName: String?
        if let teamID = try await teamID(of: user.id, req) {
            let ids = try await teamMembers(teamID, req).filter { $0 != user.id }
            team = try await WorklistQuery.withDue(
                try await WorklistQuery.openWork(.workers(ids), in: user.serviceIDs, today: today, on: req.db), today: today, on: req.db)
            teamName = try await teamNameFor(teamID, req)
        }
        let names = try await Workers.names(team.compactMap(\.row.case_manager_id), on: req.db)
        let page = try req.pageNumber()
        // The children this page shows (the page of my own, and all of the team's) are on their audit records.
        let shown = WorklistViews.paged(mine, page: page).slice.map(\.row) + team.map(\.row)
        try await Audit.recordViews(
            req, action: "view_worklist", children: Array(Set(shown.map(\.child_id))).map { (nil, $0) }, details: "my work")
        return HTMLResponse.make(
            WorklistViews.myWork(PageContext(req), user: user, mine: mine, team: team, teamName: teamName, names: names, page: page))
    }

    private func teamID(of userID: UUID, _ req: Request) async throws -> UUID? {
        struct Row: Decodable { let team_id: UUID? }
        return try await req.db.sql.select().column("team_id").from("users").where("id", .equal, SQLBind(userID)).first(decoding: Row.self)?
            .team_id
    }

    private func teamMembers(_ teamID: UUID, _ req: Request) async throws -> [UUID] {
        struct Row: Decodable { let id: UUID }
        return try await req.db.sql.select().column("id").from("users").where("team_id", .equal, SQLBind(teamID)).all(decoding: Row.self)
            .map(\.id)
    }

    private func teamNameFor(_ teamID: UUID, _ req: Request) async throws -> String? {
        struct Row: Decodable { let name: String }
        return try await req.db.sql.select().column("name").from("teams").where("id", .equal, SQLBind(teamID)).first(decoding: Row.self)?
            .name
    }

    @Sendable func service(req: Request) async throws -> Response {
        let user = try req.authorize(.viewServiceWork)
        let today = req.today
        let queue = try await ReferralStore.queue(in: user.serviceIDs, page: 1, on: req.db)
        let unallocated = try await WorklistQuery.openWork(.unallocated, in: user.serviceIDs, today: today, on: req.db)
        let allocated = try await WorklistQuery.withDue(
            try await WorklistQuery.openWork(.allocated, in: user.serviceIDs, today: today, on: req.db), today: today, on: req.db)
        var overdueByWorker: [UUID: (items: Int, children: Set<UUID>)] = [:]
        for item in allocated where !item.overdue.isEmpty {
            let w = item.row.case_manager_id!
            var entry = overdueByWorker[w] ?? (0, [])
            entry.items += item.overdue.count
            entry.children.insert(item.row.child_id)
            overdueByWorker[w] = entry
        }
        var caseloadRows: [WorklistViews.CaseloadRow] = []
        for serviceID in user.serviceIDs {
            let cap = try await ServiceRules.timescales(for: serviceID, on: req.db).caseloadCap
            let loads = try await InterventionStore.caseloads(in: [serviceID], on: today, db: req.db)
            let serviceName = try await Service.find(serviceID, on: req.db)?.name ?? ""
            for w in try await Workers.inService(serviceID, on: req.db) {
                caseloadRows.append(
                    .init(
                        service: serviceName, workerID: w.id, name: w.name, children: loads[w.id] ?? 0, cap: cap,
                        overdue: overdueByWorker[w.id]?.items ?? 0))
            }
        }
        let calendar = try await ServiceRules.calendar(on: req.db)
        let page = try req.pageNumber()
        let shown = queue.rows.prefix(10).map(\.child_id) + WorklistViews.paged(unallocated, page: page).slice.map(\.child_id)
        try await Audit.recordViews(
            req, action: "view_worklist", children: Array(Set(shown)).map { (nil, $0) }, details: "service worklist")
        return HTMLResponse.make(
            WorklistViews.service(
                PageContext(req), queue: queue.rows, queueTotal: queue.total, calendar: calendar, today: today,
                unallocated: unallocated, caseloads: caseloadRows, page: page))
    }
}

enum WorklistViews {
    struct CaseloadRow {
        let service: String
        let workerID: UUID
        let name: String
        let children: Int
        let cap: Int
        let overdue: Int
    }

    static func paged<T>(_ items: [T], page: Int) -> (slice: ArraySlice<T>, totalPages: Int) {
        let size = WorklistController.pageSize
        let totalPages = max(1, (items.count + size - 1) / size)
        let p = min(max(1, page), totalPages)
        let start = (p - 1) * size
        return (items[min(start, items.count)..<min(start + size, items.count)], totalPages)
    }

    static func workTable(_ items: ArraySlice<WorkItem>, user: CurrentUser?, names: [UUID: String], showWorker: Bool) -> H {
        var headers = ["Child", "Work", "Started"]
        if showWorker { headers.append("Case manager") } else { headers.append("My role") }
        headers.append("Next due")
        return C.table(
            caption: nil, headers: headers,
            rows: items.map { w in
                let r = w.row
                let isNew = r.case_manager_id == user?.id && r.first_seen_at == nil
                var cells: [H] = [
                    group([
                        C.link(r.childName, Paths.child(r.child_id)), isNew ? txt(" ") : group([]),
                        isNew ? C.tag("New", colour: "blue") : group([])
                    ]),
                    C.link(Show.label(InterventionType.self, r.type), Paths.intervention(r.id)),
                    txt(Show.date(r.start_date))
                ]
                if showWorker {
                    cells.append(C.value(r.case_manager_id.flatMap { names[$0] }))
                } else {
                    cells.append(txt(r.case_manager_id == user?.id ? "Case manager" : "Co-worker"))
                }
                cells.append(w.next.map { d in group([Show.dueTag(d), txt(" " + Show.dueText(d))]) } ?? txt("Nothing due"))
                return cells
            })
    }

    static func myWork(
        _ ctx: PageContext, user: CurrentUser, mine: [WorkItem], team: [WorkItem], teamName: String?, names: [UUID: String], page: Int
    ) -> String {
        let overdue = mine.filter { !$0.overdue.isEmpty }.count
        let new = mine.filter { $0.row.case_manager_id == user.id && $0.row.first_seen_at == nil }.count
        let children = Set(mine.map(\.row.child_id)).count
        var content: [H] = [
            C.h1("My work"),
            el(
                .ul, [.class: "stat-list"],
                [
                    el(
                        .li, [.class: "stat"],
                        [el(.span, [.class: "stat__figure"], String(children)), txt(children == 1 ? " child" : " children")]),
                    el(.li, [.class: "stat"], [el(.span, [.class: "stat__figure"], String(overdue)), txt(" with overdue work")]),
                    el(.li, [.class: "stat"], [el(.span, [.class: "stat__figure"], String(new)), txt(" newly allocated, not yet seen")])
                ]),
            el(.h2, [.class: "heading-m"], "My children")
        ]
        let (slice, pages) = paged(mine, page: page)
        content.append(
            mine.isEmpty ? C.p("No work is allocated to you at the moment.") : workTable(slice, user: user, names: names, showWorker: false)
        )
        content.append(C.pagination(page: page, totalPages: pages) { Paths.with(Paths.myWork, [("page", String($0))]) })
        if let teamName {
            content.append(el(.h2, [.class: "heading-m"], "\(teamName): colleagues' children"))
            content.append(
                team.isEmpty ? C.p("Your colleagues have no open work.") : workTable(team[...], user: user, names: names, showWorker: true))
        }
        return Layout.page(title: "My work", ctx, wide: true, content)
    }

    static func service(
        _ ctx: PageContext, queue: [QueueRow], queueTotal: Int, calendar: WorkingDayCalendar, today: LocalDate,
        unallocated: [OpenWorkRow], caseloads: [CaseloadRow], page: Int
    ) -> String {
        var content: [H] = [C.h1("Service")]
        content.append(el(.h2, [.class: "heading-m"], "Referrals waiting for screening (\(queueTotal))"))
        if queue.isEmpty {
            content.append(C.p("No referrals are waiting."))
        } else {
            content.append(
                C.table(
                    caption: nil, headers: ["Child", "Received", "Waiting"],
                    rows: queue.prefix(10).map { r in
                        let age = LocalDate(iso: r.received_on).map { calendar.workingDays(from: $0, to: today) } ?? 0
                        return [
                            C.link("\(r.given_name) \(r.family_name)", Paths.referral(r.id)), txt(Show.date(r.received_on)),
                            txt("\(age) working day\(age == 1 ? "" : "s")")
                        ]
                    }, numeric: [2]))
            content.append(el(.p, [.class: "body"], [C.link("See the whole referral queue", Paths.referralQueue)]))
        }
        content.append(el(.h2, [.class: "heading-m"], "Not yet allocated (\(unallocated.count))"))
        let (slice, pages) = paged(unallocated, page: page)
        content.append(
            unallocated.isEmpty
                ? C.p("Every open intervention is allocated.")
                : C.table(
                    caption: nil, headers: ["Child", "Work", "Started", ""],
                    rows: slice.map { r in
                        [
                            C.link(r.childName, Paths.child(r.child_id)), txt(Show.label(InterventionType.self, r.type)),
                            txt(Show.date(r.start_date)), C.link("Allocate", Paths.allocate(r.id))
                        ]
                    }))
        content.append(C.pagination(page: page, totalPages: pages) { Paths.with(Paths.serviceWork, [("page", String($0))]) })
        content.append(
            el(
                .p, [.class: "body"],
                [
                    C.link("Reasons given to open records", Paths.accessReasons),
                    txt(" — practitioners who opened a child not allocated to them or their team, and why.")
                ]))
        content.append(el(.h2, [.class: "heading-m"], "Caseloads and overdue work"))
        content.append(
            caseloads.isEmpty
                ? C.p("No practitioners or managers work in your services yet.")
                : C.table(
                    caption: nil, headers: ["Worker", "Service", "Children", "Cap", "Overdue items"],
                    rows: caseloads.map { c in
                        [
                            txt(c.name), txt(c.service),
                            group([
                                txt(String(c.children)),
                                c.children > c.cap
                                    ? group([txt(" "), C.tag("Over cap", colour: "red")])
                                    : (c.children == c.cap ? group([txt(" "), C.tag("At cap", colour: "yellow")]) : group([]))
                            ]),
                            txt(String(c.cap)),
                            c.overdue > 0 ? group([txt(String(c.overdue) + " "), C.tag("Overdue", colour: "red")]) : txt("0")
                        ]
                    }, numeric: [2, 3, 4]))
        return Layout.page(title: "Service", ctx, wide: true, content)
    }
}

import SQLKit
