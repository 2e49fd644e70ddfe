import Foundation

/// A QR code (ISO/IEC 18004) for a short text, drawn on the server so the page needs no script
/// or outside service: byte mode, error correction level M, the smallest version that fits.
/// Used for the authenticator app's set-up address. `modules[y][x]` is true for a dark module.
public struct QRCode: Sendable {
    public let size: Int
    public private(set) var modules: [[Bool]]
    private var isFunction: [[Bool]]
    public let version: Int

    /// Nil when the text is too long for a version 40 code.
    public init?(_ text: String) {
        let data = Array(text.utf8)
        var version = 1
        while true {
            guard version <= 40 else { return nil }
            let capacityBits = Self.dataCodewords(version) * 8
            if 4 + Self.countBits(version) + data.count * 8 <= capacityBits { break }
            version += 1
        }
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        drawFunctionPatterns()
        let codewords = Self.interleaved(Self.dataBits(data, version: version), version: version)
        drawCodewords(codewords)
        // The mask with the lowest penalty.
        var best = 0, bestPenalty = Int.max
        for mask in 0..<8 {
            applyMask(mask)
            drawFormatBits(mask)
            let p = penalty()
            if p < bestPenalty { best = mask; bestPenalty = p }
            applyMask(mask)  // undo (XOR)
        }
        applyMask(best)
        drawFormatBits(best)
    }

    // MARK: Capacity (level M)

    /// Error-correction codewords per block and number of blocks, level M, versions 1–40.
    static let eccPerBlock = [
        -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28
    ]
    static let blocks = [
        -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38,
        40, 43, 45, 47, 49
    ]
    /// Format information's two bits for level M.
    static let levelBits = 0

    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ v: Int) -> Int {
        var result = (16 * v + 128) * v + 64
        if v >= 2 {
            let align = v / 7 + 2
            result -= (25 * align - 10) * align - 55
            if v >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(_ v: Int) -> Int { rawDataModules(v) / 8 - eccPerBlock[v] * blocks[v] }

    // MARK: Data

    static func dataBits(_ data: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)  // byte mode
        append(data.count, countBits(version))
        for b in data { append(Int(b), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var bytes: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in
            (0..<8).reduce(UInt8(0)) { ($0 << 1) | (bits[i + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while bytes.count < capacity / 8 { bytes.append(pad); pad ^= 0xEC ^ 0x11 }
        return bytes
    }

    /// Splits into blocks, adds each block's Reed–Solomon codewords and interleaves them.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let numBlocks = blocks[version], eccLen = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = numBlocks - raw % numBlocks
        let shortLen = raw / numBlocks
        let divisor = reedSolomonDivisor(eccLen)
        var all: [[UInt8]] = []
        var k = 0
        for i in 0..<numBlocks {
            let dataLen = shortLen - eccLen + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<(k + dataLen)])
            k += dataLen
            let ecc = reedSolomonRemainder(block, divisor)
            if i < shortBlocks { block.append(0) }
            all.append(block + ecc)
        }
        var out: [UInt8] = []
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortLen - eccLen || j >= shortBlocks {
                out.append(block[i])
            }
        }
        return out
    }

    static func multiply(_ x: Int, _ y: Int) -> Int {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((y >> i) & 1) * x
        }
        return z
    }

    static func reedSolomonDivisor(_ degree: Int) -> [UInt8] {
        var result = [Int](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result.map { UInt8($0) }
    }

    static func reedSolomonRemainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [Int](repeating: 0, count: divisor.count)
        for b in data {
            let factor = Int(b) ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(Int(divisor[i]), factor) }
        }
        return result.map { UInt8($0) }
    }

    // MARK: Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let xx = x + dx, yy = y + dy
                    guard (0..<size).contains(xx), (0..<size).contains(yy) else { continue }
                    let d = max(abs(dx), abs(dy))
                    set(xx, yy, d != 2 && d != 4)
                }
            }
        }
        let positions = alignmentPositions()
        let n = positions.count
        for i in 0..<n {
            for j in 0..<n where !(i == 0 && j == 0) && !(i == 0 && j == n - 1) && !(i == n - 1 && j == 0) {
                for dy in -2...2 {
                    for dx in -2...2 { set(positions[i] + dx, positions[j] + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(0)  // reserves the area; redrawn with the chosen mask
        if version >= 7 {
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = version << 12 | rem
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3, b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    private func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let n = version / 7 + 2
        let step = (version * 8 + n * 3 + 5) / (n * 4 - 4) * 2
        var result = [6]
        var pos = size - 7
        var tail: [Int] = []
        for _ in 1..<n { tail.append(pos); pos -= step }
        result += tail.reversed()
        return result
    }

    private mutating func drawFormatBits(_ mask: Int) {
        let data = Self.levelBits << 3 | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = (data << 10 | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    private mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vert : vert
                    if !isFunction[y][x] && i < data.count * 8 {
                        modules[y][x] = (data[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert: Bool =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// A simplified penalty (runs of five or more, 2×2 blocks, finder-like runs and the balance
    /// of dark and light), enough to avoid masks that scan badly.
    private func penalty() -> Int {
        var result = 0
        func runs(_ line: [Bool]) -> Int {
            var p = 0, run = 1
            for i in 1..<line.count {
                if line[i] == line[i - 1] { run += 1 } else { if run >= 5 { p += run - 2 }; run = 1 }
            }
            if run >= 5 { p += run - 2 }
            let pattern: [Bool] = [true, false, true, true, true, false, true]
            if line.count >= 11 {
                for i in 0...(line.count - 7) where Array(line[i..<(i + 7)]) == pattern {
                    let before = i >= 4 && !line[(i - 4)..<i].contains(true)
                    let after = i + 11 <= line.count && !line[(i + 7)..<(i + 11)].contains(true)
                    if before || after { p += 40 }
                }
            }
            return p
        }
        for y in 0..<size { result += runs(modules[y]) }
        for x in 0..<size { result += runs((0..<size).map { modules[$0][x] }) }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = modules[y][x]
                if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] { result += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        result += (abs(dark * 20 - total * 10) + total - 1) / total * 10
        return result
    }

    // MARK: Output

    /// An SVG drawing with a quiet zone of four modules, scaled by the page.
    public func svg(label: String) -> String {
        let border = 4
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + border),\(y + border)h1v1h-1z" }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: "\"", with: "&quot;")
        let side = size + border * 2
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * 5)\" height=\"\(side * 5)\" role=\"img\" aria-label=\"\(escaped)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    /// A plain bitmap (PBM), `scale` pixels a module with the quiet zone: for decoding in tests.
    public func pbm(scale: Int = 4) -> String {
        let border = 4
        let side = (size + border * 2) * scale
        var out = "P1\n\(side) \(side)\n"
        for py in 0..<side {
            let y = py / scale - border
            var line = ""
            for px in 0..<side {
                let x = px / scale - border
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && modules[y][x]
                line += dark ? "1 " : "0 "
            }
            out += line + "\n"
        }
        return out
    }
}
