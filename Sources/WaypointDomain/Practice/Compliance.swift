import Foundation

/// Compliance with statutory orders. domain.md gives no rule, so this is our documented reading
/// of the YJB case management guidance for youth rehabilitation orders, applied to every statutory
/// order we supervise: each unacceptable failure to comply earns a warning; at most two warnings
/// in any 12 months; the third unacceptable failure within 12 months means breach action
/// (return to court, or for a referral order referral back to the panel). The reading is shown on
/// the intervention page, and lives only here so it can change in one place.
public enum Compliance {
    public static let maxWarnings = 2
    public static let windowMonths = 12
    public static let rule =
        "Each unacceptable failure to comply earns a warning. After two warnings within 12 months, the next unacceptable failure means breach action."

    public enum Decision: Equatable, Sendable {
        /// Give warning number `n` (1 or 2) within the window.
        case warning(Int)
        case breachDue
    }

    /// Warnings that count on `date`: those in the 12 months up to and including it.
    public static func live(_ warnings: [LocalDate], on date: LocalDate) -> [LocalDate] {
        let from = date.adding(months: -windowMonths)
        return warnings.filter { $0 > from && $0 <= date }
    }

    /// What an unacceptable failure on `date` leads to, given the warnings already given.
    public static func decide(priorWarnings: [LocalDate], failureOn date: LocalDate) -> Decision {
        let n = live(priorWarnings, on: date).count
        return n >= maxWarnings ? .breachDue : .warning(n + 1)
    }

    /// A plain sentence for the intervention page.
    public static func summary(warnings: [LocalDate], breachesOpen: Int, today: LocalDate) -> String {
        let n = live(warnings, on: today).count
        if breachesOpen > 0 { return "Breach action is under way." }
        switch n {
        case 0: return "No warnings in the last 12 months."
        case 1: return "1 warning in the last 12 months."
        default: return "\(n) warnings in the last 12 months: the next unacceptable failure to comply means breach action."
        }
    }
}

public extension Compliance {
    /// The latest unacceptable failure that earned no warning (it came after two), unless breach
    /// action has started on or after it.
    static func breachDue(unwarnedFailures: [LocalDate], breachesStarted: [LocalDate]) -> LocalDate? {
        guard let last = unwarnedFailures.max() else { return nil }
        return breachesStarted.contains { $0 >= last } ? nil : last
    }
}
