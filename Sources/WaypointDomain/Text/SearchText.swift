import Foundation

public enum SearchText {
    /// Made once: a `Locale` per call was made for every name folded (each register search, each child saved).
    private static let britishEnglish = Locale(identifier: "en_GB")

    /// Lower case with accents removed and whitespace collapsed, for case- and
    /// accent-insensitive matching: "Zoë  O'Brien" → "zoe o'brien".
    public static func fold(_ s: String) -> String {
        let folded = s.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: britishEnglish)
            .lowercased()
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
