import Vapor

/// One line per request: method, path without the query string (queries may hold names),
/// status, duration, request id. Never personal data.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let res = try await next.respond(to: req)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        req.logger.info("\(req.method.rawValue) \(req.url.path) \(res.status.code) \(String(format: "%.1f", ms))ms")
        return res
    }
}
