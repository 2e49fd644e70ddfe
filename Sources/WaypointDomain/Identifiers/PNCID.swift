/// Police National Computer id: `YY/NNNNNNNC` or canonical `YYYY/NNNNNNNC`, with the check
/// letter `"ZABCDEFGHJKLMNPQRTUVWXY"[int(YY + serial padded to 7) mod 23]`. Stored canonical.
public struct PNCID: Hashable, Sendable {
    public let canonical: String

    static let checkLetters: [Character] = Array("ZABCDEFGHJKLMNPQRTUVWXY")

    public init?(_ input: String) {
        let s = input.uppercased().filter { $0 != " " }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let yearPart = String(parts[0])
        var rest = String(parts[1])
        guard yearPart.count == 2 || yearPart.count == 4,
            yearPart.allSatisfy({ $0.isASCII && $0.isNumber }),
            let check = rest.popLast(), check.isLetter,
            (1...7).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let year: Int
        if yearPart.count == 4 {
            year = Int(yearPart)!
        } else {
            // Two-digit years: PNC records date from the 1900s onwards; children's records are
            // recent, so 00–(current two digits) are 2000s, the rest 1900s.
            let yy = Int(yearPart)!
            year = yy <= 79 ? 2000 + yy : 1900 + yy
        }
        guard year >= 1900 else { return nil }
        let serial = String(repeating: "0", count: 7 - rest.count) + rest
        guard let expected = PNCID.checkLetter(year: year, serial: serial), expected == check else { return nil }
        canonical = "\(year)/\(serial)\(check)"
    }

    public static func checkLetter(year: Int, serial: String) -> Character? {
        guard serial.count == 7, let n = Int(String(format: "%02d", year % 100) + serial) else { return nil }
        return checkLetters[n % 23]
    }
}
