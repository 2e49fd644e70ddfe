import Foundation

public enum SearchText {
    /// Lower case with accents removed and whitespace collapsed, for case- and
    /// accent-insensitive matching: "Zoë  O'Brien" → "zoe o'brien".
    public static func fold(_ s: String) -> String {
        let folded = s.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_GB"))
            .lowercased()
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
