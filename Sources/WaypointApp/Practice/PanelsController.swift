import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Panel papers. A volunteer sees only the panels they sit on: the list holds only those, and
/// any other panel's papers are refused (404, so its existence is not confirmed).
struct PanelsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.panels, use: list)
        routes.get(Paths.panel, use: papers)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.authorize(.viewPanelPapers)
        let ids = try await RecordStore.panelsFor(member: user.id, in: user.serviceIDs, on: req.db)
        let spec = RecordKind.panel.spec
        var rows: [[H]] = []
        var shown: [(serviceID: UUID?, childID: UUID)] = []
        for id in ids {
            guard let p = try await RecordStore.find(spec, id, in: user.serviceIDs, restricted: false, on: req.db),
                let child = try await ChildStore.find(p.childID, in: user.serviceIDs, on: req.db)
            else { continue }
            shown.append((child.serviceID, child.id))
            rows.append([
                C.link(p["held_on"]?.date?.longFormat ?? "", Paths.panel(id)), txt(child.details.fullName),
                txt(RecordForm.display(spec.field("panel_type")!, p["panel_type"]) ?? ""),
                txt(RecordForm.display(spec.field("status")!, p["status"]) ?? "")
            ])
        }
        try await Audit.recordViews(req, action: "view_worklist", children: shown, details: "my panels")
        return HTMLResponse.make(
            Layout.page(
                title: "My panels", PageContext(req),
                [
                    C.h1("My panels"),
                    C.p("The referral order panels you sit on. Each opens its papers: the contract, its progress and the panel report."),
                    rows.isEmpty
                        ? C.p("You are not a member of any panel yet. The YJS adds you when a panel is arranged.")
                        : C.table(caption: nil, headers: ["Date", "Child", "Panel", "Status"], rows: rows)
                ]))
    }

    @Sendable func papers(req: Request) async throws -> Response {
        let user = try req.authorize(.viewPanelPapers)
        let id = try req.uuidParameter("panelID")
        let spec = RecordKind.panel.spec
        let notFound = WaypointError.notFound("This panel could not be found, or you do not sit on it.")
        guard let p = try await RecordStore.find(spec, id, in: user.serviceIDs, restricted: false, on: req.db),
            var child = try await ChildStore.find(p.childID, in: user.serviceIDs, on: req.db)
        else { throw notFound }
        let memberIDs = try await RecordStore.panelMembers([id], on: req.db)[id] ?? []
        if memberIDs.contains(user.id) {
            // Sitting on the panel is the relationship.
            req.noteWhy(child.id, "sits on the child's panel")
        } else if user.role == .volunteer || !user.can(.viewChild) {
            throw notFound
        } else {
            // Anyone else reads the papers as they would the child's record.
            guard let reached = try await req.child(child.id, user, .read) else { throw notFound }
            child = reached
        }
        try await Audit.record(
            req, action: "view_panel_papers", serviceID: p.serviceID, childID: child.id, details: "panel \(id.uuidString)")
        let parent = PracticeController.Parent(spec: spec, child: child, intervention: nil)
        let lookups = try await PracticeController.lookups(parent, on: req.db)
        let names = try await Workers.names(memberIDs, on: req.db).values.sorted()
        let items =
            try await p.interventionID.asyncMap {
                try await RecordStore.list(RecordKind.contractItem.spec, intervention: $0, restricted: false, on: req.db)
            } ?? []
        func show(_ name: String) -> String? { spec.field(name).flatMap { RecordForm.display($0, p[name], lookups: lookups) } }
        let itemSpec = RecordKind.contractItem.spec
        let content: [H] = [
            C.h1(show("panel_type") ?? "Panel", caption: child.details.fullName),
            C.summaryList([
                ("Date", C.value(show("held_on").map { $0 + (p["panel_time"]?.text.map { " at \($0)" } ?? "") })),
                ("Place", C.value(show("place"))),
                ("Status", C.value(show("status"))),
                ("YJS panel member", C.value(show("yjs_member"))),
                ("Volunteer panel members", C.value(names.isEmpty ? nil : names.joined(separator: ", ")))
            ]),
            el(.h2, [.class: "heading-m"], "Contract"),
            el(.p, [.class: "body"], [C.multiline(p["contract"]?.text)]),
            items.isEmpty
                ? C.p("No contract items recorded yet.")
                : C.table(
                    caption: nil, headers: ["Item", "Agreed", "Progress"],
                    rows: items.map { r in
                        [
                            txt(r["item"]?.text ?? ""), txt(r["agreed_on"]?.date?.longFormat ?? ""),
                            txt(RecordForm.display(itemSpec.field("progress")!, r["progress"]) ?? "")
                        ]
                    }),
            el(.h2, [.class: "heading-m"], "Panel report"),
            el(.p, [.class: "body"], [C.multiline(p["report"]?.text)]),
            el(.h2, [.class: "heading-m"], "In the child's own words"),
            el(.p, [.class: "body"], [C.multiline(p["child_words"]?.text)])
        ]
        return HTMLResponse.make(
            Layout.page(
                title: "Panel papers", PageContext(req),
                [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])]))
    }
}
