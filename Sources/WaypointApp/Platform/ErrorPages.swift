import NIOHTTP1
import Vapor

/// Turns every error into a page (or problem+json) with a message a user can act on;
/// never a stack trace. Unexpected errors are logged with the request id only.
struct ErrorPageMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch is CloseConnection {
            throw CloseConnection()
        } catch let e as NeedsReason where req.method == .GET && !req.wantsJSON {
            // A practitioner reaching a child who is not theirs or their team's: ask why first.
            let here = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
            return req.redirect(to: Paths.with(Paths.childAccess(e.childID), [("next", here)]))
        } catch is NeedsReason {
            let status = HTTPResponseStatus.forbidden
            let message = "This child is not allocated to you or to your team: open their record and say why you need it first."
            if req.wantsJSON { return Problem.response(status: status, detail: message) }
            return HTMLResponse.make(
                ErrorPageView.render(PageContext(req), ErrorPage(status: status, message: message)), status: status)
        } catch {
            let status: HTTPResponseStatus
            let message: String
            switch error {
            case let e as WaypointError:
                status = e.status
                message = e.reason
                if case .internal(let detail) = e { req.logger.error("internal error", metadata: ["detail": .string(detail)]) }
            case let e as AbortError:
                status = e.status
                switch e.status {
                case .notFound: message = "Page not found. Check the address, or go back to the home page."
                case .unauthorized: message = "Sign in to use Waypoint."
                case .forbidden: message = "You do not have access to this page."
                case .payloadTooLarge: message = "The file or form is too large."
                case .badRequest, .unprocessableEntity:
                    message = "The request could not be understood: \(e.reason)"
                default: message = e.status.code >= 500 ? "Something went wrong on our side. Try again." : e.reason
                }
            case is HTTPParserError:
                // The client sent something that is not HTTP (or gave up half way): nothing of ours failed.
                status = .badRequest
                message = "The request could not be understood."
            case is DecodingError:
                status = .badRequest
                message = "The form could not be read. Go back, check what you entered and try again."
            default:
                status = .internalServerError
                message = "Something went wrong on our side. Try again; if it keeps happening, tell your administrator."
                req.logger.error("unhandled error", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            if req.wantsJSON {
                return Problem.response(status: status, detail: message)
            }
            let page = ErrorPageView.render(PageContext(req), ErrorPage(status: status, message: message))
            return HTMLResponse.make(page, status: status)
        }
    }
}
