import Foundation

/// One figure of a report: a measure, broken down (or "all"), with the children behind it.
public struct ReportRow: Equatable, Sendable {
    public let measure: String
    public let breakdown: String
    public let group: String
    public let value: Double
    /// Whether `value` is a count (printed as an integer) or a rate/ratio.
    public let isCount: Bool
    /// The children behind a count, as held (`Held`); nil for rates and ratios.
    private let held: Held?
    /// The children behind a count, in no particular order (sorted only when asked for: a
    /// national report has hundreds of thousands and a page needs none of them); with `weights`,
    /// each that many times (a year's contacts are a million records of a hundred thousand children:
    /// each child is held once with their number, not once per record).
    var keys: [String]? { lists?.keys }
    /// How many records each of `keys` counts for; nil: one each.
    var weights: [Int]? { lists?.weights }
    /// `keys` and `weights` together (a group of a breakdown finds both at once).
    private var lists: (keys: [String], weights: [Int]?)? {
        switch held {
        case nil: nil
        case .listed(let keys, let weights): (keys, weights)
        case .grouped(let grouping, let group): grouping.lists(of: group)
        }
    }
    /// Waypoint's id of each key, when the run numbered its children (`ChildFacts.key`): shared by
    /// every row of the run and used only when a row's children are asked for (a national run's
    /// rows hold tens of millions of keys; a page shows none of them).
    private var names: ChildNames? = nil
    /// Waypoint's id of the child with this key.
    private func id(_ key: String) -> String { names?.id(of: key) ?? key }
    /// The children behind a count, a child once per record counted; nil for rates and ratios.
    var members: [String]? {
        guard let (keys, weights) = lists else { return nil }
        guard let weights else { return keys.map(id) }
        return zip(keys, weights).flatMap { repeatElement(id($0), count: $1) }
    }
    /// The children behind a count by Waypoint's id, each once, sorted; nil for rates and ratios.
    public var children: [String]? { keys.map { Set($0).map(id).sorted() } }
    /// Whether the count is of records (contacts, offences, interventions…) of which a child can
    /// have several, so the figure can exceed the number of children behind it.
    public var countsRecords: Bool { keys.map { Set($0).count != Int(value) } ?? false }
    /// How many of the counted records are each child's, by Waypoint's id (the drill-down shows it
    /// when a child has several).
    public var recordsByChild: [String: Int] {
        var n: [String: Int] = [:]
        let (keys, weights) = lists ?? ([], nil)
        for (i, k) in keys.enumerated() { n[k, default: 0] += weights?[i] ?? 1 }
        guard names != nil else { return n }
        return Dictionary(uniqueKeysWithValues: n.map { (id($0.key), $0.value) })
    }

    public init(measure: String, breakdown: String = "all", group: String = "all", count children: [String]) {
        self.measure = measure
        self.breakdown = breakdown
        self.group = group
        self.value = Double(children.count)
        self.isCount = true
        self.held = .listed(children, weights: nil)
    }

    /// A count of records: each of `children` counted `weights` times (in the same order).
    public init(measure: String, breakdown: String = "all", group: String = "all", count children: [String], weights: [Int]) {
        precondition(children.count == weights.count, "a weight for each child")
        self.measure = measure
        self.breakdown = breakdown
        self.group = group
        self.value = Double(weights.reduce(0, +))
        self.isCount = true
        self.held = .listed(children, weights: weights)
    }

    /// A count of one group of a breakdown (`breakdownRows`): `value` children or records, of the
    /// group numbered `group` in `grouping`.
    init(measure: String, breakdown: String, group: String, grouping: Grouping, number: Int32, value: Int) {
        self.measure = measure
        self.breakdown = breakdown
        self.group = group
        self.value = Double(value)
        self.isCount = true
        self.held = .grouped(grouping, group: number)
    }

    /// The same figure, its children's keys named by Waypoint's ids through `names` (the run's table).
    public func named(_ names: ChildNames) -> ReportRow {
        var row = self
        row.names = names
        return row
    }

    public static func == (a: ReportRow, b: ReportRow) -> Bool {
        a.measure == b.measure && a.breakdown == b.breakdown && a.group == b.group && a.value == b.value && a.isCount == b.isCount
            && a.withheld == b.withheld && (a.held == nil) == (b.held == nil) && a.recordsByChild == b.recordsByChild
    }

    /// A rate, ratio or mean. `basis`: the counts of children or records it is worked out from
    /// (numerator and denominator, or how many were averaged); empty when it is not about
    /// children (meetings, workers, population). `sources`: the count measures of the same
    /// breakdown and group it is worked out from. Disclosure control withholds the rate with them.
    public init(measure: String, breakdown: String = "all", group: String = "all", rate: Double, basis: [Int] = [], sources: [String] = [])
    {
        self.measure = measure
        self.breakdown = breakdown
        self.group = group
        self.value = rate
        self.isCount = false
        self.held = nil
        self.basis = basis
        self.sources = sources
    }

    /// A figure withheld by disclosure control (`Disclosure`): no value, no children.
    public static func withheld(_ r: ReportRow) -> ReportRow {
        var w =
            r.isCount
            ? ReportRow(measure: r.measure, breakdown: r.breakdown, group: r.group, count: [])
            : ReportRow(measure: r.measure, breakdown: r.breakdown, group: r.group, rate: 0)
        w.withheld = true
        return w
    }

    public var basis: [Int] = []
    public var sources: [String] = []
    /// Withheld from the reader by disclosure control: printed as `Disclosure.marker`.
    public private(set) var withheld = false

    /// The value as printed: integers for counts; rates as rounded; `[c]` when withheld.
    public var formatted: String {
        if withheld { return Disclosure.marker }
        if isCount { return String(Int(value)) }
        return Rounding.format(value)
    }
}

/// How a count holds its children: listed, or as one group of a breakdown whose groups share the
/// cohort's one list (`Grouping`). A national cohort's eight breakdowns were eight more lists of
/// every child, made for each count (tens of megabytes of fresh memory, each page of it zeroed by
/// the kernel: in `perf`, half the time of the breakdowns), where a page shows none of them.
enum Held: Sendable {
    case listed([String], weights: [Int]?)
    case grouped(Grouping, group: Int32)
}

/// A cohort's children (with their numbers of records, for a count of records) and each one's
/// group in one breakdown, by number: each group's row finds its children here when asked for
/// (a drill-down, a download, a saved report).
final class Grouping: Sendable {
    let keys: [String]
    let weights: [Int]?
    let groupOf: [Int32]

    init(keys: [String], weights: [Int]?, groupOf: [Int32]) {
        self.keys = keys
        self.weights = weights
        self.groupOf = groupOf
    }

    /// The children of group `g`, and their numbers of records.
    func lists(of g: Int32) -> (keys: [String], weights: [Int]?) {
        var picked: [String] = []
        var counts: [Int]? = weights == nil ? nil : []
        for m in groupOf.indices where groupOf[m] == g {
            picked.append(keys[m])
            if let weights { counts?.append(weights[m]) }
        }
        return (picked, counts)
    }
}

public struct ReportPeriod: Equatable, Sendable {
    public let from: LocalDate
    public let to: LocalDate
    public init?(from: LocalDate, to: LocalDate) {
        guard from <= to else { return nil }
        self.from = from
        self.to = to
    }
    public func contains(_ d: LocalDate) -> Bool { d >= from && d <= to }
}

/// domain.md: rates per 100,000 and percentages to one decimal place, rates per 1,000, ratios and
/// frequencies to two — rounded half away from zero.
public enum Rounding {
    public static func round(_ x: Double, places: Int) -> Double {
        let f = pow(10.0, Double(places))
        // Work on the decimal text to avoid binary artefacts (2.675 must round to 2.68).
        let scaled = (Decimal(string: "\(x)") ?? Decimal(x)) * Decimal(f)
        var rounded = Decimal()
        var s = scaled
        NSDecimalRound(&rounded, &s, 0, .plain)  // .plain rounds half away from zero
        // Through the decimal text: the nearest double to 0.33 is what 0.33 parses to.
        let result = NSDecimalNumber(decimal: rounded / Decimal(f))
        return Double(result.stringValue) ?? result.doubleValue
    }

    public static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        var s = String(format: "%.2f", x)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

/// The children of a run by the key the run gave each (`ChildFacts.key`), and by Waypoint's id
/// (made the first time it is asked for: a page of figures needs neither).
public final class ChildNames: @unchecked Sendable {
    public let byKey: [String: ChildFacts]
    private var ids: [String: ChildFacts]? = nil
    private let lock = NSLock()

    public init(_ byKey: [String: ChildFacts]) { self.byKey = byKey }

    public func id(of key: String) -> String? { byKey[key]?.id }

    /// The run's children by Waypoint's id.
    public var byID: [String: ChildFacts] {
        lock.lock()
        defer { lock.unlock() }
        if let ids { return ids }
        var made: [String: ChildFacts] = [:]
        made.reserveCapacity(byKey.count)
        for c in byKey.values { made[c.id] = c }
        ids = made
        return made
    }
}

/// The facts about a child that reports break figures down by.
///
/// A class, not a struct: reports copy children into many lists (cohorts, groups, members) and a
/// national report has over a hundred thousand; a reference copies as one count, not ten fields.
/// Only the runner sets `team`, while loading, before any report reads it.
public final class ChildFacts: @unchecked Sendable {
    /// What every calculation keys the child by: Waypoint's own id, or a shorter name for it that a
    /// run gives each of its children (two services can both hold a "C00001", so never the external
    /// id). The report runner numbers its children: a number of up to 15 digits is held inline in a
    /// `String`, where an id is 36 characters on the heap, and a national run hashes, compares,
    /// retains and releases keys millions of times.
    public let key: String
    /// Waypoint's own id of the child (lower case): `key` unless the run numbered its children.
    public let id: String
    /// How lists show the child: the external id where known, else the internal id.
    public let label: String
    public let service: String  // service code
    public let dateOfBirth: LocalDate
    public let sex: Sex
    public let ethnicityGroup: EthnicityGroup
    public let careStatus: CareStatus
    public let send: YesNo?
    public let ehcp: YesNo?
    public let district: String?
    /// The team of the child's case manager (latest allocated intervention), if any.
    public var team: String? = nil

    public init(
        key: String, id: String? = nil, label: String? = nil, service: String, dateOfBirth: LocalDate, sex: Sex,
        ethnicityGroup: EthnicityGroup, careStatus: CareStatus,
        send: YesNo?, ehcp: YesNo?, district: String?
    ) {
        self.key = key
        self.id = id ?? key
        self.label = label ?? id ?? key
        self.service = service
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.ethnicityGroup = ethnicityGroup
        self.careStatus = careStatus
        self.send = send
        self.ehcp = ehcp
        self.district = district
    }

    /// The standard breakdowns of domain.md, in order.
    public static let breakdowns = ["sex", "age", "ethnicity", "care_status", "send", "ehcp", "district", "team"]

    /// The child's group in the standard breakdown at `index` of `breakdowns`, aged on `ageOn`.
    public func group(_ index: Int, ageOn: LocalDate) -> String {
        switch index {
        case 0: sex.rawValue
        case 1: ChildFacts.ageLabel(dateOfBirth.age(on: ageOn))
        case 2: ethnicityGroup.rawValue
        case 3: careStatus.rawValue
        case 4: send?.rawValue ?? "not_recorded"
        case 5: ehcp?.rawValue ?? "not_recorded"
        case 6: district ?? "not_recorded"
        default: team ?? "not_allocated"
        }
    }

    /// The child's group in the standard breakdown at `index` as a number below `smallGroups`,
    /// for those with few groups (sex, age, ethnicity, care status, SEND and EHCP): a cohort's
    /// children are numbered by these without their groups' names hashed (`breakdownRows`). Nil for
    /// district and team, and an age outside 0–199.
    /// (Each case numbered by a `switch`: a type's `allCases` is one list that every core's call
    /// counts a reference to, and in `perf` those counts were a quarter of the pass.)
    func smallGroup(_ index: Int, ageOn: LocalDate) -> Int? {
        func number(_ v: YesNo?) -> Int {
            switch v {
            case .yes: 0
            case .no: 1
            case nil: 2
            }
        }
        switch index {
        case 0:
            switch sex {
            case .female: return 0
            case .male: return 1
            case .other: return 2
            case .unknown: return 3
            }
        case 1:
            let age = dateOfBirth.age(on: ageOn)
            return age >= 0 && age < 200 ? age : nil
        case 2:
            switch ethnicityGroup {
            case .white: return 0
            case .mixed: return 1
            case .asian: return 2
            case .black: return 3
            case .other: return 4
            case .unknown: return 5
            }
        case 3:
            switch careStatus {
            case .none: return 0
            case .lookedAfter: return 1
            case .careLeaver: return 2
            }
        case 4: return number(send)
        case 5: return number(ehcp)
        default: return nil
        }
    }
    /// How many numbers `smallGroup` gives at most in one breakdown.
    static let smallGroups = 200

    /// An age as its group's name (the usual ages made once: a national cohort asks for each
    /// child's, measure after measure).
    private static func ageLabel(_ age: Int) -> String { age >= 0 && age < ages.count ? ages[age] : String(age) }
    private static let ages = (0..<30).map { String($0) }
}

public struct OffenceFacts: Sendable {
    public var child: String
    public let offenceDate: LocalDate
    public let outcome: String
    public let outcomeDate: LocalDate?
    public var category: String?
    public var gravity: Int?
    /// Recorded by one of the run's services. A run reads every offence of its children, whatever
    /// service recorded it: a child's first entry, reoffending and serious violence are the child's
    /// whole history; what the run itself counts (entries, outcomes, proven offences) is its own.
    public var inRun: Bool
    /// The offence's stored id (lower case), for records that name it; empty when not read.
    public var id: String = ""
    public init(
        child: String, offenceDate: LocalDate, outcome: String, outcomeDate: LocalDate?, category: String? = nil, gravity: Int? = nil,
        inRun: Bool = true
    ) {
        self.child = child
        self.inRun = inRun
        self.offenceDate = offenceDate
        self.outcome = outcome
        self.outcomeDate = outcomeDate
        self.category = category
        self.gravity = gravity
    }
}

/// Population aged 10–17 by year, of each service in the report.
///
/// domain.md, "Population coverage": a rate over several services uses the sum of their
/// populations for the year, and only when every service in the run has figures for that year;
/// otherwise no rate is shown and the note names the services without figures.
public struct Population: Sendable {
    /// Each service's population aged 10–17 by year (service code → year → count).
    public let byService: [String: [Int: Int]]
    /// The services of the run, each of which must have figures for a rate.
    public let services: [String]
    /// Why no population applies (e.g. a team's figures: population is known per service only).
    public let withheld: String?

    public init(byService: [String: [Int: Int]], services: [String], withheld: String? = nil) {
        self.byService = withheld == nil ? byService : [:]
        self.services = services
        self.withheld = withheld
    }

    /// One service's figures (tests and single-service runs).
    public init(byYear: [Int: Int], withheld: String? = nil) {
        self.init(byService: ["": byYear], services: [""], withheld: withheld)
    }

    /// The services of the run without figures for `year`.
    public func without(_ year: Int) -> [String] {
        services.filter { (byService[$0]?[year] ?? 0) <= 0 }
    }

    /// The population of every service in the run for `year`; nil unless every one has figures.
    public func total(_ year: Int) -> Int? {
        guard withheld == nil, !services.isEmpty, without(year).isEmpty else { return nil }
        return services.reduce(0) { $0 + (byService[$1]?[year] ?? 0) }
    }

    /// The note a report shows when it cannot give `what` for `year`.
    public func missing(_ year: Int, _ what: String) -> String {
        if let withheld { return "\(withheld): \(what) not shown." }
        let lacking = without(year).filter { !$0.isEmpty }
        if lacking.isEmpty || services.count <= 1 {
            return "No population figures for \(year): \(what) not shown. An administrator can upload population.csv."
        }
        return
            "No population figures for \(year) for \(lacking.joined(separator: ", ")): \(what) not shown, because a rate over several services needs every one's population. An administrator can upload population.csv."
    }
}

/// Builds count rows for "all" and each breakdown group from (child, age-on date) pairs.
/// `weights`: for a count of records, how many each member has (a child once with their number
/// of records, rather than once per record: a year of contacts nationally is over a million).
/// `extra`: breakdowns of the report's own, before the standard ones.
public func breakdownRows(
    measure: String, _ members: [(ChildFacts, LocalDate)], extra: [(String, (ChildFacts, LocalDate) -> String)] = [],
    weights: [Int]? = nil
) -> [ReportRow] {
    let allKeys = members.map(\.0.key)
    var rows = [weights.map { ReportRow(measure: measure, count: allKeys, weights: $0) } ?? ReportRow(measure: measure, count: allKeys)]
    let names = extra.map(\.0) + ChildFacts.breakdowns
    let width = names.count
    let count = members.count
    // First each member's group in every breakdown, member by member (each child's facts read once,
    // while in cache), numbered in the order first met. A national cohort is over a hundred
    // thousand children: they are then shared between the processor's cores, each numbering the
    // groups it meets, and the numbers made one after. (The standard groups are found without a
    // call through a closure: in `perf` a quarter of the old tabulation's time went to counting
    // references to objects both cores shared, its closures among them.)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let parts = count >= 20_000 && cores > 1 ? cores : 1
    let size = (count + parts - 1) / parts
    var codes = [Int32](repeating: 0, count: count * width)
    let found: [[[String]]] = codes.withUnsafeMutableBufferPointer { codes in
        members.withUnsafeBufferPointer { members in
            /// One part's groups in each breakdown, by their number in the part.
            func number(_ part: Int) -> [[String]] {
                var numbering = GroupNumbering(width: width, extra: extra)
                numbering.number(members, min(part * size, count)..<min((part + 1) * size, count), into: codes)
                return numbering.labels
            }
            return parts > 1 ? concurrentMap(parts, number) : [number(0)]
        }
    }
    // Then each breakdown's groups: counted, each row finding its children in the cohort's list
    // when asked for (`Grouping`).
    for b in 0..<width {
        // Each part's numbers as the breakdown's own.
        var numbers: [String: Int] = [:]
        var labels: [String] = []
        let renumber = found.map { part in
            part[b].map { g -> Int in
                if let n = numbers[g] { return n }
                numbers[g] = labels.count
                labels.append(g)
                return labels.count - 1
            }
        }
        // Each member's group, and each group's count (children, or their records).
        var groupOf = [Int32](repeating: 0, count: count)
        var sizes = [Int](repeating: 0, count: labels.count)
        for m in 0..<count {
            let g = renumber[m / size][Int(codes[m * width + b])]
            groupOf[m] = Int32(truncatingIfNeeded: g)
            sizes[g] += weights?[m] ?? 1
        }
        let grouping = Grouping(keys: allKeys, weights: weights, groupOf: groupOf)
        let order = labels.indices.sorted { x, y in
            if let p = Int(labels[x]), let q = Int(labels[y]) { return p < q }
            return labels[x] < labels[y]
        }
        for g in order {
            rows.append(
                ReportRow(
                    measure: measure, breakdown: names[b], group: labels[g], grouping: grouping, number: Int32(truncatingIfNeeded: g),
                    value: sizes[g]))
        }
    }
    return rows
}

/// The first pass of `breakdownRows` over one part of a cohort: each member's group in each
/// breakdown, numbered in the order first met (its own state only, so that each core numbers
/// its part with nothing shared but what it reads).
private struct GroupNumbering {
    let width: Int
    let extra: [(String, (ChildFacts, LocalDate) -> String)]
    /// Each breakdown's groups met so far, by name and in order.
    var numbers: [[String: Int32]]
    var labels: [[String]]
    /// The groups met by their small number (`ChildFacts.smallGroup`), each breakdown's in a row of
    /// its own: the group's number, or -1 before it is met. (Hashing each member's group names,
    /// breakdown by breakdown, was most of this pass.)
    var small: [Int32]

    init(width: Int, extra: [(String, (ChildFacts, LocalDate) -> String)]) {
        self.width = width
        self.extra = extra
        numbers = Array(repeating: [:], count: width)
        labels = Array(repeating: [], count: width)
        small = Array(repeating: -1, count: width * ChildFacts.smallGroups)
    }

    /// The number of group `g` in breakdown `b`, numbering it when first met.
    mutating func met(_ g: String, _ b: Int) -> Int32 {
        if let known = numbers[b][g] { return known }
        let n = Int32(truncatingIfNeeded: labels[b].count)
        numbers[b][g] = n
        labels[b].append(g)
        return n
    }

    /// Writes the group numbers of `members[range]` into `codes` (`width` per member).
    mutating func number(
        _ members: UnsafeBufferPointer<(ChildFacts, LocalDate)>, _ range: Range<Int>, into codes: UnsafeMutableBufferPointer<Int32>
    ) {
        let row = ChildFacts.smallGroups
        let first = extra.count
        for m in range {
            let (c, d) = members[m]
            for b in 0..<width {
                if b >= first, let s = c.smallGroup(b - first, ageOn: d), s >= 0, s < row {
                    let slot = b * row + s
                    if small[slot] < 0 { small[slot] = met(c.group(b - first, ageOn: d), b) }
                    codes[m * width + b] = small[slot]
                } else {
                    codes[m * width + b] = met(b < first ? extra[b].1(c, d) : c.group(b - first, ageOn: d), b)
                }
            }
        }
    }
}

/// `work` for each of 0..<n, shared between the processor's cores; the results in order.
/// `work` must only read what it shares (each call makes its own result). (Public: the report
/// runner shares a large run's work the same way.)
public func concurrentMap<T>(_ n: Int, _ work: (Int) -> T) -> [T] {
    withoutActuallyEscaping(work) { work in
        let shared = ConcurrentResults(work, n)
        DispatchQueue.concurrentPerform(iterations: n) { i in shared.out[i] = shared.work(i) }
        return shared.take()
    }
}

/// `a` and `b` at the same time (when the processor has two cores or more), and both results.
/// Each must only read what it shares.
public func concurrently<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
    guard ProcessInfo.processInfo.activeProcessorCount > 1 else { return (a(), b()) }
    return withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            let results = concurrentMap(2) { i -> (A?, B?) in i == 0 ? (a(), nil) : (nil, b()) }
            return (results[0].0!, results[1].1!)
        }
    }
}

/// The work and the results of `concurrentMap`: each call writes its own slot.
private final class ConcurrentResults<T>: @unchecked Sendable {
    let work: (Int) -> T
    let n: Int
    let out: UnsafeMutablePointer<T?>
    init(_ work: @escaping (Int) -> T, _ n: Int) {
        self.work = work
        self.n = n
        out = .allocate(capacity: n)
        out.initialize(repeating: nil, count: n)
    }
    func take() -> [T] {
        let results = (0..<n).map { out[$0]! }
        out.deinitialize(count: n)
        out.deallocate()
        return results
    }
}
