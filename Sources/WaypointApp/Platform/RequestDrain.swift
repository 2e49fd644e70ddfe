import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Stopping the server (a deploy, SIGTERM) waits for the requests still being answered before the
/// database is closed. The HTTP server stops once its connections are closed, and a client that has
/// gone (a browser tab shut, a load generator finished) closes its connection while its request is
/// still running; the database then closed under that request, and Fluent's `Request.db` ended the
/// process with a crash. `RequestDrain.Middleware` counts the requests in hand; the lifecycle
/// handler's shutdown (which Vapor runs before closing the database) waits until none is left, for
/// at most `limit`.
final class RequestDrain: Sendable {
    private let inHand = NIOLockedValueBox(0)
    let limit: Duration

    init(limit: Duration = .seconds(10)) { self.limit = limit }

    var count: Int { inHand.withLockedValue { $0 } }
    func begin() { inHand.withLockedValue { $0 += 1 } }
    func end() { inHand.withLockedValue { $0 -= 1 } }

    /// Returns when no request is in hand, or after `limit`.
    func drained() async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while count > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    struct Middleware: AsyncMiddleware {
        let drain: RequestDrain
        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            drain.begin()
            defer { drain.end() }
            return try await next.respond(to: req)
        }
    }

    struct Handler: LifecycleHandler {
        let drain: RequestDrain
        func shutdownAsync(_ app: Application) async {
            await drain.drained()
        }
    }
}
