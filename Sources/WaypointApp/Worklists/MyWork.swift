import Fluent
import Foundation
import Vapor
import WaypointDomain

/// My work, as data: a practitioner's open work with what is due on it (a page of it), and a page
/// of the open work of their team's other case managers. `MyWorkQuery` reads it; `MyWorkView` renders it.
struct MyWork {
    struct Row {
        let childID: UUID
        let childName: String
        /// Allocated to the reader as case manager and not yet opened by them.
        let isNew: Bool
        let interventionID: UUID
        let type: String
        let startDate: String
        /// Own work: "Case manager" or "Co-worker"; the team's: the case manager's name.
        let who: String?
        let next: DueItem?
    }

    var children = 0
    var withOverdue = 0
    var newlyAllocated = 0
    var mine: [Row] = []
    var page = 1
    var totalPages = 1
    /// Nil when the reader is in no team.
    var teamName: String?
    var team: [Row] = []
    var teamPage = 1
    var teamTotalPages = 1

    /// The query parameter of the team's list's page (`page` is the reader's own list's).
    static let teamPageParameter = "team-page"

    /// The children the page shows, for the audit log.
    var shownChildren: [UUID] { Array(Set((mine + team).map(\.childID))) }
}

enum MyWorkQuery {
    /// In four statements however much work there is: the reader's team with its members (and
    /// their names), the open work of the reader and of their colleagues together, and what is due on it.
    static func load(_ req: Request, _ user: CurrentUser, page requested: Int, teamPage: Int) async throws -> MyWork {
        let db = req.db
        let today = req.today
        let reference = try await req.referenceData()
        let team = try await Workers.team(of: user.id, on: db)
        let colleagues = team?.members.map(\.id).filter { $0 != user.id } ?? []
        let names = Dictionary(team?.members ?? [], uniquingKeysWith: { a, _ in a })
        let all = try await WorklistQuery.withDue(
            try await WorklistQuery.openWork(.workerOrTheirs(user.id, colleagues), in: user.serviceIDs, today: today, on: db),
            today: today, reference: reference, on: db)
        // A colleague's case on which the reader is co-worker is in both lists, as before.
        let mine = all.filter { $0.row.case_manager_id == user.id || $0.row.co_worker_id == user.id }
        var model = MyWork()
        model.children = Set(mine.map(\.row.child_id)).count
        model.withOverdue = mine.filter { !$0.overdue.isEmpty }.count
        model.newlyAllocated = mine.filter { $0.row.case_manager_id == user.id && $0.row.first_seen_at == nil }.count
        let (slice, pages) = WorklistViews.paged(mine, page: requested)
        model.page = min(max(1, requested), pages)
        model.totalPages = pages
        model.mine = slice.map { w in
            row(w, user: user, who: w.row.case_manager_id == user.id ? "Case manager" : "Co-worker")
        }
        if let team {
            let theirs = Set(colleagues)
            let work = all.filter { $0.row.case_manager_id.map(theirs.contains) ?? false }
            let (teamSlice, teamPages) = WorklistViews.paged(work, page: teamPage)
            model.teamName = team.name
            model.teamPage = min(max(1, teamPage), teamPages)
            model.teamTotalPages = teamPages
            model.team = teamSlice.map { w in row(w, user: user, who: w.row.case_manager_id.flatMap { names[$0] }) }
        }
        return model
    }

    private static func row(_ w: WorkItem, user: CurrentUser, who: String?) -> MyWork.Row {
        let r = w.row
        return .init(
            childID: r.child_id, childName: r.childName, isNew: r.case_manager_id == user.id && r.first_seen_at == nil,
            interventionID: r.id, type: r.type, startDate: r.start_date, who: who, next: w.next)
    }
}

enum MyWorkView {
    static func render(_ ctx: PageContext, _ m: MyWork) -> String {
        var content: [H] = [
            C.h1("My work"),
            el(
                .ul, [.class: "stat-list"],
                [
                    el(
                        .li, [.class: "stat"],
                        [el(.span, [.class: "stat__figure"], String(m.children)), txt(m.children == 1 ? " child" : " children")]),
                    el(.li, [.class: "stat"], [el(.span, [.class: "stat__figure"], String(m.withOverdue)), txt(" with overdue work")]),
                    el(
                        .li, [.class: "stat"],
                        [el(.span, [.class: "stat__figure"], String(m.newlyAllocated)), txt(" newly allocated, not yet seen")])
                ]),
            el(.h2, [.class: "heading-m"], "My children")
        ]
        content.append(m.mine.isEmpty ? C.p("No work is allocated to you at the moment.") : table(m.mine, whoHeader: "My role"))
        content.append(
            C.pagination(page: m.page, totalPages: m.totalPages, label: "Pages of my children") {
                Paths.with(Paths.myWork, [("page", String($0))] + teamPage(m.teamPage))
            })
        if let teamName = m.teamName {
            content.append(el(.h2, [.class: "heading-m"], "\(teamName): colleagues' children"))
            content.append(m.team.isEmpty ? C.p("Your colleagues have no open work.") : table(m.team, whoHeader: "Case manager"))
            content.append(
                C.pagination(page: m.teamPage, totalPages: m.teamTotalPages, label: "Pages of colleagues' children") {
                    Paths.with(Paths.myWork, [("page", String(m.page))] + teamPage($0))
                })
        }
        return Layout.page(title: "My work", ctx, wide: true, content)
    }

    /// The team list's page in a link (left out when it is the first).
    private static func teamPage(_ n: Int) -> [(String, String)] {
        n > 1 ? [(MyWork.teamPageParameter, String(n))] : []
    }

    private static func table(_ rows: [MyWork.Row], whoHeader: String) -> H {
        C.table(
            caption: nil, headers: ["Child", "Work", "Started", whoHeader, "Next due"],
            rows: rows.map { r in
                [
                    group([
                        C.link(r.childName, Paths.child(r.childID)), r.isNew ? txt(" ") : group([]),
                        r.isNew ? C.tag("New", colour: "blue") : group([])
                    ]),
                    C.link(Show.label(InterventionType.self, r.type), Paths.intervention(r.interventionID)),
                    txt(Show.date(r.startDate)),
                    C.value(r.who),
                    r.next.map { d in group([Show.dueTag(d), txt(" " + Show.dueText(d))]) } ?? txt("Nothing due")
                ]
            })
    }
}
