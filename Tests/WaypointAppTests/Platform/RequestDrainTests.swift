import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import WaypointApp

/// Stopping the server waits for the requests in hand before the database closes (`RequestDrain`):
/// a request whose client had gone found the database closed and ended the process.
@Suite struct RequestDrainTests {
    @Test func shutdownWaitsForTheRequestsInHand() async throws {
        let drain = RequestDrain(limit: .seconds(30))
        drain.begin()
        drain.begin()
        let done = NIOLockedValueBox(false)
        let waiting = Task {
            await drain.drained()
            done.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!done.withLockedValue { $0 }, "two requests in hand")
        drain.end()
        try await Task.sleep(for: .milliseconds(200))
        #expect(!done.withLockedValue { $0 }, "one request in hand")
        drain.end()
        await waiting.value
        #expect(done.withLockedValue { $0 })
        #expect(drain.count == 0)
    }

    @Test func aRequestThatNeverEndsDoesNotHoldTheServerUpForever() async {
        let drain = RequestDrain(limit: .milliseconds(100))
        drain.begin()
        let started = ContinuousClock.now
        await drain.drained()
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test(arguments: TestDatabase.all)
    func everyRequestIsCountedWhileItIsAnswered(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            // The middleware is first: a request refused before any handler (signed out) is counted too.
            let client = TestClient(app)
            let page = try await client.get("/my-work")
            #expect(page.status == .seeOther)
            #expect(app.middleware.resolve().first is RequestDrain.Middleware)
        }
    }
}
