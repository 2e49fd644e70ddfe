import Fluent
import Vapor
import WaypointDomain

/// My work (practitioners, `MyWork`) and Service (managers): what is due and overdue, computed now.
struct WorklistController: RouteCollection {
    static let pageSize = 25

    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.myWork, use: myWork)
        routes.get(path: Paths.serviceWork, use: service)
    }

    @Sendable func myWork(req: Request) async throws -> Response {
        let user = try req.authorize(.viewMyWork)
        let page = try await MyWorkQuery.load(req, user, page: try req.pageNumber())
        // The children this page shows (the page of my own, and all of the team's) are on their audit records.
        try await Audit.recordViews(req, action: "view_worklist", children: page.shownChildren.map { (nil, $0) }, details: "my work")
        return HTMLResponse.make(MyWorkView.render(PageContext(req), page))
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
