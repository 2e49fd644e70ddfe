/// NHS number: 10 digits, modulus-11 check digit (domain.md). Input may contain spaces;
/// stored as 10 digits, shown 3-3-4.
public struct NHSNumber: Hashable, Sendable {
    public let digits: String

    public init?(_ input: String) {
        let compact = input.filter { $0 != " " && $0 != "-" }
        guard compact.count == 10, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let values = compact.compactMap { $0.wholeNumberValue }
        var sum = 0
        for i in 0..<9 { sum += values[i] * (10 - i) }
        var check = 11 - (sum % 11)
        if check == 11 { check = 0 }
        guard check != 10, check == values[9] else { return nil }
        digits = compact
    }

    public var formatted: String {
        let a = Array(digits)
        return String(a[0..<3]) + " " + String(a[3..<6]) + " " + String(a[6..<10])
    }
}
