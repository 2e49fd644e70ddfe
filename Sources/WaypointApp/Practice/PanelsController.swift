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
        let (model, shown) = try await PanelQuery.mine(user, on: req.db)
        try await Audit.recordViews(req, action: "view_worklist", children: shown, details: "my panels")
        return HTMLResponse.make(PanelViews.list(PageContext(req), model))
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
        let model = try await PanelQuery.papers(p, child: child, members: memberIDs, on: req.db)
        return HTMLResponse.make(PanelViews.papers(PageContext(req), model))
    }
}

/// The referral order panels the reader sits on, newest first.
struct MyPanels {
    struct Panel {
        let id: UUID
        let date: String
        let childName: String
        let type: String
        let status: String
    }
    var panels: [Panel]
}

/// A panel's papers: the panel, its contract with the progress on each item, its report and the
/// child's own words.
struct PanelPapers {
    struct Item {
        let item: String
        let agreed: String
        let progress: String
    }
    let title: String
    let childName: String
    let when: String?
    let place: String?
    let status: String?
    let yjsMember: String?
    let volunteers: String?
    let contract: String?
    let items: [Item]
    let report: String?
    let childWords: String?
}

enum PanelQuery {
    /// The reader's panels, and the children they show (for the audit log).
    static func mine(_ user: CurrentUser, on db: Database) async throws -> (MyPanels, shown: [(serviceID: UUID?, childID: UUID)]) {
        let ids = try await RecordStore.panelsFor(member: user.id, in: user.serviceIDs, on: db)
        let spec = RecordKind.panel.spec
        let records = try await RecordStore.findAll(spec, ids, in: user.serviceIDs, restricted: false, on: db)
        let children = try await ChildStore.findAll(records.values.map(\.childID), in: user.serviceIDs, on: db)
        func show(_ p: PracticeRecord, _ name: String) -> String { spec.field(name).flatMap { RecordForm.display($0, p[name]) } ?? "" }
        var panels: [MyPanels.Panel] = []
        var shown: [(serviceID: UUID?, childID: UUID)] = []
        for id in ids {
            guard let p = records[id], let child = children[p.childID] else { continue }
            shown.append((child.serviceID, child.id))
            panels.append(
                .init(
                    id: id, date: p["held_on"]?.date?.longFormat ?? "", childName: child.details.fullName, type: show(p, "panel_type"),
                    status: show(p, "status")))
        }
        return (MyPanels(panels: panels), shown)
    }

    static func papers(_ p: PracticeRecord, child: ChildRecord, members: [UUID], on db: Database) async throws -> PanelPapers {
        let spec = RecordKind.panel.spec
        let parent = PracticeController.Parent(spec: spec, child: child, intervention: nil)
        let lookups = try await PracticeController.lookups(parent, on: db)
        let names = try await Workers.names(members, on: db).values.sorted()
        let items =
            try await p.interventionID.asyncMap {
                try await RecordStore.list(RecordKind.contractItem.spec, intervention: $0, restricted: false, on: db)
            } ?? []
        func show(_ name: String) -> String? { spec.field(name).flatMap { RecordForm.display($0, p[name], lookups: lookups) } }
        let progress = RecordKind.contractItem.spec.field("progress")
        return PanelPapers(
            title: show("panel_type") ?? "Panel", childName: child.details.fullName,
            when: show("held_on").map { $0 + (p["panel_time"]?.text.map { " at \($0)" } ?? "") }, place: show("place"),
            status: show("status"), yjsMember: show("yjs_member"), volunteers: names.isEmpty ? nil : names.joined(separator: ", "),
            contract: p["contract"]?.text,
            items: items.map { r in
                .init(
                    item: r["item"]?.text ?? "", agreed: r["agreed_on"]?.date?.longFormat ?? "",
                    progress: progress.flatMap { RecordForm.display($0, r["progress"]) } ?? "")
            },
            report: p["report"]?.text, childWords: p["child_words"]?.text)
    }
}

enum PanelViews {
    static func list(_ ctx: PageContext, _ m: MyPanels) -> String {
        Layout.page(
            title: "My panels", ctx,
            [
                C.h1("My panels"),
                C.p("The referral order panels you sit on. Each opens its papers: the contract, its progress and the panel report."),
                m.panels.isEmpty
                    ? C.p("You are not a member of any panel yet. The YJS adds you when a panel is arranged.")
                    : C.table(
                        caption: nil, headers: ["Date", "Child", "Panel", "Status"],
                        rows: m.panels.map { p in [C.link(p.date, Paths.panel(p.id)), txt(p.childName), txt(p.type), txt(p.status)] })
            ])
    }

    static func papers(_ ctx: PageContext, _ m: PanelPapers) -> String {
        let content: [H] = [
            C.h1(m.title, caption: m.childName),
            C.summaryList([
                ("Date", C.value(m.when)),
                ("Place", C.value(m.place)),
                ("Status", C.value(m.status)),
                ("YJS panel member", C.value(m.yjsMember)),
                ("Volunteer panel members", C.value(m.volunteers))
            ]),
            el(.h2, [.class: "heading-m"], "Contract"),
            el(.p, [.class: "body"], [C.multiline(m.contract)]),
            m.items.isEmpty
                ? C.p("No contract items recorded yet.")
                : C.table(
                    caption: nil, headers: ["Item", "Agreed", "Progress"],
                    rows: m.items.map { [txt($0.item), txt($0.agreed), txt($0.progress)] }),
            el(.h2, [.class: "heading-m"], "Panel report"),
            el(.p, [.class: "body"], [C.multiline(m.report)]),
            el(.h2, [.class: "heading-m"], "In the child's own words"),
            el(.p, [.class: "body"], [C.multiline(m.childWords)])
        ]
        return Layout.page(
            title: "Panel papers", ctx, [el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], content)])])
    }
}
