import Fluent
import Foundation
import Vapor
import WaypointDomain

/// The Service page (managers), as data: the referrals waiting longest, the open work nobody
/// holds (a page of it), and each worker's caseload against the cap with their overdue items.
/// `ServiceWorkQuery` reads it; `ServiceWorkView` renders it.
struct ServiceWork {
    struct Waiting {
        let referralID: UUID
        let childName: String
        let receivedOn: String
        let workingDaysWaiting: Int
    }

    struct Unallocated {
        let childID: UUID
        let childName: String
        let interventionID: UUID
        let type: String
        let startDate: String
    }

    struct Caseload {
        let service: String
        let name: String
        let children: Int
        let cap: Int
        let overdue: Int
    }

    /// The ten referrals waiting longest, of `waitingTotal`.
    var waiting: [Waiting] = []
    var waitingTotal = 0
    /// A page of `unallocatedTotal`.
    var unallocated: [Unallocated] = []
    var unallocatedTotal = 0
    var page = 1
    var totalPages = 1
    var caseloads: [Caseload] = []

    /// The children the page shows, for the audit log.
    var shownChildren: [UUID] = []
}

enum ServiceWorkQuery {
    static func load(_ req: Request, _ user: CurrentUser, page requested: Int) async throws -> ServiceWork {
        let db = req.db
        let today = req.today
        let reference = try await req.referenceData()
        let calendar = reference.calendar
        let queue = try await ReferralStore.queue(in: user.serviceIDs, page: 1, on: db)
        let unallocated = try await WorklistQuery.openWork(.unallocated, in: user.serviceIDs, today: today, on: db)
        let allocated = try await WorklistQuery.withDue(
            try await WorklistQuery.openWork(.allocated, in: user.serviceIDs, today: today, on: db), today: today, reference: reference,
            on: db)
        var overdueByWorker: [UUID: Int] = [:]
        for item in allocated where !item.overdue.isEmpty {
            if let w = item.row.case_manager_id { overdueByWorker[w, default: 0] += item.overdue.count }
        }
        var m = ServiceWork()
        m.waiting = queue.rows.prefix(10).map { r in
            .init(
                referralID: r.id, childName: "\(r.given_name) \(r.family_name)", receivedOn: r.received_on,
                workingDaysWaiting: LocalDate(iso: r.received_on).map { calendar.workingDays(from: $0, to: today) } ?? 0)
        }
        m.waitingTotal = queue.total
        let (slice, pages) = WorklistViews.paged(unallocated, page: requested)
        m.unallocated = slice.map {
            .init(childID: $0.child_id, childName: $0.childName, interventionID: $0.id, type: $0.type, startDate: $0.start_date)
        }
        m.unallocatedTotal = unallocated.count
        m.page = min(max(1, requested), pages)
        m.totalPages = pages
        // Each service's caseloads against its cap, in three queries however many services.
        let services = Dictionary(
            try await Service.query(on: db).filter(\.$id ~~ user.serviceIDs).all().compactMap { s in s.id.map { ($0, s) } },
            uniquingKeysWith: { a, _ in a })
        let loads = try await InterventionStore.caseloadsByService(in: user.serviceIDs, on: today, db: db)
        let workers = try await Workers.inServices(user.serviceIDs, on: db)
        for serviceID in user.serviceIDs {
            let service = services[serviceID]
            let cap = service?.caseloadCap ?? Timescales().caseloadCap
            for w in workers[serviceID] ?? [] {
                m.caseloads.append(
                    .init(
                        service: service?.name ?? "", name: w.name, children: loads[serviceID]?[w.id] ?? 0, cap: cap,
                        overdue: overdueByWorker[w.id] ?? 0))
            }
        }
        m.shownChildren = Array(Set(queue.rows.prefix(10).map(\.child_id)).union(m.unallocated.map(\.childID)))
        return m
    }
}

enum ServiceWorkView {
    static func render(_ ctx: PageContext, _ m: ServiceWork) -> String {
        var content: [H] = [C.h1("Service")]
        content.append(el(.h2, [.class: "heading-m"], "Referrals waiting for screening (\(m.waitingTotal))"))
        if m.waiting.isEmpty {
            content.append(C.p("No referrals are waiting."))
        } else {
            content.append(
                C.table(
                    caption: nil, headers: ["Child", "Received", "Waiting"],
                    rows: m.waiting.map { r in
                        [
                            C.link(r.childName, Paths.referral(r.referralID)), txt(Show.date(r.receivedOn)),
                            txt("\(r.workingDaysWaiting) working day\(r.workingDaysWaiting == 1 ? "" : "s")")
                        ]
                    }, numeric: [2]))
            content.append(el(.p, [.class: "body"], [C.link("See the whole referral queue", Paths.referralQueue)]))
        }
        content.append(el(.h2, [.class: "heading-m"], "Not yet allocated (\(m.unallocatedTotal))"))
        content.append(
            m.unallocated.isEmpty
                ? C.p("Every open intervention is allocated.")
                : C.table(
                    caption: nil, headers: ["Child", "Work", "Started", ""],
                    rows: m.unallocated.map { r in
                        [
                            C.link(r.childName, Paths.child(r.childID)), txt(Show.label(InterventionType.self, r.type)),
                            txt(Show.date(r.startDate)), C.link("Allocate", Paths.allocate(r.interventionID))
                        ]
                    }))
        content.append(C.pagination(page: m.page, totalPages: m.totalPages) { Paths.with(Paths.serviceWork, [("page", String($0))]) })
        content.append(
            el(
                .p, [.class: "body"],
                [
                    C.link("Reasons given to open records", Paths.accessReasons),
                    txt(" — practitioners who opened a child not allocated to them or their team, and why.")
                ]))
        content.append(el(.h2, [.class: "heading-m"], "Caseloads and overdue work"))
        content.append(
            m.caseloads.isEmpty
                ? C.p("No practitioners or managers work in your services yet.")
                : C.table(
                    caption: nil, headers: ["Worker", "Service", "Children", "Cap", "Overdue items"],
                    rows: m.caseloads.map { c in
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
