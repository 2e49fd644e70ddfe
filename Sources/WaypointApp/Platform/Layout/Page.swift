import Vapor
import WaypointDomain

/// What every page needs to know about the request.
struct PageContext {
    let user: CurrentUser?
    let csrf: String
    /// A success message shown in a notification banner at the top.
    var notice: String? = nil

    init(user: CurrentUser?, csrf: String, notice: String? = nil) {
        self.user = user
        self.csrf = csrf
        self.notice = notice
    }

    init(_ req: Request, notice: String? = nil) {
        self.user = req.currentUser
        self.csrf = req.csrfToken
        self.notice = notice
    }
}

/// The page shell: skip link, header with navigation for the user's role, main, footer.
enum Layout {
    static func page(title: String, _ ctx: PageContext, hasErrors: Bool = false, wide: Bool = false, _ content: [H]) -> String {
        let fullTitle = (hasErrors ? "Error: " : "") + title + " – Waypoint"
        let head: H = el(
            .head, [:],
            [
                voidEl(.meta, [.charset: "utf-8"]),
                voidEl(.meta, [.name: "viewport", .content: "width=device-width, initial-scale=1"]),
                el(.title, [:], fullTitle),
                voidEl(.link, [.rel: "stylesheet", .href: Paths.stylesheet]),
                el(.script, [.src: Paths.script, .defer: "defer"], [])
            ])
        let body: H = el(
            .body, [:],
            [
                el(.a, [.href: "#main-content", .class: "skip-link"], "Skip to main content"),
                header(ctx, wide: wide),
                el(
                    .div, [.class: wide ? "width-container wide" : "width-container"],
                    [
                        el(
                            .main, [.class: "main", .id: "main-content", .tabindex: "-1"],
                            [
                                ctx.notice.map { notice in
                                    el(
                                        .div, [.class: "notification-banner notification-banner--success", .role: "status"],
                                        [
                                            el(.p, [.class: "notification-banner__heading"], notice)
                                        ])
                                } ?? group([]),
                                group(content)
                            ])
                    ]),
                el(
                    .footer, [.class: "footer"],
                    [
                        el(
                            .div, [.class: wide ? "width-container wide" : "width-container"],
                            [
                                el(
                                    .p, [:],
                                    "Waypoint — youth justice case management. Records here are special category personal data: use them only for your work with the child."
                                )
                            ])
                    ])
            ])
        return el(.html, [.lang: "en-GB"], [head, body]).renderDocument()
    }

    static func header(_ ctx: PageContext, wide: Bool = false) -> H {
        var nav: [H] = []
        if let u = ctx.user {
            var links: [(String, String)] = [("Home", Paths.home)]
            if u.can(.viewMyWork) { links.append(("My work", Paths.myWork)) }
            if u.can(.viewServiceWork) { links.append(("Service", Paths.serviceWork)) }
            if u.role == .volunteer { links.append(("My panels", Paths.panels)) }
            if u.can(.searchChildren) { links.append(("Children", Paths.children)) }
            if u.can(.viewReports) { links.append(("Reports", Paths.reports)) }
            if u.can(.manageUsers) { links.append(("Users", Paths.adminUsers)) }
            if u.can(.manageReferenceData) { links.append(("Reference data", Paths.adminServices)) }
            if u.can(.importBundle) {
                links.append(("Import and export", Paths.data))
            } else if u.can(.exportBundle) {
                links.append(("Export", Paths.data))
            }
            nav = links.map { el(.li, [.class: "header__nav-item"], [el(.a, [.href: $0.1], $0.0)]) }
            nav.append(
                el(
                    .li, [.class: "header__nav-item header__user"],
                    [
                        el(
                            .a, [.href: Paths.account, .title: "Your account: password, two-factor sign-in, sessions"],
                            "\(u.name) (\(u.role.label))")
                    ]))
            nav.append(
                el(
                    .li, [.class: "header__nav-item"],
                    [
                        el(
                            .form, [.method: "post", .action: Paths.signOut, .class: "inline-form"],
                            [
                                csrfField(ctx.csrf),
                                el(.button, [.type: "submit", .class: "link-button"], "Sign out")
                            ])
                    ]))
        }
        return el(
            .header, [.class: "header"],
            [
                el(
                    .div, [.class: wide ? "width-container wide header__container" : "width-container header__container"],
                    [
                        el(.a, [.href: Paths.home, .class: "header__brand"], "Waypoint"),
                        nav.isEmpty ? group([]) : el(.nav, [.ariaLabel: "Main"], [el(.ul, [.class: "header__nav"], nav)])
                    ])
            ])
    }

    static func csrfField(_ token: String) -> H {
        voidEl(.input, [.type: "hidden", .name: CSRFMiddleware.fieldName, .value: token])
    }
}

/// An error page: the response's status (which names the page) and the message for the reader.
struct ErrorPage {
    let status: HTTPResponseStatus
    let message: String
}

enum ErrorPageView {
    static func render(_ ctx: PageContext, _ m: ErrorPage) -> String {
        let (status, message) = (m.status, m.message)
        let title: String
        switch status {
        case .notFound: title = "Page not found"
        case .forbidden: title = "You do not have access"
        case .unauthorized: title = "Sign in"
        case .badRequest, .unprocessableEntity: title = "There is a problem with the request"
        case .conflict: title = "This record has changed"
        default: title = status.code >= 500 ? "Sorry, there is a problem with the service" : "There is a problem"
        }
        return Layout.page(
            title: title, ctx,
            [
                el(.h1, [.class: "heading-l"], title),
                el(.p, [.class: "body"], message),
                el(.p, [.class: "body"], [el(.a, [.href: Paths.home], "Go to the home page")])
            ])
    }
}
