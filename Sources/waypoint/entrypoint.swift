import Logging
import Vapor
import WaypointApp

/// `waypoint serve | migrate | demo | user create | --help`.
@main
enum Entrypoint {
    static func main() async throws {
        var env = try Environment.detect()
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        do {
            try await configure(app, Settings.fromEnvironment())
            // `serve` creates and migrates the database automatically.
            let command = CommandLine.arguments.dropFirst().first
            if command == nil || command == "serve" {
                try await migrate(app)
            }
            try await app.execute()
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
