/// Statistical disclosure control for the figures a management board sees (product.md: the board
/// sees figures only, and no child can be identified from them).
///
/// - **Primary**: a count of 1 to 4 children or records is withheld, and so is a rate, share or
///   mean worked out from such a count (its `basis`).
/// - **Secondary**: a withheld cell must not come back from a total. Where a total is shown, its
///   breakdown (or the parts a report's definition adds up to it, `sums`) keeps at least two cells
///   withheld, with enough withheld between them that none of them is pinned below 5: the smallest
///   other cells are withheld too until it is so.
/// - **Periods**: the board gets whole quarters and whole financial years only. The four quarters of
///   a financial year add up to the year for counts of events, so they are treated as one more
///   breakdown of the year's figure: every quarter and the year are protected together.
/// - A rate follows what it is worked out from: it is withheld with any of its `sources`.
///
/// Withheld figures keep no value and no children (`ReportRow.withheld`): nothing later can leak them.
public enum Disclosure {
    /// How a withheld figure is printed (the Office for National Statistics' mark for confidential).
    public static let marker = "[c]"
    /// Counts under this (and over zero) are withheld.
    public static let threshold = 5

    /// Parts a report's figures add up to, besides breakdowns: total measure → its parts.
    public static let sums: [String: [(total: String, parts: [String])]] = [
        "timeliness": [("assessments_completed", ["assessments_on_time", "assessments_late", "assessments_without_due_date"])]
    ]

    /// A figure's place on a report.
    /// Every choice below is made in a fixed order: two downloads of the same figures withhold the
    /// same cells (if they differed, together they would give cells back).
    public struct Key: Hashable, Comparable, Sendable {
        public static func < (a: Key, b: Key) -> Bool { (a.measure, a.breakdown, a.group) < (b.measure, b.breakdown, b.group) }
        public let measure: String
        public let breakdown: String
        public let group: String
        public init(_ measure: String, _ breakdown: String, _ group: String) {
            self.measure = measure
            self.breakdown = breakdown
            self.group = group
        }
        init(_ r: ReportRow) { self.init(r.measure, r.breakdown, r.group) }
    }

    static func small(_ n: Int) -> Bool { n > 0 && n < threshold }

    /// Protects one report's runs as the board sees them: `periods` are the figures of each period
    /// the reader can put side by side (a financial year's four quarters and the year), `year` the
    /// index of the year among them (nil when there is none). Returns each period's rows with the
    /// withheld ones replaced.
    public static func protect(_ report: String, _ periods: [[ReportRow]], year: Int?) -> [[ReportRow]] {
        let sums = self.sums[report] ?? []
        var hidden: [Set<Key>] = periods.map { rows in Set(rows.filter { $0.isCount && small(Int($0.value)) }.map(Key.init)) }
        // Withholding a cell can expose another family it belongs to: repeat until nothing changes.
        var changed = true
        while changed {
            changed = false
            for i in periods.indices where within(periods[i], sums, &hidden[i]) { changed = true }
            if let year, acrossQuarters(periods, year: year, &hidden) { changed = true }
        }
        return zip(periods, hidden).map { rows, h in
            rows.map { r in
                if r.isCount { return h.contains(Key(r)) ? .withheld(r) : r }
                if r.basis.contains(where: small) { return .withheld(r) }
                for s in r.sources {
                    let parts = s.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    let key = parts.count == 3 ? Key(parts[0], parts[1], parts[2]) : Key(s, r.breakdown, r.group)
                    if h.contains(key) { return .withheld(r) }
                }
                return r
            }
        }
    }

    /// The secondary cells of one period: each shown total's breakdowns and parts.
    static func within(_ rows: [ReportRow], _ sums: [(total: String, parts: [String])], _ hidden: inout Set<Key>) -> Bool {
        var changed = false
        let counts = rows.filter(\.isCount)
        let totals = Dictionary(counts.filter { $0.breakdown == "all" }.map { ($0.measure, $0) }, uniquingKeysWith: { a, _ in a })
        var families: [(total: ReportRow, cells: [ReportRow])] = []
        for (measure, total) in totals.sorted(by: { $0.key < $1.key }) where !hidden.contains(Key(total)) {
            let cells = counts.filter { $0.measure == measure && $0.breakdown != "all" }
            families += Dictionary(grouping: cells, by: \.breakdown).sorted { $0.key < $1.key }.map { (total, $0.value) }
        }
        for s in sums {
            guard let total = totals[s.total], !hidden.contains(Key(total)) else { continue }
            families.append((total, s.parts.compactMap { totals[$0] }))
        }
        // A total withheld to protect its cells could still be added up from a breakdown shown in
        // full: each breakdown of it keeps a cell withheld.
        for (measure, total) in totals.sorted(by: { $0.key < $1.key }) where hidden.contains(Key(total)) {
            let cells = counts.filter { $0.measure == measure && $0.breakdown != "all" }
            for family in Dictionary(grouping: cells, by: \.breakdown).sorted(by: { $0.key < $1.key }).map(\.value)
            where !family.contains(where: { hidden.contains(Key($0)) }) {
                let next = family.filter { $0.value > 0 }.min { ($0.value, $0.group) < ($1.value, $1.group) }
                if let next, hidden.insert(Key(next)).inserted { changed = true }
            }
        }
        for (total, cells) in families where !hidden.contains(Key(total)) {
            let values = cells.map { (Key($0), Int($0.value)) }
            if protectFamily(values, &hidden) { changed = true }
            // No shown cell left to withhold with it: the total would give the withheld cells back.
            if !isProtected(values, hidden) {
                hidden.insert(Key(total))
                changed = true
            }
        }
        return changed
    }

    /// Each count of the year whose quarters add up to it, with its quarters as its cells.
    static func acrossQuarters(_ periods: [[ReportRow]], year: Int, _ hidden: inout [Set<Key>]) -> Bool {
        var changed = false
        let quarters = periods.indices.filter { $0 != year }
        let byKey = periods.map { rows in
            Dictionary(rows.filter(\.isCount).map { (Key($0), Int($0.value)) }, uniquingKeysWith: { a, _ in a })
        }
        for (key, total) in byKey[year].sorted(by: { $0.key < $1.key }) where !hidden[year].contains(key) {
            let cells = quarters.map { byKey[$0][key] ?? 0 }
            // Counts of distinct children over a year are not the sum of the quarters: no family.
            guard cells.reduce(0, +) == total else { continue }
            // One family across periods: a cell is (period, key); protect it as one set.
            var flat = Set<Key>()
            for (n, q) in quarters.enumerated() where hidden[q].contains(key) {
                flat.insert(Key(key.measure + "\u{1}\(n)", key.breakdown, key.group))
            }
            let before = flat.count
            let values = cells.enumerated().map { (Key(key.measure + "\u{1}\($0.offset)", key.breakdown, key.group), $0.element) }
            protectFamily(values, &flat)
            if !isProtected(values, flat) {
                // The quarters cannot protect each other: the year's figure is withheld instead.
                hidden[year].insert(key)
                changed = true
            }
            guard flat.count != before else { continue }
            for (n, q) in quarters.enumerated() where flat.contains(Key(key.measure + "\u{1}\(n)", key.breakdown, key.group)) {
                if hidden[q].insert(key).inserted { changed = true }
            }
        }
        return changed
    }

    /// Whether a family's withheld cells are none, or two or more whose sum leaves each of them
    /// possibly 5 or more.
    static func isProtected(_ cells: [(Key, Int)], _ hidden: Set<Key>) -> Bool {
        let withheld = cells.filter { hidden.contains($0.0) }
        let sum = withheld.map(\.1).reduce(0, +)
        return withheld.isEmpty || (withheld.count >= 2 && sum - (withheld.count - 1) >= threshold)
    }

    /// Withholds the smallest shown cells of a family whose total is shown until it `isProtected`
    /// (or no shown cell is left: the caller then withholds the total).
    @discardableResult
    static func protectFamily(_ cells: [(Key, Int)], _ hidden: inout Set<Key>) -> Bool {
        var changed = false
        while !isProtected(cells, hidden) {
            let shown = cells.filter { !hidden.contains($0.0) && $0.1 > 0 }
                .sorted { ($0.1, $0.0.measure, $0.0.breakdown, $0.0.group) < ($1.1, $1.0.measure, $1.0.breakdown, $1.0.group) }
            guard let next = shown.first else { return changed }
            hidden.insert(next.0)
            changed = true
        }
        return changed
    }

    /// Whole quarters (January–March, April–June, July–September, October–December) and whole
    /// financial years (1 April – 31 March) that have ended by `today`: the periods a board sees.
    public static func boardPeriod(_ p: ReportPeriod, today: LocalDate) -> Bool {
        guard p.to < today, p.from.day == 1 else { return false }
        let quarter = (p.from.month - 1) % 3 == 0 && p.to == p.from.adding(months: 3).adding(days: -1)
        let year = p.from.month == 4 && p.to == p.from.adding(months: 12).adding(days: -1)
        return quarter || year
    }

    /// The periods to protect together with `p` (a board period): its financial year's four
    /// quarters and the year; the index of the year, and of `p`, among them.
    public static func family(of p: ReportPeriod) -> (periods: [ReportPeriod], year: Int, index: Int) {
        let startYear = p.from.month >= 4 ? p.from.year : p.from.year - 1
        let start = LocalDate(year: startYear, month: 4, day: 1)!
        let quarters = (0..<4).map {
            ReportPeriod(from: start.adding(months: 3 * $0), to: start.adding(months: 3 * $0 + 3).adding(days: -1))!
        }
        let year = ReportPeriod(from: start, to: start.adding(months: 12).adding(days: -1))!
        let periods = quarters + [year]
        return (periods, 4, periods.firstIndex(of: p) ?? 4)
    }
}
