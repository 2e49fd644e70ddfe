import Vapor

/// Vapor has no CSRF protection (design.md), so: every POST must carry the token of the
/// user's session (or, before sign-in, of the `wp_csrf` cookie) in the `_csrf` form field or the
/// `X-CSRF-Token` header. Otherwise 403, and nothing runs.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "wp_csrf"
    static let fieldName = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let anonymousToken = req.cookies[Self.cookieName]?.string
        if ![.GET, .HEAD, .OPTIONS].contains(req.method) {
            let expected = req.currentUser?.csrfToken ?? anonymousToken
            var supplied = req.headers.first(name: "X-CSRF-Token")
            if supplied == nil {
                // Collect the body here so the form can be read; the handler reads it again.
                // (`collect(max:)` keeps the bytes on the request; the async `collect(upTo:)`
                // does not, which emptied streamed uploads.)
                _ = try await req.body.collect(max: 600 * 1024 * 1024).get()
                struct Field: Decodable { let _csrf: String? }
                supplied = (try? req.content.decode(Field.self))?._csrf
            }
            guard let expected, let supplied, Tokens.equal(expected, supplied) else {
                req.logger.info("csrf refused")
                throw WaypointError.forbidden("This form has expired or did not come from Waypoint. Go back, reload the page and try again.")
            }
        }
        if req.currentUser == nil && (anonymousToken ?? "").isEmpty {
            // First visit: hand out the pre-sign-in token.
            let token = Tokens.random()
            req.storage[AnonymousCSRF.self] = token
            let res = try await next.respond(to: req)
            res.cookies[Self.cookieName] = HTTPCookies.Value(string: token, path: "/", isSecure: req.settings.secureCookies,
                                                             isHTTPOnly: true, sameSite: .lax)
            return res
        }
        return try await next.respond(to: req)
    }
}

struct AnonymousCSRF: StorageKey { typealias Value = String }

extension Request {
    /// The token to put in this page's forms.
    var csrfToken: String {
        currentUser?.csrfToken ?? storage[AnonymousCSRF.self] ?? cookies[CSRFMiddleware.cookieName]?.string ?? ""
    }
}
