import Foundation
import Vapor

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): what any authenticator app
/// shows. Waypoint uses SHA-1, 6 digits and 30-second steps (what every app supports); the other
/// algorithms and lengths are here for the RFC's test vectors.
enum TOTP {
    enum Algorithm: String, Sendable { case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512" }

    static let period: Int64 = 30
    static let digits = 6
    /// Steps either side of now that are accepted, for a phone's clock a little out.
    static let window: Int64 = 1

    /// The step (RFC 6238's T) that `date` falls in.
    static func step(at date: Date) -> Int64 {
        Int64(floor(date.timeIntervalSince1970)) / period
    }

    /// The code for one step (HOTP of the counter).
    static func code(secret: [UInt8], step: Int64, digits: Int = digits, algorithm: Algorithm = .sha1) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
            }
        // Dynamic truncation (RFC 4226 §5.3).
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let n = String(binary % modulus)
        return String(repeating: "0", count: digits - n.count) + n
    }

    /// The step a typed code matches, within the window around `date` and later than
    /// `after` (a code once used is never accepted again); nil when it matches none.
    static func verify(_ typed: String, secret: [UInt8], at date: Date, after lastUsed: Int64?) -> Int64? {
        let code = typed.filter { !$0.isWhitespace }
        guard code.count == digits, code.allSatisfy(\.isASCIIDigit) else { return nil }
        let now = step(at: date)
        var matched: Int64?
        for s in (now - window)...(now + window) where s > (lastUsed ?? Int64.min) {
            // Every step is checked, so the time taken does not say which one matched.
            if Tokens.equal(self.code(secret: secret, step: s), code), matched == nil { matched = s }
        }
        return matched
    }

    /// A new secret: 20 random bytes (RFC 4226's recommended 160 bits).
    static func newSecret() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// The address an authenticator app reads from the QR code.
    static func uri(secret: [UInt8], account: String, issuer: String = "Waypoint") -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        let i = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? "Waypoint"
        let a = account.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return "otpauth://totp/\(i):\(a)?secret=\(Base32.encode(secret))&issuer=\(i)&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// RFC 4648 base32, as authenticator apps take a secret typed by hand (no padding).
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | Int(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }

    /// Nil for anything but base32 letters (spaces, dashes and padding are ignored; any case).
    static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for c in s.uppercased() where c != " " && c != "-" && c != "=" {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
            buffer &= (1 << bits) - 1
        }
        return out
    }

    /// The secret in groups of four, easier to type into an app.
    static func grouped(_ bytes: [UInt8]) -> String {
        let s = Array(encode(bytes))
        return stride(from: 0, to: s.count, by: 4).map { String(s[$0..<min($0 + 4, s.count)]) }.joined(separator: " ")
    }
}
