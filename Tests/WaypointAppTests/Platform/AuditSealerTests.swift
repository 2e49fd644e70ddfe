import Testing
import Vapor

@testable import WaypointApp

/// The sealer runs in the server only: a command seals for itself or leaves it to the server.
@Suite struct AuditSealerTests {
    @Test(arguments: [
        (["waypoint"], true), (["waypoint", "serve"], true), (["waypoint", "serve", "--port", "8080"], true),
        (["waypoint", "demo", "--children", "20000"], false), (["waypoint", "audit", "verify"], false),
        (["waypoint", "import", "bundle"], false), (["waypoint", "report", "kpis"], false)
    ])
    func startsOnlyToServe(arguments: [String], starts: Bool) async throws {
        #expect(AuditSealer.serves(arguments) == starts)
        let app = try await Application.make(Environment(name: "testing", arguments: arguments))
        app.lifecycle.use(AuditSealer())
        try await app.asyncBoot()
        #expect((app.storage[AuditSealerTask.self] != nil) == starts)
        try await app.asyncShutdown()
    }
}
