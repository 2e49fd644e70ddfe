import Fluent
import Vapor
import WaypointDomain

/// My work (practitioners, `MyWork`) and Service (managers, `ServiceWork`): what is due and overdue, computed now.
struct WorklistController: RouteCollection {
    static let pageSize = 25

    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.myWork, use: myWork)
        routes.get(path: Paths.serviceWork, use: service)
    }

    @Sendable func myWork(req: Request) async throws -> Response {
        let user = try req.authorize(.viewMyWork)
        let page = try await MyWorkQuery.load(req, user, page: try req.pageNumber(), teamPage: try req.pageNumber(MyWork.teamPageParameter))
        // The children this page shows (a page of my own, and a page of the team's) are on their audit records.
        try await Audit.recordViews(req, action: "view_worklist", children: page.shownChildren.map { (nil, $0) }, details: "my work")
        return HTMLResponse.make(MyWorkView.render(PageContext(req), page))
    }

    @Sendable func service(req: Request) async throws -> Response {
        let user = try req.authorize(.viewServiceWork)
        let page = try await ServiceWorkQuery.load(req, user, page: try req.pageNumber())
        try await Audit.recordViews(
            req, action: "view_worklist", children: page.shownChildren.map { (nil, $0) }, details: "service worklist")
        return HTMLResponse.make(ServiceWorkView.render(PageContext(req), page))
    }
}

enum WorklistViews {
    static func paged<T>(_ items: [T], page: Int) -> (slice: ArraySlice<T>, totalPages: Int) {
        let size = WorklistController.pageSize
        let totalPages = max(1, (items.count + size - 1) / size)
        let p = min(max(1, page), totalPages)
        let start = (p - 1) * size
        return (items[min(start, items.count)..<min(start + size, items.count)], totalPages)
    }
}
