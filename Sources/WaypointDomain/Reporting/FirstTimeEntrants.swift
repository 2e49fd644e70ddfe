/// `first-time-entrants` (domain.md, Report definitions).
///
/// A child's **entry** is their first-ever outcome whose type "counts as an entry" (a youth
/// caution, a youth conditional caution or a conviction), dated by its outcome date, where the
/// child was aged 10–17 on the offence date. A child is a first time entrant in a period when
/// that entry's outcome date falls in the period. Outcomes that do not count (community
/// resolution, Outcome 22, no further action) never make a child an entrant, before or after.
/// Ages in the breakdown are on the offence date of the entry.
///
/// - `first_time_entrants`: count of children; breakdown `disposal` groups them as
///   `youth_caution`, `youth_conditional_caution` or `court` (any conviction).
/// - `fte_rate_per_100k`: first_time_entrants × 100,000 ÷ the population aged 10–17 of the
///   service(s) for the calendar year in which the period starts; left out when there is no
///   population for that year (the report says so instead of showing a wrong rate).
public enum FirstTimeEntrants {
    public static let name = "first-time-entrants"

    public struct Entry: Sendable {
        public let child: String
        public let offenceDate: LocalDate
        public let outcomeDate: LocalDate
        public let outcome: OutcomeType
        /// Recorded by one of the run's services: only then is the entry the run's to count.
        public let inRun: Bool
    }

    /// Each child's entry, if they have one.
    public static func entries(children: [String: ChildFacts], offences: [OffenceFacts], outcomes: [String: OutcomeType]) -> [String: Entry]
    {
        entries(offences, outcomes: outcomes, among: children.count) { children[$0] }
    }

    /// Each child of the run's entry, if they have one.
    public static func entries(_ f: ReportFacts) -> [String: Entry] {
        entries(f.offences, outcomes: f.outcomes, among: f.children.count, child: f.child)
    }

    /// Each entry of `among` children (`find` finds each by key).
    private static func entries(
        _ offences: [OffenceFacts], outcomes: [String: OutcomeType], among: Int, child find: (String) -> ChildFacts?
    ) -> [String: Entry] {
        var first: [String: Entry] = [:]
        first.reserveCapacity(min(offences.count, among))
        for o in offences {
            guard let type = outcomes[o.outcome], type.countsAsEntry, let date = o.outcomeDate, let child = find(o.child) else {
                continue
            }
            let age = child.dateOfBirth.age(on: o.offenceDate)
            guard (10...17).contains(age) else { continue }
            if let current = first[o.child], (current.outcomeDate, current.offenceDate) <= (date, o.offenceDate) { continue }
            first[o.child] = Entry(child: o.child, offenceDate: o.offenceDate, outcomeDate: date, outcome: type, inRun: o.inRun)
        }
        return first
    }

    /// The outcome's disposal group, as the reference data says (never by its code).
    public static func disposal(_ t: OutcomeType) -> String { t.disposalGroup.rawValue }

    public struct Result: Sendable {
        public let rows: [ReportRow]
        public let notes: [String]
    }

    public static func compute(
        children: [String: ChildFacts], offences: [OffenceFacts], outcomes: [String: OutcomeType],
        period: ReportPeriod, population: Population
    ) -> Result {
        // (Only the children, offences, outcomes and population are read: the day does not matter.)
        let f = ReportFacts(children: children, offences: offences, outcomes: outcomes, population: population, today: period.to)
        return compute(f, period: period)
    }

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> Result {
        let population = f.population
        let inPeriod = entries(f).values.filter { $0.inRun && period.contains($0.outcomeDate) }
        let members = inPeriod.compactMap { e in f.child(e.child).map { ($0, e.offenceDate) } }
        let byChild = Dictionary(uniqueKeysWithValues: inPeriod.map { ($0.child, $0) })
        var rows = breakdownRows(
            measure: "first_time_entrants", members, extra: [("disposal", { c, _ in disposal(byChild[c.key]!.outcome) })])
        var notes: [String] = []
        if let pop = population.total(period.from.year) {
            rows.append(
                ReportRow(
                    measure: "fte_rate_per_100k", rate: Rounding.round(Double(members.count) * 100_000 / Double(pop), places: 1),
                    basis: [members.count], sources: ["first_time_entrants"]))
        } else {
            notes.append(population.missing(period.from.year, "the rate per 100,000 is"))
        }
        return Result(rows: rows, notes: notes)
    }
}
