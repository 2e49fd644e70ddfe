import NIOCore
import Vapor

/// Runs a request's Swift code on the event loop that owns its connection, the loop on which its
/// database connection answers too.
///
/// Without it, Vapor starts each request as a task on Swift's shared executor, and every statement
/// went from that executor to the loop (the connection pool), from the loop to the database, back to
/// the loop and back to the shared executor: four handovers between threads per statement. The
/// child page's seventeen statements spent about a sixth of the time in the kernel switching
/// threads. On the loop, a statement costs two handovers (to SQLite's thread pool and back; on
/// PostgreSQL, none but the socket).
///
/// The loop must never wait on long work: Bcrypt runs on a thread of its own (`PasswordChecks`);
/// a report's calculation and a bundle's export leave the loop for the shared executor
/// (`offLoop`); uploads (`upload`, imports) are not registered through the table and never join it.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// The app's middlewares, run one after the other in one task on the request's event loop.
    /// (Registered one by one, Vapor starts each as a task of its own, which does not inherit the
    /// preference of the one before.)
    struct Chain: AsyncMiddleware {
        let middlewares: [any AsyncMiddleware]

        init(_ middlewares: [any AsyncMiddleware]) { self.middlewares = middlewares }

        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            let responder = middlewares.reversed().reduce(next) { inner, middleware in Link(middleware: middleware, next: inner) }
            return try await run(req) { try await responder.respond(to: req) }
        }

        private struct Link: AsyncResponder {
            let middleware: any AsyncMiddleware
            let next: any AsyncResponder
            func respond(to req: Request) async throws -> Response { try await middleware.respond(to: req, chainingTo: next) }
        }
    }

    /// Runs `body` on Swift's shared executor: work of seconds (a national report, an export) that
    /// would hold up every other request of the loop.
    static func offLoop<T>(_ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(globalConcurrentExecutor) { try await body() }
    }

    /// Runs `body` on the request's event loop.
    static func run<T: Sendable>(_ req: Request, _ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(EventLoopExecutor(req.eventLoop)) { try await body() }
    }

    /// A route's handler, run on the request's event loop (Vapor starts it as a task of its own).
    static func onLoop(_ handler: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable)
        -> @Sendable (Request) async throws -> Response
    {
        { req in try await run(req) { try await handler(req).encodeResponse(for: req) } }
    }
}
