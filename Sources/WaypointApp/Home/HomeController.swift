import Fluent
import Vapor
import WaypointDomain

/// Each role lands on a home page that leads to its work.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.home, use: home)
    }

    @Sendable func home(req: Request) async throws -> Response {
        let user = try req.user()
        let services = try await ServiceOption.granted(user, on: req.db)
        return HTMLResponse.make(HomeView.render(PageContext(req), HomePage(user, services: services.map(\.name))))
    }
}

/// A role's home page: the user's services, a greeting, what the role is for, and a card for each
/// part of Waypoint the role uses.
struct HomePage {
    struct Card {
        let title: String
        let text: String
        let link: String
    }
    let services: [String]
    let name: String
    let intro: String
    let cards: [Card]

    init(_ user: CurrentUser, services: [String]) {
        self.services = services
        self.name = user.name
        var cards: [(String, String, String)] = []  // title, text, link
        switch user.role {
        case .practitioner:
            cards.append(("My work", "Your children, what is due and overdue, and work newly allocated to you.", Paths.myWork))
            cards.append(
                ("Group sessions", "Arrange a group session for several children and record each child's attendance.", Paths.groupSessions))
            cards.append(("Children", "Find a child on the register, see their record, and record referrals and offences.", Paths.children))
        case .manager:
            cards.append(
                (
                    "Service", "Referrals waiting for screening, work to allocate, overdue work and caseloads against the cap.",
                    Paths.serviceWork
                ))
            cards.append(
                (
                    "Referral queue", "Screen referrals: accept to an intervention, screen out to another service, or no further action.",
                    Paths.referralQueue
                ))
            cards.append(
                ("Children", "Search the register, add and update children's records, and see each record's audit trail.", Paths.children))
            cards.append(("My work", "Children allocated to you.", Paths.myWork))
            cards.append(
                (
                    "Out-of-court decision panels",
                    "Joint police and youth justice decisions on out-of-court outcomes, and scrutiny of a sample of them.",
                    Paths.disposalPanels
                ))
            cards.append(
                ("Reports", "First time entrants and, as they are built, every figure the board and the YJB ask for.", Paths.reports))
        case .victimWorker:
            cards.append(("Children", "Find the child linked to the victim work you are doing.", Paths.children))
        case .admin:
            cards.append(("Users", "Add users, change their role, team and services, and deactivate accounts.", Paths.adminUsers))
            cards.append(("Services", "Caseload caps, timescales and teams for each service.", Paths.adminServices))
            cards.append(
                (
                    "Outcome codes", "The national outcome (disposal) codes and the attributes reports use; add a new code.",
                    Paths.adminOutcomes
                ))
            cards.append(
                (
                    "Population figures",
                    "Children aged 10–17 per service and year (ONS estimates), for rates and disproportionality; upload population.csv.",
                    Paths.adminPopulation
                ))
            cards.append(
                (
                    "Bank holidays", "The England and Wales bank holidays that working-day deadlines skip; add a year.",
                    Paths.adminBankHolidays
                ))
        case .analyst:
            cards.append(
                (
                    "Reports", "Figures for any period and service, each opening the list of children behind it, with CSV downloads.",
                    Paths.reports
                ))
        case .board:
            cards.append(
                (
                    "Reports",
                    "Aggregate figures for the management board, for whole quarters and years, with any figure that could identify a child withheld.",
                    Paths.reports
                ))
        case .volunteer:
            cards.append(("My panels", "The referral order panels you sit on, with their papers.", Paths.panels))
        }
        self.cards = cards.map { Card(title: $0.0, text: $0.1, link: $0.2) }
        self.intro =
            switch user.role {
            case .practitioner: "Your work with children in your service."
            case .manager: "Your service's children and staff."
            case .victimWorker: "Victim contact and restorative justice."
            case .volunteer: "Referral order panels you sit on. You see only the papers of your own panels."
            case .analyst: "Performance reports and exports. You do not have access to individual case records."
            case .board: "Aggregate performance reports for the management board. Children's identities are never shown to board members."
            case .admin: "Users, roles, services and reference data. Administrators do not have access to children's records."
            }
    }
}

enum HomeView {
    static func render(_ ctx: PageContext, _ m: HomePage) -> String {
        Layout.page(
            title: "Home", ctx,
            [
                el(.span, [.class: "caption-l"], m.services.joined(separator: ", ")),
                C.h1("Hello, \(m.name)"),
                C.p(m.intro, "body-l"),
                el(
                    .div, [.class: "card-list"],
                    m.cards.map { c in
                        el(.div, [.class: "card"], [el(.h2, [.class: "heading-m"], [C.link(c.title, c.link)]), C.p(c.text)])
                    })
            ])
    }
}
