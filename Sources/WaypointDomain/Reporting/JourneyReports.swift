import Foundation

/// An intervention as reports see it.
///
/// A class, not a struct: reports filter the interventions into many lists and a national run has
/// over a hundred thousand; a reference copies as one count, not its ids' texts one by one. Its
/// values are set while it is made (by the runner, or a test), before any report reads it.
public final class InterventionSpan: @unchecked Sendable {
    public let child: String
    public let type: InterventionType
    public let start: LocalDate
    public let end: LocalDate?
    public var id: String
    public var closureReason: String?
    /// The case manager on the report's date (the runner reads the allocation history).
    public var caseManager: String?
    /// The code of the service that held it.
    public var service: String
    public init(
        child: String, type: InterventionType, start: LocalDate, end: LocalDate?, id: String = "", closureReason: String? = nil,
        caseManager: String? = nil,
        service: String = ""
    ) {
        self.service = service
        self.child = child
        self.type = type
        self.start = start
        self.end = end
        self.id = id
        self.closureReason = closureReason
        self.caseManager = caseManager
    }
    /// Open on a date: started on or before it, and not ended before it (domain.md).
    public func isOpen(on d: LocalDate) -> Bool { start <= d && (end.map { $0 >= d } ?? true) }
    /// Open at some point in the period.
    public func overlaps(_ p: ReportPeriod) -> Bool { start <= p.to && (end.map { $0 >= p.from } ?? true) }
}

/// A practice record as reports see it: whose, on which intervention, and its values.
public struct PracticeFact: Sendable {
    public var child: String
    public let intervention: String?
    public let values: RecordValues
    public init(child: String, intervention: String?, values: RecordValues) {
        self.child = child
        self.intervention = intervention
        self.values = values
    }
    public func text(_ k: String) -> String? { values[k]?.text }
    public func date(_ k: String) -> LocalDate? { values[k]?.date }
}

public struct AssessmentFact: Sendable {
    public var child: String
    public let intervention: String
    public let submittedOn: LocalDate?
    public let dueOn: LocalDate?
    public init(child: String, intervention: String, submittedOn: LocalDate?, dueOn: LocalDate?) {
        self.child = child
        self.intervention = intervention
        self.submittedOn = submittedOn
        self.dueOn = dueOn
    }
}

public struct PopulationCell: Sendable {
    public let year: Int
    public let sex: String
    public let ethnicityGroup: String
    public let count: Int
    public init(year: Int, sex: String, ethnicityGroup: String, count: Int) {
        self.year = year
        self.sex = sex
        self.ethnicityGroup = ethnicityGroup
        self.count = count
    }
}

public struct ReferralFacts: Sendable {
    public var child: String
    public let receivedOn: LocalDate
    public let source: String
    public let decision: String
    public let decidedOn: LocalDate?
    public let destination: String?
    public init(child: String, receivedOn: LocalDate, source: String, decision: String, decidedOn: LocalDate?, destination: String?) {
        self.child = child
        self.receivedOn = receivedOn
        self.source = source
        self.decision = decision
        self.decidedOn = decidedOn
        self.destination = destination
    }
}

public struct BreachFacts: Sendable {
    public var child: String
    public let startedOn: LocalDate
    public init(child: String, startedOn: LocalDate) {
        self.child = child
        self.startedOn = startedOn
    }
}

/// Everything the journey reports count, loaded once per run.
public struct ReportFacts: Sendable {
    /// The run's children by key. Look one up with `child(_:)`.
    public var children: [String: ChildFacts] { didSet { numbered = Self.numbering(children) } }
    /// The children by their key as a number, when every key is one (the report runner numbers its
    /// children: `ChildFacts.key`), else empty. A national report looks children up millions of
    /// times; found by place, a child is a third of the time of one found by hashing its key.
    fileprivate var numbered: [ChildFacts?] = []
    public var offences: [OffenceFacts]
    public var outcomes: [String: OutcomeType]
    public var population: Population
    public var interventions: [InterventionSpan] = []
    public var referrals: [ReferralFacts] = []
    public var breaches: [BreachFacts] = []
    public var calendar: WorkingDayCalendar = WorkingDayCalendar(holidays: [])
    public var practice: [RecordKind: [PracticeFact]] = [:]
    public var assessments: [AssessmentFact] = []
    /// Each allocated intervention's start assessment due date (working days after allocation).
    public var assessmentDue: [String: LocalDate] = [:]
    public var populationCells: [PopulationCell] = []
    /// Management board meetings of the services in the run (KPI 7).
    public var boardMeetings: [BoardMeetingFact] = []
    /// Joint out-of-court panels' decisions, and scrutiny findings on them.
    public var panelDecisions: [PanelDecisionFact] = []
    public var scrutiny: [ScrutinyFact] = []
    /// Contacts in the period counted per child; nil: count `practice[.contact]` instead.
    public var contactTallies: [ContactTally]? = nil
    /// Case managers' names by id, and each service's caseload cap by code (`caseloadCap` where
    /// a service has none).
    public var workers: [String: String] = [:]
    public var caps: [String: Int] = [:]
    public var caseloadCap: Int = 25
    /// Each service's timescales by code (timeliness); `Timescales()` where a service has none.
    public var timescales: [String: Timescales] = [:]
    public var today: LocalDate

    public init(
        children: [String: ChildFacts], offences: [OffenceFacts], outcomes: [String: OutcomeType], population: Population, today: LocalDate
    ) {
        self.children = children
        self.offences = offences
        self.outcomes = outcomes
        self.population = population
        self.today = today
        numbered = Self.numbering(children)
    }

    /// The child with this key, if in the run.
    @inline(__always)
    public func child(_ key: String) -> ChildFacts? {
        guard !numbered.isEmpty else { return children[key] }
        guard let n = Self.number(key), n < numbered.count else { return nil }
        return numbered[n]
    }

    /// A key as the number it writes, when it is one as a number is written ("0", "17"; not "017",
    /// "+1" or "c1") and under a billion: each such key names one number and each number one key.
    static func number(_ key: String) -> Int? {
        var n = 0
        var digits = 0
        for b in key.utf8 {
            guard b >= 48 && b <= 57, digits < 9, !(digits == 1 && n == 0) else { return nil }
            n = n * 10 + Int(b - 48)
            digits += 1
        }
        return digits > 0 ? n : nil
    }

    /// `children` by the number of each key, when every key is a number and the numbers are not
    /// much more than the children (a run's are 0, 1, 2…); else empty.
    static func numbering(_ children: [String: ChildFacts]) -> [ChildFacts?] {
        guard !children.isEmpty else { return [] }
        var highest = 0
        for key in children.keys {
            guard let n = number(key), n < 2 * children.count + 64 else { return [] }
            highest = max(highest, n)
        }
        var table = [ChildFacts?](repeating: nil, count: highest + 1)
        for (key, c) in children { if let n = number(key) { table[n] = c } }
        return table
    }
}

extension ReportFacts {
    /// A count with the standard breakdowns of domain.md (sex, age, ethnicity, care status, SEND,
    /// EHCP, district, team): each key's child once per key (a child with several records counts
    /// once for each), aged on `ageOn`. Keys of children not in the run are left out.
    public func counted(_ measure: String, _ keys: [String], ageOn: LocalDate) -> [ReportRow] {
        if let (members, weights, repeated) = inOrder(keys.lazy.map { ($0, 1) }, ageOn: ageOn) {
            return repeated ? breakdownRows(measure: measure, members, weights: weights) : breakdownRows(measure: measure, members)
        }
        // Records: each child once, with how many are theirs.
        var records: [String: Int] = [:]
        records.reserveCapacity(keys.count)
        for k in keys { records[k, default: 0] += 1 }
        if records.count == keys.count {
            return breakdownRows(measure: measure, keys.compactMap { k in children[k].map { ($0, ageOn) } })
        }
        return counted(measure, records: records, ageOn: ageOn)
    }

    /// A count of these children of the run (each once), with the standard breakdowns, aged on
    /// `ageOn`: for a list of the children themselves, not their keys (none looked up).
    public func counted(_ measure: String, children list: [ChildFacts], ageOn: LocalDate) -> [ReportRow] {
        breakdownRows(measure: measure, list.map { ($0, ageOn) })
    }

    /// A count of records with the standard breakdowns: the child of each of `keys` with the
    /// records of the same place in `weights` (a key given twice has both added), aged on `ageOn`.
    /// Children not in the run are left out.
    public func counted(_ measure: String, keys: [String], weights: [Int], ageOn: LocalDate) -> [ReportRow] {
        if let (members, counts, _) = inOrder(zip(keys, weights), ageOn: ageOn) {
            return breakdownRows(measure: measure, members, weights: counts)
        }
        var records: [String: Int] = [:]
        for (k, n) in zip(keys, weights) { records[k, default: 0] += n }
        return counted(measure, records: records, ageOn: ageOn)
    }

    /// A count of records with the standard breakdowns: each child with how many records are
    /// theirs (`records`), aged on `ageOn`. Children not in the run are left out.
    public func counted(_ measure: String, records: [String: Int], ageOn: LocalDate) -> [ReportRow] {
        if let (members, weights, _) = inOrder(records.lazy.map { ($0.key, $0.value) }, ageOn: ageOn) {
            return breakdownRows(measure: measure, members, weights: weights)
        }
        var members: [(ChildFacts, LocalDate)] = [], weights: [Int] = []
        members.reserveCapacity(records.count)
        weights.reserveCapacity(records.count)
        for (k, n) in records { if let c = child(k) { members.append((c, ageOn)); weights.append(n) } }
        return breakdownRows(measure: measure, members, weights: weights)
    }

    /// The children of `pairs` (a key and its records), each once with their records added up, in
    /// the order of their numbers, when the run numbered its children (else nil); `repeated`:
    /// whether a key came more than once. Children not in the run are left out. (In number order
    /// the children are met as they were read, and as they lie in memory: national contact
    /// attendance's figures took 65–77 ms where, met in a table's order, they took 150–175.)
    private func inOrder<S: Sequence>(_ pairs: S, ageOn: LocalDate) -> (
        members: [(ChildFacts, LocalDate)], weights: [Int], repeated: Bool
    )? where S.Element == (String, Int) {
        guard !numbered.isEmpty else { return nil }
        // Each child's records by number; -1: not met.
        var total = [Int](repeating: -1, count: numbered.count)
        var met = 0
        var repeated = false
        for (k, n) in pairs {
            guard let i = Self.number(k), i < numbered.count, numbered[i] != nil else { continue }
            if total[i] < 0 {
                total[i] = n
                met += 1
            } else {
                total[i] += n
                repeated = true
            }
        }
        var members: [(ChildFacts, LocalDate)] = [], weights: [Int] = []
        members.reserveCapacity(met)
        weights.reserveCapacity(met)
        for i in total.indices where total[i] >= 0 {
            if let c = numbered[i] {
                members.append((c, ageOn))
                weights.append(total[i])
            }
        }
        return (members, weights, repeated)
    }
}

/// A mark (up to eight flags) on each of a run's children, for a pass over hundreds of thousands
/// of records noting which children they name: each child found by number when the run numbered
/// its children (`ReportFacts.child`), else by key. Children not in the run are not marked.
public struct ChildMarks {
    private let facts: ReportFacts
    private var byNumber: [UInt8]
    private var byKey: [String: UInt8] = [:]

    public init(_ f: ReportFacts) {
        facts = f
        byNumber = [UInt8](repeating: 0, count: f.numbered.count)
    }

    /// Adds `flags` to the mark of the child with this key; false when the child is not in the run.
    @discardableResult
    public mutating func mark(_ key: String, _ flags: UInt8 = 1) -> Bool {
        if !byNumber.isEmpty {
            guard let n = ReportFacts.number(key), n < byNumber.count, facts.numbered[n] != nil else { return false }
            byNumber[n] |= flags
            return true
        }
        guard facts.children[key] != nil else { return false }
        byKey[key, default: 0] |= flags
        return true
    }

    /// The mark of the child with this key (0: none).
    public func mark(of key: String) -> UInt8 {
        if !byNumber.isEmpty {
            guard let n = ReportFacts.number(key), n < byNumber.count else { return 0 }
            return byNumber[n]
        }
        return byKey[key] ?? 0
    }

    /// The children marked, each once with their mark, in no particular order.
    public var marked: [(child: ChildFacts, mark: UInt8)] {
        var out: [(child: ChildFacts, mark: UInt8)] = []
        if !byNumber.isEmpty {
            for n in byNumber.indices where byNumber[n] != 0 { if let c = facts.numbered[n] { out.append((c, byNumber[n])) } }
        } else {
            for (k, m) in byKey where m != 0 { if let c = facts.children[k] { out.append((c, m)) } }
        }
        return out
    }
}

public struct ReportResult: Sendable {
    public let rows: [ReportRow]
    public let notes: [String]
    public init(rows: [ReportRow], notes: [String]) {
        self.rows = rows
        self.notes = notes
    }
}

/// `reoffending` (domain.md): a local proven reoffending measure from the service's own records.
public enum Reoffending {
    public static let name = "reoffending"

    public struct Member: Sendable {
        public let child: String
        public let indexDate: LocalDate
        public let reoffences: Int
    }

    /// The cohort of a period and each member's proven reoffences.
    public static func cohort(_ f: ReportFacts, period: ReportPeriod) -> [Member] {
        var index: [String: LocalDate] = [:]
        for o in f.offences {
            // The cohort is of the run's own outcomes; reoffences are counted wherever recorded.
            guard o.inRun, let t = f.outcomes[o.outcome], t.countsAsEntry, let d = o.outcomeDate, period.contains(d),
                let c = f.child(o.child)
            else { continue }
            // The cohort's proven outcomes are for offences committed aged 10–17 (domain.md).
            guard (10...17).contains(c.dateOfBirth.age(on: o.offenceDate)) else { continue }
            if let e = index[o.child], e <= d { continue }
            index[o.child] = d
        }
        var reoffences: [String: Int] = [:]
        for o in f.offences {
            guard let i = index[o.child], let t = f.outcomes[o.outcome], t.countsAsEntry, let outcomeDate = o.outcomeDate else { continue }
            if o.offenceDate > i && o.offenceDate <= i.adding(months: 12) && outcomeDate <= i.adding(months: 18) {
                reoffences[o.child, default: 0] += 1
            }
        }
        return index.map { Member(child: $0.key, indexDate: $0.value, reoffences: reoffences[$0.key] ?? 0) }.sorted { $0.child < $1.child }
    }

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        let members = cohort(f, period: period)
        let pairs = members.compactMap { m in f.child(m.child).map { ($0, m.indexDate) } }
        let reoffenders = members.filter { $0.reoffences > 0 }
        let repairs = reoffenders.compactMap { m in f.child(m.child).map { ($0, m.indexDate) } }
        var rows = breakdownRows(measure: "cohort", pairs)
        rows += breakdownRows(measure: "reoffenders", repairs)
        let total = members.map(\.reoffences).reduce(0, +)
        if !members.isEmpty {
            rows.append(
                ReportRow(
                    measure: "binary_rate", rate: Rounding.round(Double(reoffenders.count) * 100 / Double(members.count), places: 1),
                    basis: [reoffenders.count, members.count], sources: ["reoffenders", "cohort"]))
            // The binary rate by sex, for the "this year / last year / difference" table.
            for sex in Sex.allCases {
                let c = pairs.filter { $0.0.sex == sex }.count
                guard c > 0 else { continue }
                let r = repairs.filter { $0.0.sex == sex }.count
                rows.append(
                    ReportRow(
                        measure: "binary_rate", breakdown: "sex", group: sex.rawValue,
                        rate: Rounding.round(Double(r) * 100 / Double(c), places: 1), basis: [r, c], sources: ["reoffenders", "cohort"]))
            }
        }
        // A count of reoffences, drillable to the reoffenders with how many each.
        rows += f.counted("reoffences", reoffenders.flatMap { repeatElement($0.child, count: $0.reoffences) }, ageOn: period.to)
        if !reoffenders.isEmpty {
            rows.append(
                ReportRow(
                    measure: "frequency_per_reoffender", rate: Rounding.round(Double(total) / Double(reoffenders.count), places: 2),
                    basis: [total, reoffenders.count], sources: ["reoffences", "reoffenders"]))
        }
        if !members.isEmpty {
            rows.append(
                ReportRow(
                    measure: "frequency_per_child", rate: Rounding.round(Double(total) / Double(members.count), places: 2),
                    basis: [total, members.count], sources: ["reoffences", "cohort"]))
        }
        var notes = [
            "Local proven reoffending, computed from this service's own records; the published figures use police national records, so they can differ."
        ]
        if period.to.adding(months: 18) > f.today {
            notes.append(
                "The follow-up is incomplete: children whose index date is after \(f.today.adding(months: -18).longFormat) have not had their full 12 months plus the 6-month waiting period."
            )
        }
        return ReportResult(rows: rows, notes: notes)
    }
}

/// `custody` (domain.md): custodial sentences, the custody rate, remands and breaches.
public enum Custody {
    public static let name = "custody"

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // Custodial outcomes dated in the period, for offences committed aged 10–17 (domain.md).
        var sentences: [String] = []
        var children: [String: LocalDate] = [:]
        for o in f.offences {
            guard o.inRun, let t = f.outcomes[o.outcome], t.custodial, let d = o.outcomeDate, period.contains(d),
                let c = f.child(o.child)
            else { continue }
            guard (10...17).contains(c.dateOfBirth.age(on: o.offenceDate)) else { continue }
            sentences.append(o.child)
            if let e = children[o.child], e <= d { continue }
            children[o.child] = d
        }
        // A count of outcomes, drillable to the children with how many each.
        var rows = f.counted("custodial_sentences", sentences, ageOn: period.to)
        rows += breakdownRows(measure: "children_sentenced_to_custody", children.compactMap { k, d in f.child(k).map { ($0, d) } })
        var notes: [String] = []
        if let pop = f.population.total(period.from.year) {
            rows.append(
                ReportRow(
                    measure: "custody_rate_per_1000", rate: Rounding.round(Double(children.count) * 1_000 / Double(pop), places: 2),
                    basis: [children.count], sources: ["children_sentenced_to_custody"]))
        } else {
            notes.append(f.population.missing(period.from.year, "the custody rate per 1,000 is"))
        }
        let remands = f.interventions.filter { $0.type == .remand && period.contains($0.start) && f.child($0.child) != nil }
        rows += f.counted("remands", remands.map(\.child), ageOn: period.to)
        let breaches = f.breaches.filter { period.contains($0.startedOn) && f.child($0.child) != nil }
        rows += f.counted("breaches", breaches.map(\.child), ageOn: period.to)
        return ReportResult(rows: rows, notes: notes)
    }
}

/// `diversion-outcomes` (domain.md): children supported by prevention and diversion, how many
/// later became first time entrants within 12 months, and referrals screened out.
public enum DiversionOutcomes {
    public static let name = "diversion-outcomes"
    static let types: Set<InterventionType> = [.prevention, .turnaround, .diversion, .outcome22]

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // Each child's first diversion or prevention intervention, and each child's entry: worked
        // out on two cores at once (each reads its own records).
        let (first, entries) = concurrently(
            { () -> [String: LocalDate] in
                // Each child's earliest start in the period (domain.md: episodes before the period do
                // not stop a child counting).
                var first: [String: LocalDate] = [:]
                first.reserveCapacity(f.children.count)
                for i in f.interventions where types.contains(i.type) && period.contains(i.start) {
                    first[i.child] = min(first[i.child] ?? i.start, i.start)
                }
                return first
            },
            {
                FirstTimeEntrants.entries(f)
            })
        var supported: [(ChildFacts, LocalDate)] = []
        for (k, d) in first where period.contains(d) { if let c = f.child(k) { supported.append((c, d)) } }
        let became = supported.filter { c, index in
            guard let e = entries[c.key] else { return false }
            return e.outcomeDate > index && e.outcomeDate <= index.adding(months: 12)
        }
        var rows = breakdownRows(measure: "supported", supported)
        rows += breakdownRows(measure: "became_fte", became)
        let out = f.referrals.filter {
            $0.decision == "screened_out" && $0.decidedOn.map(period.contains) == true && f.child($0.child) != nil
        }
        rows += f.counted("screened_out", out.map(\.child), ageOn: period.to)
        for (dest, refs) in Dictionary(grouping: out, by: { $0.destination ?? "not_recorded" }).sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "screened_out", breakdown: "destination", group: dest, count: refs.map(\.child)))
        }
        var notes: [String] = []
        if period.to.adding(months: 12) > f.today {
            notes.append(
                "Children supported after \(f.today.adding(months: -12).longFormat) have not yet had 12 months in which to become first time entrants."
            )
        }
        return ReportResult(rows: rows, notes: notes)
    }
}

/// `screening` (domain.md): referrals by source, decisions by decision, median working days to decide.
public enum Screening {
    public static let name = "screening"

    public static func compute(_ f: ReportFacts, period: ReportPeriod) -> ReportResult {
        // One pass over the referrals (a national year is over a hundred thousand).
        var received: [String] = [], decided: [String] = [], bySource: [String: [String]] = [:], byDecision: [String: [String]] = [:]
        var days: [Int] = []
        for r in f.referrals {
            let isReceived = period.contains(r.receivedOn)
            let decidedOn = r.decision != "pending" ? r.decidedOn.flatMap { period.contains($0) ? $0 : nil } : nil
            guard isReceived || decidedOn != nil, f.child(r.child) != nil else { continue }
            if isReceived {
                received.append(r.child)
                bySource[r.source, default: []].append(r.child)
            }
            if let decidedOn {
                decided.append(r.child)
                byDecision[r.decision, default: []].append(r.child)
                days.append(r.receivedOn <= decidedOn ? f.calendar.workingDays(from: r.receivedOn, to: decidedOn) : 0)
            }
        }
        var rows = f.counted("referrals", received, ageOn: period.to)
        for (source, children) in bySource.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "referrals", breakdown: "source", group: source, count: children))
        }
        rows += f.counted("decisions", decided, ageOn: period.to)
        for (decision, children) in byDecision.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow(measure: "decisions", breakdown: "decision", group: decision, count: children))
        }
        days.sort()
        if !days.isEmpty {
            let median = days.count % 2 == 1 ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
            rows.append(
                ReportRow(
                    measure: "median_working_days_to_decision", rate: Rounding.round(median, places: 1), basis: [days.count],
                    sources: ["decisions"]))
        }
        return ReportResult(rows: rows, notes: [])
    }
}

/// The reports `waypoint report` and the web pages know, with their definitions in words.
public struct ReportDefinition: Sendable {
    public let name: String
    public let title: String
    public let summary: String
    public let definition: [String]
    public let measures: [(name: String, label: String)]
    /// What the runner must load beyond children, offences and population.
    public var needs: Set<ReportNeed> = []
    /// The children the report can count in a period: those with at least one of these. The runner
    /// reads only them (and all their records), so a report reads a year's children, not every
    /// child ever. Empty: every child with a record the report reads.
    public var scope: [ReportScope] = []
    public let compute: @Sendable (ReportFacts, ReportPeriod) -> ReportResult

    public init(
        name: String, title: String, summary: String, definition: [String], measures: [(name: String, label: String)],
        needs: Set<ReportNeed> = [], scope: [ReportScope] = [], compute: @escaping @Sendable (ReportFacts, ReportPeriod) -> ReportResult
    ) {
        self.name = name
        self.title = title
        self.summary = summary
        self.definition = definition
        self.measures = measures
        self.needs = needs
        self.scope = scope
        self.compute = compute
    }
}

/// One way a child can come into a report for a period. Each must be wide enough: a child the
/// report counts has at least one of its report's scopes (a test runs every report with and
/// without them and compares).
public enum ReportScope: Hashable, Sendable {
    /// An offence with an outcome dated in the period.
    case outcomeIn
    /// An offence committed in the period.
    case offenceIn
    /// An intervention (of these types; nil for any) open at some point in the period.
    case interventionOverlaps
    /// An intervention of these types starting in the period.
    case interventionStartsIn([InterventionType])
    /// An intervention open on the last day of the period.
    case interventionOpenAtEnd
    case referralReceivedIn
    case referralDecidedIn
    /// A start assessment submitted in the period.
    case assessmentSubmittedIn
    /// A practice record of this kind dated in the period (by its report date).
    case practiceIn(RecordKind)
    /// A joint out-of-court panel's decision dated in the period.
    case panelDecisionIn
    /// A decision with a scrutiny finding from a scrutiny panel held in the period.
    case scrutinyIn
}

public enum ReportNeed: Hashable, Sendable {
    case offences, interventions, referrals, calendar, assessments, populationCells, workers
    /// Contacts in the period, counted per child (`ContactTally`).
    case contactTallies
    /// Management board meetings in the period, with attendance by agency (KPI 7).
    case boardMeetings
    /// Joint out-of-court panels' decisions and scrutiny findings.
    case panelDecisions
    case practice(RecordKind)
}

public enum ReportCatalogue {
    public static let all: [ReportDefinition] =
        [
            ReportDefinition(
                name: FirstTimeEntrants.name, title: "First time entrants",
                summary:
                    "Children entering the justice system for the first time (a youth caution, conditional caution or conviction), by disposal, with the rate per 100,000 children aged 10–17.",
                definition: [
                    "A child's entry to the justice system is their first-ever outcome that counts as an entry — a youth caution, a youth conditional caution or a conviction — dated by the outcome date, where the child was aged 10 to 17 on the offence date. A child is a first time entrant in the period when that entry's outcome date falls in it (both dates included). Outcomes that do not count, such as a community resolution, Outcome 22 or no further action, never make a child an entrant. Ages are on the offence date.",
                    "The rate is first time entrants × 100,000 ÷ the service's population aged 10 to 17 for the calendar year in which the period starts (ONS mid-year estimates uploaded by an administrator). Rates are rounded half away from zero to one decimal place. These local figures come from this service's own records and can differ from the published national statistics, which use police records."
                ],
                measures: [("first_time_entrants", "First time entrants"), ("fte_rate_per_100k", "Rate per 100,000 children aged 10–17")],
                needs: [.offences], scope: [.outcomeIn],
                compute: { f, p in
                    let r = FirstTimeEntrants.compute(f, period: p)
                    return ReportResult(rows: r.rows, notes: r.notes)
                }),
            ReportDefinition(
                name: Reoffending.name, title: "Reoffending",
                summary:
                    "Local proven reoffending of the children with a proven outcome in the period: the binary rate and the frequency, with this year against last year by sex.",
                definition: [
                    "Cohort: children with a proven outcome (a caution, conditional caution or conviction) dated in the period, for an offence committed aged 10 to 17. A child's index date is their first such outcome date in the period.",
                    "A reoffence is an offence committed in the 12 months after the index date that received a proven outcome dated no later than 18 months after the index date (a 6-month waiting period).",
                    "Binary rate: reoffenders ÷ cohort × 100, to one decimal place. Frequency: reoffences ÷ reoffenders and reoffences ÷ cohort, to two.",
                    "Official statistics take this from police national records in quarterly cohorts; this is computed from the service's own records, so figures can differ from the published ones."
                ],
                measures: [
                    ("cohort", "Children in the cohort"), ("reoffenders", "Children who reoffended"),
                    ("binary_rate", "Binary reoffending rate (%)"),
                    ("reoffences", "Reoffences"), ("frequency_per_reoffender", "Reoffences per reoffender"),
                    ("frequency_per_child", "Reoffences per child in the cohort")
                ],
                needs: [.offences], scope: [.outcomeIn], compute: Reoffending.compute),
            ReportDefinition(
                name: Custody.name, title: "Custody, remands and breaches",
                summary:
                    "Custodial sentences and the children sentenced to custody, the rate per 1,000 children aged 10–17, remands starting and breach actions on statutory orders.",
                definition: [
                    "Custodial sentences: outcomes marked custodial dated in the period, for offences committed aged 10 to 17 (a count of outcomes; its list shows how many each child had). Children sentenced to custody: the children behind them.",
                    "Custody rate: children sentenced to custody × 1,000 ÷ the population aged 10–17 for the calendar year in which the period starts, to two decimal places.",
                    "Remands: remand interventions starting in the period. Breaches: breach actions started in the period on statutory orders."
                ],
                measures: [
                    ("custodial_sentences", "Custodial sentences"), ("children_sentenced_to_custody", "Children sentenced to custody"),
                    ("custody_rate_per_1000", "Rate per 1,000 children aged 10–17"), ("remands", "Remands"), ("breaches", "Breach actions")
                ],
                needs: [.offences, .interventions, .practice(.breach)],
                scope: [.outcomeIn, .interventionStartsIn([.remand]), .practiceIn(.breach)], compute: Custody.compute),
            ReportDefinition(
                name: DiversionOutcomes.name, title: "Diversion and prevention outcomes",
                summary:
                    "Children supported by prevention and diversion, how many became first time entrants within 12 months, and referrals screened out by destination.",
                definition: [
                    "Supported: children with at least one prevention, Turnaround, diversion or Outcome 22 intervention starting in the period; the earliest such start in the period is their index date (earlier episodes before the period do not stop a child counting).",
                    "Became a first time entrant: of those, children whose entry (as in First time entrants) is dated after the index date and within 12 months of it.",
                    "Screened out: referrals decided as screened out in the period, by the destination recorded."
                ],
                measures: [
                    ("supported", "Children supported"), ("became_fte", "Became first time entrants within 12 months"),
                    ("screened_out", "Referrals screened out")
                ],
                needs: [.offences, .interventions, .referrals],
                scope: [.interventionStartsIn(Array(DiversionOutcomes.types).sorted { $0.rawValue < $1.rawValue }), .referralDecidedIn],
                compute: DiversionOutcomes.compute),
            ReportDefinition(
                name: Screening.name, title: "Referrals and screening",
                summary: "Referrals received by source, screening decisions made, and the median working days from referral to decision.",
                definition: [
                    "Referrals: received in the period, by source. Decisions: screening decisions made in the period, by decision.",
                    "Median working days to decision: for the decisions made in the period, from the day the referral was received to the day it was decided, skipping weekends and England and Wales bank holidays."
                ],
                measures: [
                    ("referrals", "Referrals received"), ("decisions", "Decisions made"),
                    ("median_working_days_to_decision", "Median working days to decision")
                ],
                needs: [.referrals, .calendar], scope: [.referralReceivedIn, .referralDecidedIn], compute: Screening.compute)
        ] + PracticeReports.definitions + [ChildrenInCare.definition, OutOfCourtDecisions.definition]

    public static func named(_ name: String) -> ReportDefinition? { all.first { $0.name == name } }
}
