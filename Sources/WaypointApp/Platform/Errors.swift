import Vapor

/// Errors shown to users: each carries the status and a message that says what to do.
enum WaypointError: Error, AbortError {
    case notFound(String)
    case forbidden(String)
    case badRequest(String)
    case conflict(String)
    case tooLarge(String)
    case unsupportedMediaType(String)
    case tooManyRequests(String)
    case unavailable(String)
    case `internal`(String)

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .badRequest: .badRequest
        case .conflict: .conflict
        case .tooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
    var reason: String {
        switch self {
        case .notFound(let m), .forbidden(let m), .badRequest(let m), .conflict(let m), .tooLarge(let m), .unsupportedMediaType(let m),
            .tooManyRequests(let m), .unavailable(let m):
            m
        case .internal: "Something went wrong on our side. Try again; if it keeps happening, tell your administrator."
        }
    }
}
