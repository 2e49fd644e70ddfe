import Crypto

/// Lower-case hexadecimal of bytes (a digest): `String(format: "%02x")` per byte cost more than the
/// hashing (the session's token hash was 5% of a signed-in request's time).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func lower(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
