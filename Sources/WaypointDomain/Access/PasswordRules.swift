import Foundation

/// What makes a password acceptable, after the NCSC's password guidance: length over
/// complexity (at least 12 characters, no rules about symbols or capitals, no forced expiry), and
/// a deny-list of common passwords and the patterns people build from them.
public struct PasswordRules: Sendable {
    public static let minimumLength = UserForm.minimumPasswordLength
    public static let maximumBytes = UserForm.maximumPasswordBytes

    /// Common passwords and their root words, lower case.
    public let denied: Set<String>

    public init(denied: Set<String>) { self.denied = denied }

    /// Reads the shipped list: one entry a line, `#` starts a comment.
    public init(list: String) {
        self.init(
            denied: Set(
                list.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }))
    }

    /// Nil when the password may be used; otherwise what to tell the person.
    public func problem(_ password: String, email: String, name: String?) -> String? {
        if password.isEmpty { return "Enter a new password" }
        if password.count < Self.minimumLength {
            return
                "Your password must be at least \(Self.minimumLength) characters. A few unrelated words make a long password easy to remember"
        }
        if password.utf8.count > Self.maximumBytes { return "Your password must be \(Self.maximumBytes) characters or fewer" }
        let lower = password.lowercased()
        let common = "This password is too easy to guess: it is a common password, or built from one. Try three or four unrelated words"
        if denied.contains(lower) { return common }
        // Undo look-alike swaps, then take off digits and symbols at either end.
        let swaps: [Character: Character] = [
            "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i"
        ]
        let unswapped = String(lower.map { swaps[$0] ?? $0 })
        let letters = lower.trimmingCharacters(in: CharacterSet.letters.inverted)
        for candidate in [letters, unswapped.trimmingCharacters(in: CharacterSet.letters.inverted), unswapped] where !candidate.isEmpty {
            if denied.contains(candidate) { return common }
            // The same word twice, or a word repeated ("passwordpassword", "monkeymonkey").
            if let root = Self.repeatedUnit(candidate), denied.contains(root) || root.count <= 4 { return common }
        }
        if Set(lower).count <= 3 { return "Your password repeats too few characters. Try three or four unrelated words" }
        if Self.isSequence(lower) { return "Your password is a run of keys or letters in order. Try three or four unrelated words" }
        // Their own name or email.
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        let parts =
            [local] + local.split(whereSeparator: { !$0.isLetter }).map(String.init)
            + (name ?? "").lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        if parts.contains(where: { $0.count >= 4 && lower.contains($0) }) {
            return "Your password must not contain your name or email address"
        }
        return nil
    }

    /// The shortest unit the string is a repeat of (at least twice), if any.
    static func repeatedUnit(_ s: String) -> String? {
        let c = Array(s)
        guard c.count >= 2 else { return nil }
        for n in 1...(c.count / 2) where c.count % n == 0 {
            let unit = Array(c[0..<n])
            if stride(from: 0, to: c.count, by: n).allSatisfy({ Array(c[$0..<($0 + n)]) == unit }) { return String(unit) }
        }
        return nil
    }

    /// A run along the alphabet, the digits or a keyboard row, forwards or backwards.
    static func isSequence(_ s: String) -> Bool {
        let runs = [
            "abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
            "qazwsxedcrfvtgbyhnujmikolp"
        ]
        let reversed = String(s.reversed())
        return runs.contains { r in r.contains(s) || r.contains(reversed) || (r + r).contains(s) }
    }
}

/// Which roles need a second factor unless an admin says otherwise: every role that sees
/// children's case data.
public enum SecondFactor {
    public static func requiredByDefault(_ role: Role) -> Bool {
        Policy.allows(role, .viewChild) || Policy.allows(role, .viewReportChildren) || Policy.allows(role, .viewPanelPapers)
            || Policy.allows(role, .viewVictimIdentity)
    }
}
