/// Unique pupil number: check letter + LA (3) + establishment (4) + year (2) + serial (3);
/// a temporary UPN ends in a letter. Check letter per domain.md (mod 23 over weights 2–13).
public struct UPN: Hashable, Sendable {
    public let value: String

    /// Letters used for the check character and for a temporary UPN's final character.
    static let letters: [Character] = Array("ABCDEFGHJKLMNPQRTUVWXYZ")

    public init?(_ input: String) {
        let s = input.uppercased().filter { $0 != " " }
        guard s.count == 13 else { return nil }
        let chars = Array(s)
        guard let checkIndex = UPN.letters.firstIndex(of: chars[0]) else { return nil }
        // Characters 2–12 are digits; character 13 is a digit or (temporary UPN) a letter.
        guard chars[1..<12].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var values: [Int] = chars[1..<12].map { $0.wholeNumberValue! }
        let last = chars[12]
        if last.isASCII && last.isNumber {
            values.append(last.wholeNumberValue!)
        } else if let n = UPN.letters.firstIndex(of: last) {
            values.append(n)
        } else {
            return nil
        }
        var sum = 0
        for (i, v) in values.enumerated() { sum += v * (i + 2) }
        guard sum % 23 == checkIndex else { return nil }
        value = s
    }

    /// The check letter for the 12 characters after it (for tests and demo data).
    public static func checkLetter(for rest: String) -> Character? {
        let chars = Array(rest.uppercased())
        guard chars.count == 12 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            let v: Int
            if let d = c.wholeNumberValue, c.isASCII {
                v = d
            } else if i == 11, let n = letters.firstIndex(of: c) {
                v = n
            } else {
                return nil
            }
            sum += v * (i + 2)
        }
        return letters[sum % 23]
    }
}
