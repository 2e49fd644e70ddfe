import Vapor

/// Vapor has no CSRF protection (design.md), so: every POST must carry the token of the
/// user's session (or, before sign-in, of the `wp_csrf` cookie) in the `_csrf` form field or the
/// `X-CSRF-Token` header. Otherwise 403, and nothing runs.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "wp_csrf"
    static let fieldName = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let anonymousToken = req.cookies[Self.cookieName]?.string
        // A POST to no route is a 404 whatever it carries: its body is never read.
        if ![.GET, .HEAD, .OPTIONS].contains(req.method), let route = req.route {
            let expected = req.currentUser?.csrfToken ?? req.pendingSignIn?.csrfToken ?? anonymousToken
            var supplied = req.headers.first(name: "X-CSRF-Token")
            if supplied == nil {
                if route.streamsBody {
                    // A streamed upload is read by `StreamedForm`, which checks the token in the
                    // form before anything is written; nothing is buffered here.
                    req.storage[StreamedCSRF.self] = expected ?? ""
                    return try await next.respond(to: req)
                }
                // `BodyLimitMiddleware` has collected the body within the route's limit.
                struct Field: Decodable { let _csrf: String? }
                supplied = (try? req.content.decode(Field.self))?._csrf
            }
            guard let expected, let supplied, Tokens.equal(expected, supplied) else {
                req.logger.info("csrf refused")
                throw WaypointError.forbidden(Self.refusal)
            }
        }
        if req.currentUser == nil && req.pendingSignIn == nil && (anonymousToken ?? "").isEmpty {
            // First visit: hand out the pre-sign-in token.
            let token = Tokens.random()
            req.storage[AnonymousCSRF.self] = token
            let res = try await next.respond(to: req)
            res.cookies[Self.cookieName] = HTTPCookies.Value(
                string: token, path: "/", isSecure: req.settings.secureCookies,
                isHTTPOnly: true, sameSite: .lax)
            return res
        }
        return try await next.respond(to: req)
    }
}

struct AnonymousCSRF: StorageKey { typealias Value = String }
/// The token a streamed form must carry (set by the middleware, checked by `StreamedForm`).
struct StreamedCSRF: StorageKey { typealias Value = String }

extension CSRFMiddleware {
    static let refusal = "This form has expired or did not come from Waypoint. Go back, reload the page and try again."
}

extension Request {
    /// The token to put in this page's forms.
    var csrfToken: String {
        currentUser?.csrfToken ?? pendingSignIn?.csrfToken ?? storage[AnonymousCSRF.self] ?? cookies[CSRFMiddleware.cookieName]?.string
            ?? ""
    }
}

/// Every route collects at most `Settings.maxFormBytes`, except uploads (`RoutesBuilder.upload`),
/// which stream and are read by `StreamedForm` within `Settings.maxUploadBytes`. This runs
/// before anything else reads the body and holds the route to it: a larger body is refused with
/// 413 before a byte past the limit is kept. (Vapor's own collection skips the check for a body
/// that arrived whole, so the size is checked here either way.) A request to no route never has
/// its body read.
///
/// After a response, Vapor keeps reading (and discarding) whatever body is left, so a client
/// announcing hundreds of megabytes would keep the server busy: a body announced at more than
/// `dropFactor` times the limit (or an upload larger than its limit, or past the form limit when
/// signed out), or a body of no announced length that passes the limit, is not answered: the
/// connection is closed (`CloseConnection`). No browser form comes near those sizes.
struct BodyLimitMiddleware: AsyncMiddleware {
    static let dropFactor = 8

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = req.route else { return try await next.respond(to: req) }
        let limit = req.application.routes.defaultMaxBodySize.value
        let declared = req.headers.first(name: .contentLength).flatMap { Int($0) }
        if route.streamsBody {
            // Uploads are for signed-in staff; `StreamedForm` counts what actually arrives.
            guard let declared else { return try await next.respond(to: req) }
            if req.currentUser == nil && declared > limit { throw CloseConnection() }
            let cap = req.settings.maxUploadBytes
            if declared > cap * Self.dropFactor { throw CloseConnection() }
            if declared > cap { throw StreamedForm.tooLarge(cap) }
            return try await next.respond(to: req)
        }
        if let declared, declared > limit * Self.dropFactor { throw CloseConnection() }
        let tooLarge = WaypointError.tooLarge(
            "The form is larger than the \(ByteCountText.describe(limit)) limit. Shorten what you entered and try again.")
        let body: ByteBuffer?
        do { body = try await req.body.collect(max: limit).get() } catch let e as any AbortError where e.status == .payloadTooLarge {
            if declared == nil { throw CloseConnection() }
            throw tooLarge
        }
        if (body?.readableBytes ?? 0) > limit { throw tooLarge }
        return try await next.respond(to: req)
    }
}

/// Thrown past `ErrorPageMiddleware` so that Vapor closes the connection without reading on.
struct CloseConnection: Error {}

extension RoutesBuilder {
    /// The one way to register an upload: a POST whose body streams, read with `StreamedForm`.
    @discardableResult
    func upload(path: String, use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        let route = on(.POST, path.pathComponents, body: .stream, use: closure)
        route.userInfo[Route.streamsBodyKey] = true
        return route
    }
}

extension Route {
    static let streamsBodyKey: AnySendableHashable = "waypoint.streamsBody"
    var streamsBody: Bool { userInfo[Route.streamsBodyKey] as? Bool == true }
}
