import Testing
import Vapor

@testable import WaypointApp

/// Requests run on their connection's event loop (`EventLoopExecutor`): the middlewares as one
/// task, each handler registered through the route table; long work leaves the loop.
@Suite struct EventLoopExecutorTests {
    @Test(arguments: [false, true])
    func handlersAndMiddlewaresRunOnTheLoop(overHTTP: Bool) async throws {
        try await withTestApp(.sqlite) { app in
            app.get(path: "/test-where") { req -> String in
                let loop = req.eventLoop.inEventLoop ? "handler on loop" : "handler off loop"
                let middleware = req.storage[SeenOnLoop.self] == true ? "middleware on loop" : "middleware off loop"
                // Long work (a report's calculation, an export) leaves the loop, and comes back.
                let long = try await EventLoopExecutor.offLoop { req.eventLoop.inEventLoop } ? "long work on loop" : "long work off loop"
                let after = req.eventLoop.inEventLoop ? "back on loop" : "not back"
                return "\(loop); \(middleware); \(long); \(after)"
            }
            // The same handler registered with Vapor alone runs as a task on Swift's shared executor.
            app.get("test-where-plain") { req async -> String in req.eventLoop.inEventLoop ? "handler on loop" : "handler off loop" }
            // A middleware of the chain notes where it ran.
            let chain = try #require(app.middleware.resolve().first as? EventLoopExecutor.Chain)
            app.middleware = Middlewares()
            app.middleware.use(EventLoopExecutor.Chain(chain.middlewares + [NoteWhere()]))
            let client = TestClient(app)
            if overHTTP { client.transport = .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...40_000)) }
            let page = try await client.get("/test-where")
            #expect(page.body == "handler on loop; middleware on loop; long work off loop; back on loop")
            let plain = try await client.get("/test-where-plain").body
            #expect(plain == "handler off loop")
        }
    }

    private enum SeenOnLoop: StorageKey { typealias Value = Bool }

    private struct NoteWhere: AsyncMiddleware {
        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            req.storage[SeenOnLoop.self] = req.eventLoop.inEventLoop
            return try await next.respond(to: req)
        }
    }
}
