import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import WaypointApp

/// A browser-like client: keeps cookies, remembers the CSRF token of the last page, and
/// submits forms as url-encoded bodies.
final class TestClient: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String = ""
    /// The raw bytes of the last response (for downloads).
    var lastBytes = Data()

    /// In memory by default; `.running` drives a real server over HTTP (bodies then stream).
    var transport: Application.Method = .inMemory

    init(_ app: Application, method: Application.Method = .inMemory) {
        self.app = app
        self.transport = method
    }

    struct Page {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: String
        var location: String? { headers.first(name: .location) }
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> Page {
        try await send(.GET, path, headers: extra, body: nil)
    }

    /// The raw bytes of a download.
    func getData(_ path: String) async throws -> Data {
        try await get(path)
        return lastBytes
    }

    /// Posts a form; the CSRF token of the last page is added unless `csrf` is given.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf override: String? = nil, headers extra: HTTPHeaders = [:]) async throws
        -> Page
    {
        var all = fields
        if let token = override ?? (csrf.isEmpty ? nil : csrf), override != "" { all.append(("_csrf", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = extra
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: body)
    }

    /// A request with a raw body (e.g. multipart uploads).
    func raw(_ method: HTTPMethod, _ path: String, body: Data, contentType: String) async throws -> Page {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        return try await send(method, path, headers: headers, bodyData: body)
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    private func send(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders, body: String?) async throws -> Page {
        try await send(method, path, headers: extra, bodyData: body.map { Data($0.utf8) })
    }

    private func send(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders, bodyData: Data?) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        if let bodyData { buffer.writeBytes(bodyData) }
        let res: TestingHTTPResponse
        do {
            res = try await app.testing(method: transport).performTest(
                request: TestingHTTPRequest(method: method, url: URI(path: path), headers: headers, body: buffer))
        } catch is CloseConnection {
            // The server closed the connection without answering (a body far past its limit):
            // shown as nginx's 444, "no response".
            return Page(status: HTTPStatus(statusCode: 444), headers: [:], body: "")
        }
        for header in res.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0]
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(kv[0]).trimmingCharacters(in: .whitespaces)
            let value = kv.count > 1 ? String(kv[1]) : ""
            if value.isEmpty || header.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let bytes = res.body.getBytes(at: res.body.readerIndex, length: res.body.readableBytes) ?? []
        let text = String(decoding: bytes, as: UTF8.self)
        lastBytes = Data(bytes)
        // A plain search (regular expressions are slow on Linux, and every page carries the token).
        if let r = text.range(of: #"name="_csrf" value=""#), let end = text[r.upperBound...].firstIndex(of: "\"") {
            csrf = String(text[r.upperBound..<end])
        }
        return Page(status: res.status, headers: res.headers, body: text)
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern),
            let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let r = Range(m.range(at: 1), in: text)
        else { return nil }
        return String(text[r])
    }

    static func allMatches(_ pattern: String, in text: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// Signs in through the real form.
    @discardableResult
    func signIn(_ email: String, password: String = Fixtures.password) async throws -> Page {
        try await get("/sign-in")
        return try await post("/sign-in", [("email", email), ("password", password)])
    }
}
