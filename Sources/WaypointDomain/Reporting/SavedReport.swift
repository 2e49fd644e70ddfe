import Foundation

/// A report's figures frozen as submitted (to the board or the YJB): every row, the children
/// behind each count by Waypoint's id, and how each child was listed then. What changes later in
/// the records never changes it; `ReportComparison` sets it beside a run of today.
public struct SavedFigures: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public let measure: String
        public let breakdown: String
        public let group: String
        public let value: Double
        public let isCount: Bool
        /// The children behind a count (a child once per record counted); nil for rates.
        public let members: [String]?
    }
    public struct Child: Codable, Equatable, Sendable {
        public let label: String
        public let service: String
        public init(label: String, service: String) {
            self.label = label
            self.service = service
        }
    }
    public let rows: [Row]
    public let notes: [String]
    public let children: [String: Child]

    public init(rows: [ReportRow], notes: [String], children: [String: Child]) {
        self.rows = rows.map {
            Row(measure: $0.measure, breakdown: $0.breakdown, group: $0.group, value: $0.value, isCount: $0.isCount, members: $0.members)
        }
        self.notes = notes
        // Only the children some figure lists.
        let listed = Set(self.rows.flatMap { $0.members ?? [] })
        self.children = children.filter { listed.contains($0.key) }
    }

    /// The rows as report rows again.
    public var reportRows: [ReportRow] {
        rows.map { r in
            if r.isCount, let m = r.members { return ReportRow(measure: r.measure, breakdown: r.breakdown, group: r.group, count: m) }
            return ReportRow(measure: r.measure, breakdown: r.breakdown, group: r.group, rate: r.value)
        }
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(self)
    }

    public static func decoded(_ data: Data) throws -> SavedFigures { try JSONDecoder().decode(SavedFigures.self, from: data) }
}

/// A saved report beside today's run of the same report, period, services and team: each figure
/// that changed, and for a count the children who came into it or left it.
public struct ReportComparison: Sendable {
    public struct Change: Sendable, Equatable {
        public let measure: String
        public let breakdown: String
        public let group: String
        /// Nil when the figure was not there (a new group, or a rate that could not be given).
        public let saved: Double?
        public let now: Double?
        /// Children (Waypoint's ids) behind the figure now and not then, and then and not now.
        public let cameIn: [String]
        public let left: [String]
    }

    public let changes: [Change]
    /// How many figures compared, changed or not.
    public let compared: Int

    public init(saved: [ReportRow], now: [ReportRow]) {
        func key(_ r: ReportRow) -> String { "\(r.measure)\u{1}\(r.breakdown)\u{1}\(r.group)" }
        let then = Dictionary(saved.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let current = Dictionary(now.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        // In the saved order, then any rows only today has.
        var order = saved.map(key)
        let seen = Set(order)
        order += now.map(key).filter { !seen.contains($0) }
        var changes: [Change] = []
        for k in order {
            let a = then[k], b = current[k]
            let membersA = Set(a?.children ?? []), membersB = Set(b?.children ?? [])
            let sameMembers = a?.recordsByChild == b?.recordsByChild
            if a?.value == b?.value && a?.isCount == b?.isCount && sameMembers { continue }
            // A group with no children either way (0 then, absent now) is no change.
            if (a?.value ?? 0) == 0 && (b?.value ?? 0) == 0 && (a?.isCount ?? true) && (b?.isCount ?? true) { continue }
            let r = a ?? b!
            changes.append(
                Change(
                    measure: r.measure, breakdown: r.breakdown, group: r.group, saved: a?.value, now: b?.value,
                    cameIn: membersB.subtracting(membersA).sorted(), left: membersA.subtracting(membersB).sorted()))
        }
        self.changes = changes
        self.compared = order.count
    }
}
