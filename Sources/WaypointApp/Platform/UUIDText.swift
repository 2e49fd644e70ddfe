import Foundation
import FluentSQLiteDriver

/// A UUID as text and back, without the C library. Foundation on Linux formats a UUID with
/// `sprintf` and parses one with `sscanf`; SQLite stores every id as that text, so a page reading
/// a few hundred rows and binding their ids converted thousands of them (`perf` on My work put
/// `sscanf`, `printf` and their helpers at about 6% of the server's time). The text is the same
/// byte for byte: upper-case for storage (`UUID.uuidString`), lower-case in links.
enum UUIDText {
    private static let upper = Array("0123456789ABCDEF".utf8)
    private static let lower = Array("0123456789abcdef".utf8)

    /// `id.uuidString`, or its lower-case form.
    static func string(_ id: UUID, lowercase: Bool = false) -> String {
        let digits = lowercase ? lower : upper
        return withUnsafeBytes(of: id.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = digits[Int(byte >> 4)]
                    out[o + 1] = digits[Int(byte & 0x0f)]
                    o += 2
                }
                return o
            }
        }
    }

    /// An id's text in lower case: ASCII letters lowered byte by byte (a national report lowers
    /// hundreds of thousands of stored ids, and `lowercased()` goes by Unicode rules); other text
    /// as `lowercased()` gives it.
    static func lowercased(_ text: String) -> String {
        var text = text
        return text.withUTF8 { s -> String? in
            guard s.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: s.count) { out in
                for i in 0..<s.count { out[i] = s[i] >= 0x41 && s[i] <= 0x5A ? s[i] + 0x20 : s[i] }
                return s.count
            }
        } ?? text.lowercased()
    }

    /// The UUID written in the canonical 8-4-4-4-12 form (either case); nil for anything else.
    /// Foundation's parser takes some oddities too (a sign before a pair of digits), so a caller
    /// that must read what it reads falls back to it.
    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// `parse` of a text's UTF-8 bytes (read in place): the dashes checked, and the 32 digits read
    /// into two numbers. (A national kpis run on SQLite reads 1.2 million ids as text. Most of the
    /// time `perf` finds here is the text itself arriving from memory, made by the driver moments
    /// before on another thread; read digit by digit through optionals it was a little more.)
    static func parse(bytes s: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard s.count == 36, let p = s.baseAddress else { return nil }
        let dash = UInt8(ascii: "-")
        guard p[8] == dash, p[13] == dash, p[18] == dash, p[23] == dash else { return nil }
        // Each digit's value; `bad` collects any byte that is not a digit.
        var bad = false
        @inline(__always) func digits(_ from: Int, _ to: Int, into n: inout UInt64) {
            for i in from..<to {
                let c = p[i]
                let d = c &- UInt8(ascii: "0")
                // Either case of a–f: setting the bit of 0x20 makes A–F a–f (and nothing else a–f).
                let l = (c | 0x20) &- UInt8(ascii: "a")
                let v: UInt8 = d < 10 ? d : (l < 6 ? l &+ 10 : 0)
                bad = bad || (d >= 10 && l >= 6)
                n = n << 4 | UInt64(v)
            }
        }
        var high: UInt64 = 0, low: UInt64 = 0
        digits(0, 8, into: &high)
        digits(9, 13, into: &high)
        digits(14, 18, into: &high)
        digits(19, 23, into: &low)
        digits(24, 36, into: &low)
        guard !bad else { return nil }
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }

    /// An id as two numbers that compare as its bytes do (and so as its text sorts, and as
    /// PostgreSQL orders uuids): its first eight bytes, then its last eight.
    static func order(_ id: UUID) -> IDOrder {
        withUnsafeBytes(of: id.uuid) {
            IDOrder(high: $0.loadUnaligned(as: UInt64.self).bigEndian, low: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian)
        }
    }

    /// The id whose `order` this is.
    static func id(_ order: IDOrder) -> UUID {
        withUnsafeBytes(of: (order.high.bigEndian, order.low.bigEndian)) { $0.loadUnaligned(as: UUID.self) }
    }

    /// Whether `a` comes before `b` as their texts sort (byte by byte: hex digits sort as their
    /// values), without writing either.
    static func precedes(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in
                for i in 0..<16 where x[i] != y[i] { return x[i] < y[i] }
                return false
            }
        }
    }

    /// An id as stored or read (`parse`, else Foundation's parser for the oddities it takes).
    static func id(_ text: String) -> UUID? { parse(text) ?? UUID(uuidString: text) }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// SQLite binds and reads ids through `UUIDText` (the same text as before: SQLiteKit encodes a
/// type without this conformance through `Codable`, which for a UUID is `uuidString`). Text the
/// fast parser does not take goes to Foundation, so what reads as an id is unchanged.
extension UUID: @retroactive SQLiteDataConvertible {
    public init?(sqliteData: SQLiteData) {
        guard let text = sqliteData.string, let id = UUIDText.id(text) else { return nil }
        self = id
    }

    public var sqliteData: SQLiteData? { .text(UUIDText.string(self)) }
}

/// An id's place in the order of ids (`UUIDText.order`).
struct IDOrder: Comparable, Hashable, Sendable {
    let high: UInt64
    let low: UInt64
    static func < (a: IDOrder, b: IDOrder) -> Bool { a.high < b.high || (a.high == b.high && a.low < b.low) }
}
