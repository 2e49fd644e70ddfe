import Crypto
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import Vapor
@testable import WaypointApp

/// An OpenID Connect provider for the tests, served over real HTTP on a port of its own:
/// discovery, signing keys (ES256), and a token endpoint that checks the PKCE verifier and
/// issues ID tokens signed with its key. The browser's part (the provider's sign-in page) is
/// `authorize`, which says who signs in. The browser journey uses a real third-party provider
/// (oidc-provider-mock) instead.
final class TestProvider: @unchecked Sendable {
    let app: Application
    private(set) var port = 0
    let keys = JWTKeyCollection()
    let otherKeys = JWTKeyCollection()
    let key = ES256PrivateKey()
    /// The provider's clock: the test app's, so "expired" means expired to Waypoint however slow the run.
    let now: @Sendable () -> Date
    var issuer: String { "http://127.0.0.1:\(port)" }
    static let clientID = "waypoint-test-client"
    static let clientSecret = "test-secret"
    static let redirect = "http://waypoint.test/sign-in/sso/callback"

    struct Person: Sendable {
        var subject: String
        var email: String?
        var name: String?
        var groups: [String] = []
    }

    /// What the next token says, so a test can make it wrong.
    struct Twist: Sendable {
        var audience: String?
        var issuer: String?
        var expiresIn: TimeInterval = 300
        var nonce: String?
        var signWithAnotherKey = false
    }

    private struct Grant { let person: Person; let nonce: String; let challenge: String; let twist: Twist }
    private let grants = NIOLockedValueBox<[String: Grant]>([:])
    let tokenRequests = NIOLockedValueBox<Int>(0)

    struct IDToken: JWTPayload {
        let iss: IssuerClaim
        let sub: SubjectClaim
        let aud: AudienceClaim
        let exp: ExpirationClaim
        let iat: IssuedAtClaim
        let nonce: String
        let email: String?
        let name: String?
        let groups: [String]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private init(app: Application, now: @escaping @Sendable () -> Date) {
        self.app = app
        self.now = now
    }

    static func start(now: @escaping @Sendable () -> Date) async throws -> TestProvider {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        let p = TestProvider(app: app, now: now)
        await p.keys.add(ecdsa: p.key, kid: "k1")
        await p.otherKeys.add(ecdsa: ES256PrivateKey(), kid: "k1")
        p.routes()  // before the server starts: it reads its routes once
        let port = TestPorts.free()
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        p.port = port
        return p
    }

    func shutdown() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    private func routes() {
        app.get(".well-known", "openid-configuration") { [self] _ in
            [
                "issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks"
            ]
        }
        let params = key.publicKey.parameters!
        app.get("jwks") { _ in
            ["keys": [["kty": "EC", "crv": "P-256", "x": params.x, "y": params.y, "kid": "k1", "alg": "ES256", "use": "sig"]]]
        }
        app.post("token") { [self] req async throws -> Response in
            struct Form: Decodable {
                let code: String; let code_verifier: String; let client_id: String; let client_secret: String; let redirect_uri: String
            }
            tokenRequests.withLockedValue { $0 += 1 }
            let f = try req.content.decode(Form.self)
            guard let g = grants.withLockedValue({ $0.removeValue(forKey: f.code) }),
                f.client_id == Self.clientID, f.client_secret == Self.clientSecret, f.redirect_uri == Self.redirect,
                SSOController.base64URL(SHA256.hash(data: Data(f.code_verifier.utf8))) == g.challenge
            else {
                return Response(status: .badRequest, body: .init(string: #"{"error":"invalid_grant"}"#))
            }
            let now = self.now()
            let token = IDToken(
                iss: IssuerClaim(value: g.twist.issuer ?? self.issuer), sub: SubjectClaim(value: g.person.subject),
                aud: AudienceClaim(value: [g.twist.audience ?? Self.clientID]),
                exp: ExpirationClaim(value: now.addingTimeInterval(g.twist.expiresIn)),
                iat: IssuedAtClaim(value: now), nonce: g.twist.nonce ?? g.nonce, email: g.person.email, name: g.person.name,
                groups: g.person.groups)
            let signed = try await (g.twist.signWithAnotherKey ? otherKeys : keys).sign(token, kid: "k1")
            let body = try JSONEncoder().encode(["access_token": "unused", "token_type": "Bearer", "id_token": signed])
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: body))
        }
    }

    /// The provider's sign-in page: `person` signs in; returns where the browser goes next (the
    /// callback, as a local path with its query).
    func authorize(_ location: String, as person: Person, twist: Twist = Twist()) throws -> String {
        guard let c = URLComponents(string: location), location.hasPrefix(issuer + "/authorize") else {
            throw Abort(.badRequest, reason: "not our authorize URL: \(location)")
        }
        func q(_ n: String) -> String? { c.queryItems?.first { $0.name == n }?.value }
        guard q("response_type") == "code", q("client_id") == Self.clientID, q("redirect_uri") == Self.redirect,
            q("code_challenge_method") == "S256",
            let state = q("state"), let nonce = q("nonce"), let challenge = q("code_challenge"), q("scope")?.contains("openid") == true
        else {
            throw Abort(.badRequest, reason: "a bad authorization request: \(location)")
        }
        let code = UUID().uuidString
        grants.withLockedValue { $0[code] = Grant(person: person, nonce: nonce, challenge: challenge, twist: twist) }
        return Paths.with("/sign-in/sso/callback", [("code", code), ("state", state)])
    }

    var config: OIDCConfig {
        OIDCConfig(issuer: issuer, clientID: Self.clientID, clientSecret: Self.clientSecret, redirectURL: Self.redirect)
    }
}
