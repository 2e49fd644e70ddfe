import Foundation
import RoutingKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Every link the app renders goes to a registered route (issue #18 item 2). The test walks the
/// demo service as each role, from the home page, following every link it has not seen the like
/// of (at most a few pages for each route), and checks every `href` and every form's `action`
/// against the routes the app registered, with the form's method.
@Suite struct LinkResolutionTests {
    /// A registered route: method and pattern.
    struct Registered {
        let method: HTTPMethod
        let path: [PathComponent]

        func matches(_ method: HTTPMethod, _ segments: [Substring]) -> Bool {
            guard method == self.method else { return false }
            for (i, component) in path.enumerated() {
                switch component {
                case .catchall: return true
                case .anything, .parameter: if i >= segments.count { return false }
                case .constant(let c): if i >= segments.count || segments[i] != Substring(c) { return false }
                }
            }
            return segments.count == path.count
        }
    }

    /// The links of a page: (method, path without query), from hrefs and forms' actions.
    static func links(in html: String) -> [(HTTPMethod, String)] {
        var out: [(HTTPMethod, String)] = []
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(
                of: "&quot;", with: "\"")
        }
        let href = try! Regex(#"<a\b[^>]*\bhref="([^"]*)""#)
        for m in html.matches(of: href) {
            if let v = m.output[1].substring { out.append((.GET, unescape(String(v)))) }
        }
        let form = try! Regex(#"<form\b([^>]*)>"#)
        let action = try! Regex(#"\baction="([^"]*)""#)
        let method = try! Regex(#"\bmethod="([^"]*)""#)
        for m in html.matches(of: form) {
            guard let attributes = m.output[1].substring.map(String.init) else { continue }
            let a = attributes.firstMatch(of: action).flatMap { $0.output[1].substring.map(String.init) } ?? ""
            let verb = attributes.firstMatch(of: method).flatMap { $0.output[1].substring.map(String.init) }?.lowercased() ?? "get"
            out.append((verb == "post" ? .POST : .GET, unescape(a)))
        }
        return out
    }

    /// A link is its template with the values in order, cut once when the route is defined: the
    /// same text as splitting the template at every "/" each time (as links were built before).
    @Test(arguments: ["/", "", "/children", "/children/:childID/edit", "children/:a/:b", "/a//b/:x/", "/:x", "/:x/:y/z"])
    func aLinkIsItsTemplateFilledInOrder(template: String) {
        func splitEachTime(_ values: [String]) -> String {
            var next = values.makeIterator()
            return "/"
                + template.split(separator: "/").map { part -> String in
                    guard part.hasPrefix(":") else { return String(part) }
                    return next.next() ?? String(part)
                }.joined(separator: "/")
        }
        #expect(Route2<String, String>(template)("v1", "v2") == splitEachTime(["v1", "v2"]))
        // With fewer values than parameters, a parameter left over shows as written.
        #expect(Route1<String>(template)("v1") == splitEachTime(["v1"]))
    }

    @Test func everyRenderedLinkResolvesToARoute() async throws {
        try await withTestApp(.sqlite) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let registered = app.routes.all.map { Registered(method: $0.method, path: $0.path) }
            var unresolved: [String] = []
            var checked = 0
            var visitedPatterns: Set<String> = []
            for role in [Role.manager, .admin, .practitioner, .analyst, .victimWorker, .volunteer, .board] {
                let client = TestClient(app)
                try await client.signIn(DemoData.email(for: role))
                var queue = [Paths.home]
                var seen: Set<String> = [Paths.home]
                var perPattern: [String: Int] = [:]
                var visits = 0
                while !queue.isEmpty && visits < 250 {
                    let url = queue.removeFirst()
                    let page = try await client.get(url)
                    visits += 1
                    guard page.status == .ok, page.headers.contentType?.subType == "html" else { continue }
                    for (method, link) in Self.links(in: page.body) {
                        // Only this app's own paths; a form with no action posts to the page itself.
                        let target = link.isEmpty ? url : link
                        guard target.hasPrefix("/"), !target.hasPrefix("//") else { continue }
                        let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
                            .split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                        let segments = path.split(separator: "/")
                        checked += 1
                        guard let route = registered.first(where: { $0.matches(method, segments) }) else {
                            unresolved.append("\(method) \(target) (on \(url), as \(role.rawValue))")
                            continue
                        }
                        // Follow GET links to pages, a few per route; not downloads.
                        let pattern = route.path.map(\.description).joined(separator: "/")
                        guard method == .GET, !seen.contains(target), !target.contains("format="), !path.hasSuffix("/csv"),
                            !path.hasPrefix("/data/export"), !path.hasPrefix("/assets/"), perPattern[pattern, default: 0] < 3
                        else { continue }
                        seen.insert(target)
                        perPattern[pattern, default: 0] += 1
                        visitedPatterns.insert(pattern)
                        queue.append(target)
                    }
                }
            }
            #expect(unresolved.isEmpty, "links with no route:\n\(unresolved.prefix(20).joined(separator: "\n"))")
            #expect(checked > 1_000, "the walk checked \(checked) links")
            // The walk reaches most of the app: every feature's pages are linked from somewhere.
            let getRoutes = Set(app.routes.all.filter { $0.method == .GET }.map { $0.path.map(\.description).joined(separator: "/") })
            print("Links checked: \(checked); GET routes reached by following links: \(visitedPatterns.count) of \(getRoutes.count)")
            #expect(visitedPatterns.count * 10 >= getRoutes.count * 7, "reached \(visitedPatterns.sorted())")
        }
    }

    /// The matcher itself: a link that matches no route is caught, whatever its shape.
    @Test func theMatcherRefusesWhatNoRouteTakes() {
        let r = Registered(method: .GET, path: "/children/:childID/edit".pathComponents)
        #expect(r.matches(.GET, "/children/abc/edit".split(separator: "/")))
        #expect(!r.matches(.POST, "/children/abc/edit".split(separator: "/")))
        #expect(!r.matches(.GET, "/children/abc".split(separator: "/")))
        #expect(!r.matches(.GET, "/children/abc/edit/more".split(separator: "/")))
        #expect(!r.matches(.GET, "/children/abc/edits".split(separator: "/")))
        let links = Self.links(
            in: #"<a class="x" href="/a?b=1&amp;c=2">x</a><form method="post" action="/f" novalidate><form action="/g">"#)
        #expect(links.map(\.1) == ["/a?b=1&c=2", "/f", "/g"])
        #expect(links.map(\.0) == [.GET, .POST, .GET])
    }

    /// A typed route registers the pattern and builds the link from the same template.
    @Test func aTypedRouteBuildsTheLinkItsPatternTakes() {
        let id = UUID()
        #expect(Paths.child(id) == "/children/\(id.uuidString.lowercased())")
        #expect(Paths.record(.contact, id) == "/records/contact/\(id.uuidString.lowercased())")
        #expect(Paths.scrutinyDecision.pattern.map(\.description) == ["scrutiny-panels", ":scrutinyID", "decisions", ":decisionID"])
        #expect(Paths.stylesheet == "/assets/waypoint.css")
    }
}
