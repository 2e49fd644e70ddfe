import Foundation
import Logging
import Vapor
import WaypointApp

/// `waypoint serve | migrate | demo | user create | import | export | split | merge | --help`.
/// A command that fails prints its message and exits 1 — never a stack trace.
@main
enum Entrypoint {
    static func main() async {
        var env: Environment
        do { env = try Environment.detect() } catch { fail("\(error)") }
        do { try LoggingSystem.bootstrap(from: &env) } catch { fail("\(error)") }
        let app: Application
        do { app = try await Application.make(env) } catch { fail("\(error)") }
        do {
            try await configure(app, Settings.fromEnvironment())
            // `serve` creates and migrates the database automatically.
            let command = CommandLine.arguments.dropFirst().first
            if command == nil || command == "serve" {
                try await migrate(app)
            }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            fail(String(describing: error))
        }
        try? await app.asyncShutdown()
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("Error: " + message + "\n").utf8))
        exit(1)
    }
}
