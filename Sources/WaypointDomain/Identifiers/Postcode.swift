import Foundation

/// UK postcode, format check only (a format check does not prove the postcode exists).
/// Accepts any case and spacing; stored upper case with one space before the inward code.
public struct Postcode: Hashable, Sendable {
    public let value: String

    public init?(_ input: String) {
        let compact = input.uppercased().filter { !$0.isWhitespace }
        if compact == "GIR0AA" { value = "GIR 0AA"; return }
        guard compact.count >= 5, compact.count <= 7 else { return nil }
        let outward = String(compact.dropLast(3))
        let inward = String(compact.suffix(3))
        let candidate = outward + " " + inward
        let pattern = "^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$"
        guard candidate.range(of: pattern, options: .regularExpression) != nil else { return nil }
        value = candidate
    }
}
