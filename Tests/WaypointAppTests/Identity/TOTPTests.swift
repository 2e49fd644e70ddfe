import Foundation
import Testing
@testable import WaypointApp

@Suite struct TOTPTests {
    /// RFC 6238 appendix B: every time and algorithm, 8 digits.
    @Test func theRFC6238TestVectors() {
        let sha1 = Array("12345678901234567890".utf8)
        let sha256 = Array("12345678901234567890123456789012".utf8)
        let sha512 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)
        let vectors: [(Int64, String, String, String)] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826")
        ]
        for (time, a, b, c) in vectors {
            let step = TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))
            #expect(TOTP.code(secret: sha1, step: step, digits: 8, algorithm: .sha1) == a, "SHA1 at \(time)")
            #expect(TOTP.code(secret: sha256, step: step, digits: 8, algorithm: .sha256) == b, "SHA256 at \(time)")
            #expect(TOTP.code(secret: sha512, step: step, digits: 8, algorithm: .sha512) == c, "SHA512 at \(time)")
        }
    }

    /// RFC 4226 appendix D: the HOTP values for counters 0–9 (6 digits).
    @Test func theRFC4226HOTPValues() {
        let secret = Array("12345678901234567890".utf8)
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        for (i, code) in expected.enumerated() { #expect(TOTP.code(secret: secret, step: Int64(i)) == code) }
    }

    @Test func aCodeIsAcceptedWithinOneStepAndNeverTwice() {
        let secret = TOTP.newSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = TOTP.step(at: now)
        let code = TOTP.code(secret: secret, step: step)
        #expect(TOTP.verify(code, secret: secret, at: now, after: nil) == step)
        #expect(TOTP.verify(code, secret: secret, at: now, after: step) == nil, "a used code is refused")
        #expect(TOTP.verify(TOTP.code(secret: secret, step: step - 1), secret: secret, at: now, after: nil) == step - 1)
        #expect(TOTP.verify(TOTP.code(secret: secret, step: step + 1), secret: secret, at: now, after: nil) == step + 1)
        #expect(TOTP.verify(TOTP.code(secret: secret, step: step - 2), secret: secret, at: now, after: nil) == nil)
        #expect(TOTP.verify("12345", secret: secret, at: now, after: nil) == nil)
        #expect(TOTP.verify("abcdef", secret: secret, at: now, after: nil) == nil)
        #expect(TOTP.verify(String(repeating: "9", count: 10_000), secret: secret, at: now, after: nil) == nil)
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(TOTP.verify(spaced, secret: secret, at: now, after: nil) == step)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZ1") == nil)
        for n in 0..<25 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + n) % 256) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
        let uri = TOTP.uri(secret: Array("12345678901234567890".utf8), account: "a.b+c@x.test")
        #expect(
            uri
                == "otpauth://totp/Waypoint:a.b%2Bc@x.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Waypoint&algorithm=SHA1&digits=6&period=30"
        )
    }
}
