import Fluent
import SQLKit
import Vapor

/// `GET /health`: 200 after a real round trip to the database, 503 with a reason otherwise.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.health, use: health)
    }

    @Sendable func health(req: Request) async throws -> Response {
        let kind = req.settings.database.kind
        struct One: Decodable { let ok: Int }
        var headers = HTTPHeaders()
        headers.contentType = .json
        do {
            let row = try await req.db.sql.raw("SELECT 1 AS ok").first(decoding: One.self)
            guard row?.ok == 1 else { throw WaypointError.internal("unexpected answer") }
            return Response(status: .ok, headers: headers, body: .init(string: #"{"status":"ok","database":"\#(kind)"}"#))
        } catch {
            req.logger.error("health check failed", metadata: ["error": .string(String(describing: error))])
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(string: #"{"status":"unavailable","database":"\#(kind)","reason":"the database did not answer"}"#))
        }
    }
}
