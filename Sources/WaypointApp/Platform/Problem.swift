import Vapor

/// RFC 9457 problem details for JSON clients: the same message a page would show.
enum Problem {
    static func response(status: HTTPResponseStatus, detail: String) -> Response {
        struct Body: Encodable {
            let type = "about:blank"
            let title: String
            let status: Int
            let detail: String
        }
        let body = Body(title: status.reasonPhrase, status: Int(status.code), detail: detail)
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}
