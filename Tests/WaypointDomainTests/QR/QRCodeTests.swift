import Foundation
import Testing
@testable import WaypointDomain

/// The QR codes are read back by a real decoder (zbarimg, from Debian's zbar-tools, which
/// `.ci/run` installs): what an authenticator app's camera would read.
@Suite struct QRCodeTests {
    static let zbarimg = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func decode(_ qr: QRCode) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try qr.pbm().write(to: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.zbarimg ?? "/usr/bin/zbarimg")
        p.arguments = ["--raw", "-q", "-Sbinary", file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var s = String(decoding: data, as: UTF8.self)
        if s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    @Test func aDecoderReadsBackWhatWasEncodedAtEverySizeUsed() throws {
        if Self.zbarimg == nil && ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("zbarimg is missing: .ci/run installs zbar-tools")
        }
        try #require(Self.zbarimg != nil, "zbarimg (zbar-tools) is not installed here")
        let texts = [
            "A", "Waypoint",
            "otpauth://totp/Waypoint:priya.shah%40demo.waypoint.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Waypoint&algorithm=SHA1&digits=6&period=30",
            String(repeating: "0123456789abcdef", count: 20),  // version 11+: several blocks, version bits
            "Ünïcødé — £5 ✓"
        ]
        var versions = Set<Int>()
        for t in texts {
            let qr = try #require(QRCode(t))
            versions.insert(qr.version)
            #expect(qr.size == qr.version * 4 + 17)
            #expect(try decode(qr) == t, "version \(qr.version)")
        }
        #expect(versions.count >= 4)
        #expect(versions.contains { $0 >= 7 }, "a version with version information")
    }

    @Test func tooLongForAnyVersionIsNil() {
        #expect(QRCode(String(repeating: "x", count: 3_000)) == nil)
    }

    @Test func theSVGDrawsEveryDarkModuleAndEscapesItsLabel() throws {
        let qr = try #require(QRCode("hello"))
        let svg = qr.svg(label: "Scan <me> & \"go\"")
        let dark = qr.modules.reduce(0) { $0 + $1.filter { $0 }.count }
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == dark)
        #expect(svg.contains("Scan &lt;me> &amp; &quot;go&quot;"))
    }
}
