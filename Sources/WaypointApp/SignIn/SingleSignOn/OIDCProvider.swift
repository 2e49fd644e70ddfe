import Foundation
import JWTKit
import Vapor

/// The provider's side of single sign-on: its discovery document and signing keys (fetched and
/// cached), exchanging an authorization code (with PKCE) for an ID token, and verifying that
/// token fully with jwt-kit: signature, issuer, audience, expiry and nonce.
actor OIDCProvider {
    let config: OIDCConfig
    private let client: any Client
    /// How long the discovery document and keys are kept before they are fetched again.
    static let cacheLifetime: TimeInterval = 3600
    /// The most a provider's answer may be (discovery, keys, token).
    static let maxResponseBytes = 1_048_576

    struct Discovery: Decodable, Sendable {
        let issuer: String
        let authorization_endpoint: String
        let token_endpoint: String
        let jwks_uri: String
    }

    /// What Waypoint reads from a verified ID token.
    struct Identity: Sendable, Equatable {
        let subject: String
        let email: String?
        let name: String?
        let groups: [String]
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        case provider(String)
        case badSignature
        case wrongIssuer
        case wrongAudience
        case expired
        case wrongNonce
        case malformed(String)

        var description: String {
            switch self {
            case .provider(let s): "the provider could not be reached or answered wrongly (\(s))"
            case .badSignature: "the ID token's signature is not the provider's"
            case .wrongIssuer: "the ID token is from another issuer"
            case .wrongAudience: "the ID token was not issued for Waypoint"
            case .expired: "the ID token has expired"
            case .wrongNonce: "the ID token's nonce is not this sign-in's (a replay?)"
            case .malformed(let s): "the ID token is malformed (\(s))"
            }
        }
    }

    private var discovery: (Discovery, Date)?
    private var keys: (JWTKeyCollection, Date)?

    init(config: OIDCConfig, client: any Client) {
        self.config = config
        self.client = client
    }

    private func fetch(_ url: String) async throws -> ByteBuffer {
        let res: ClientResponse
        do { res = try await client.get(URI(string: url)) } catch { throw Failure.provider("\(url): \(error)") }
        guard res.status == .ok, let body = res.body, body.readableBytes <= Self.maxResponseBytes else {
            throw Failure.provider("\(url) answered \(res.status.code)")
        }
        return body
    }

    func discovery(now: Date) async throws -> Discovery {
        if let (d, at) = discovery, now.timeIntervalSince(at) < Self.cacheLifetime { return d }
        let base = config.issuer.hasSuffix("/") ? String(config.issuer.dropLast()) : config.issuer
        let body = try await fetch(base + "/.well-known/openid-configuration")
        guard let d = try? JSONDecoder().decode(Discovery.self, from: body) else {
            throw Failure.provider("the discovery document is not valid")
        }
        // The discovery document must name the issuer it was fetched for (OpenID Connect Discovery §4.3).
        guard d.issuer == config.issuer else {
            throw Failure.provider("the discovery document names issuer \(d.issuer), not \(config.issuer)")
        }
        discovery = (d, now)
        return d
    }

    /// The provider's signing keys; fetched again when a token names a key not yet known (the
    /// provider rotated its keys), at most once a minute.
    func keys(now: Date, refresh: Bool = false) async throws -> JWTKeyCollection {
        if let (k, at) = keys, now.timeIntervalSince(at) < (refresh ? 60 : Self.cacheLifetime) { return k }
        let d = try await discovery(now: now)
        let body = try await fetch(d.jwks_uri)
        let collection = JWTKeyCollection()
        do { try await collection.add(jwksJSON: String(buffer: body)) } catch {
            throw Failure.provider("the signing keys are not valid: \(error)")
        }
        keys = (collection, now)
        return collection
    }

    /// Exchanges the authorization code for the ID token (the client authenticates with its secret).
    func idToken(code: String, verifier: String, now: Date) async throws -> String {
        let d = try await discovery(now: now)
        struct Form: Content {
            var grant_type = "authorization_code"
            let code: String
            let redirect_uri: String
            let client_id: String
            let client_secret: String
            let code_verifier: String
        }
        let form = Form(
            code: code, redirect_uri: config.redirectURL, client_id: config.clientID, client_secret: config.clientSecret,
            code_verifier: verifier)
        let res: ClientResponse
        do {
            res = try await client.post(URI(string: d.token_endpoint)) { req in
                try req.content.encode(form, as: .urlEncodedForm)
                req.headers.replaceOrAdd(name: .accept, value: "application/json")
            }
        } catch { throw Failure.provider("token endpoint: \(error)") }
        struct Tokens: Decodable { let id_token: String? }
        guard res.status == .ok, let body = res.body, body.readableBytes <= Self.maxResponseBytes,
            let t = try? JSONDecoder().decode(Tokens.self, from: body), let id = t.id_token, !id.isEmpty
        else {
            throw Failure.provider("the token endpoint answered \(res.status.code) without an ID token")
        }
        return id
    }

    /// Verifies the token with the provider's keys and this sign-in's nonce.
    func verify(_ token: String, nonce: String, now: Date) async throws -> Identity {
        guard token.utf8.count <= 65_536 else { throw Failure.malformed("too long") }
        var collection = try await keys(now: now)
        let claims: Claims
        do {
            claims = try await Self.verify(token, with: collection, audience: config.clientID)
        } catch let failure as Failure where failure == .badSignature {
            // Perhaps a key the provider has just rotated in.
            collection = try await keys(now: now, refresh: true)
            claims = try await Self.verify(token, with: collection, audience: config.clientID)
        }
        return try Self.check(claims, token: token, issuer: config.issuer, nonce: nonce, groupsClaim: config.groupsClaim, now: now)
    }

    struct Claims: JWTIdentityToken {
        let iss: IssuerClaim
        let sub: SubjectClaim
        let aud: AudienceClaim
        let exp: ExpirationClaim
        let nonce: String?
        let email: String?
        let name: String?
        var audience: AudienceClaim { aud }
        /// Time and nonce are checked afterwards with the server's clock (`check`).
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Signature and audience (jwt-kit).
    static func verify(_ token: String, with keys: JWTKeyCollection, audience: String) async throws -> Claims {
        do {
            return try await keys.verify(token, as: Claims.self, expectedAudience: audience)
        } catch let e as JWTError {
            switch e.errorType {
            case .claimVerificationFailure: throw Failure.wrongAudience
            case .signatureVerificationFailed, .unknownKID: throw Failure.badSignature
            default: throw Failure.malformed("\(e.errorType)")
            }
        } catch {
            throw Failure.malformed("\(error)")
        }
    }

    /// Issuer, expiry and nonce, and the groups from the configured claim.
    static func check(_ c: Claims, token: String, issuer: String, nonce: String, groupsClaim: String, now: Date) throws -> Identity {
        guard c.iss.value == issuer else { throw Failure.wrongIssuer }
        guard c.exp.value > now else { throw Failure.expired }
        guard let n = c.nonce, Tokens.equal(n, nonce) else { throw Failure.wrongNonce }
        guard !c.sub.value.isEmpty, c.sub.value.utf8.count <= 255 else { throw Failure.malformed("subject") }
        return Identity(
            subject: c.sub.value, email: c.email.map { String($0.prefix(254)).lowercased() }, name: c.name.map { String($0.prefix(100)) },
            groups: groups(in: token, claim: groupsClaim))
    }

    /// The groups claim (a list, or one string) from the token's payload, whose signature has
    /// already been verified.
    static func groups(in token: String, claim: String) -> [String] {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return [] }
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return []
        }
        if let list = json[claim] as? [String] { return Array(list.prefix(500)) }
        if let one = json[claim] as? String { return [one] }
        return []
    }
}

struct OIDCProviderKey: StorageKey { typealias Value = OIDCProvider }

extension Application {
    /// Set by `configure` when single sign-on is configured.
    var oidc: OIDCProvider? {
        get { storage[OIDCProviderKey.self] }
        set { storage[OIDCProviderKey.self] = newValue }
    }
}
