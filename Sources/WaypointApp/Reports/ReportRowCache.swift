import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// What a national report run read of each child (their row, their interventions with who managed
/// them, their offences), kept for the next run with the child's `report_version` as it was read
/// (M0044: the database moves the number whenever the child or one of those records is written, by
/// anyone). A run over every service reads each child's number through its scope and reads again
/// only the children whose number has moved or who were never read; the rest it takes from here.
///
/// Numbers are read before the rows they guard: rows read after a change are at worst kept under
/// the number before it, and read again next time. Inside a transaction nothing is taken or kept
/// (it may yet be rolled back). Runs over some services read as they did (their reads are small).
///
/// What is kept is independent of the run: every intervention of the child in any service (a run
/// keeps those started by its day, `startedBy`), offences with their ids, and service codes as the
/// services were named when read (a change to the services moves `reference_version`, and
/// everything kept is let go).
final class ReportRowCache: @unchecked Sendable {
    /// One child's rows, keyed by nothing (a run gives them its own keys).
    struct Entry: Sendable {
        let version: Int
        let child: ChildFacts
        let interventions: [ReportRunner.Iv]
        let offences: [OffenceFacts]
    }

    /// The reference version the entries were read under (their service codes).
    private var reference: Int
    /// The children kept, in the order of their ids (`UUIDText.order`), and what is kept of each.
    /// (A scope's list is in that order too, `KeyMap.searchesInOrder`: the two are gone through
    /// side by side, with no table by id: 165,727 ids hashed and looked up took 95–107 ms.)
    private var order: [IDOrder] = []
    private var entries: [Entry] = []
    private let lock = NSLock()

    private init(reference: Int) { self.reference = reference }

    /// The rows kept for each database (by its epoch and where it is), the one last used last: a server has one
    /// database; tests make many, each with a handful of children, and at most 64 are kept.
    nonisolated(unsafe) private static var kept: [(epoch: String, cache: ReportRowCache)] = []
    private static let keptLock = NSLock()

    /// Whether runs keep and take rows (a test compares runs that do with runs that read everything).
    @TaskLocal static var keeping = true

    /// How many children the last run that kept rows read (not taken from here), for tests.
    var lastRead: Int { lock.withLock { readLast } }
    private var readLast = 0

    /// The cache for the database `db` is, with what it holds let go if the services have changed
    /// since; nil inside a transaction, before M0044, or when not `keeping`.
    static func cache(on db: Database) async throws -> ReportRowCache? {
        guard keeping, !db.inTransaction else { return nil }
        struct Row: Decodable { let epoch: String; let place: String; let reference: Int }
        // Which database this is: its epoch, and where it is (a database made as a copy of another,
        // as tests make theirs from a template, has the other's epoch and numbers, and is elsewhere).
        let place =
            db.sql.dialect.name == "postgresql"
            ? "(SELECT oid::text || ' ' || datname FROM pg_database WHERE datname = current_database())"
            : "(SELECT file FROM pragma_database_list WHERE name = 'main')"
        guard
            let found = try await db.sql.select().column("epoch").column(SQLRaw(place), as: "place")
                .column(SQLRaw("(SELECT n FROM reference_version)"), as: "reference").from("report_versions").first(decoding: Row.self)
        else { return nil }
        let row = (epoch: found.epoch + " " + found.place, reference: found.reference)
        return keptLock.withLock {
            if let i = kept.firstIndex(where: { $0.epoch == row.epoch }) {
                let cache = kept.remove(at: i).cache
                kept.append((row.epoch, cache))
                cache.lock.withLock {
                    if cache.reference != row.reference {
                        cache.order = []
                        cache.entries = []
                        cache.reference = row.reference
                    }
                }
                return cache
            }
            let cache = ReportRowCache(reference: row.reference)
            kept.append((row.epoch, cache))
            if kept.count > 64 { kept.removeFirst() }
            return cache
        }
    }

    /// How many children are kept (for tests and the benchmark).
    var count: Int { lock.withLock { entries.count } }

    /// Everything kept, as it is now (looked up with no lock held: one run's threads at once).
    func snapshot() -> Kept { lock.withLock { Kept(order: order, entries: entries) } }

    /// What is kept at one moment.
    struct Kept {
        let order: [IDOrder]
        let entries: [Entry]

        /// The entries of `ids` (in order, `ordered`: each is after the one before it), each where
        /// kept at the number `versions` gives it; nil where not.
        func entries(_ ids: ArraySlice<UUID>, versions: ArraySlice<Int?>, ordered: Bool) -> [Entry?] {
            var out = [Entry?](repeating: nil, count: ids.count)
            guard !order.isEmpty else { return out }
            // Where the first id is or would be, searched by halves; then, in order, each from the last.
            func search(_ o: IDOrder, from: Int) -> Int {
                var lower = from, upper = order.count
                while lower < upper {
                    let middle = lower + (upper - lower) / 2
                    if order[middle] < o { lower = middle + 1 } else { upper = middle }
                }
                return lower
            }
            var at = 0
            for (n, (id, v)) in zip(ids, versions).enumerated() {
                let o = UUIDText.order(id)
                if ordered {
                    // Mostly a step or two on (a national scope is over half of the children kept).
                    var steps = 0
                    while at < order.count, order[at] < o, steps < 8 {
                        at += 1
                        steps += 1
                    }
                    if at < order.count, order[at] < o { at = search(o, from: at) }
                } else {
                    at = search(o, from: 0)
                }
                guard at < order.count, order[at] == o, let v, entries[at].version == v else { continue }
                out[n] = entries[at]
            }
            return out
        }
    }

    /// Notes how many children a run read.
    func noteRead(_ n: Int) { lock.withLock { readLast = n } }

    /// Keeps these entries (in place of what was kept of the same children).
    func keep(_ new: [(UUID, Entry)]) {
        let added = new.map { (UUIDText.order($0.0), $0.1) }.sorted { $0.0 < $1.0 }
        lock.withLock {
            // The two lists, each in order, merged into one (a child in both takes the new entry).
            var order: [IDOrder] = [], entries: [Entry] = []
            order.reserveCapacity(self.order.count + added.count)
            entries.reserveCapacity(self.order.count + added.count)
            var i = 0, j = 0
            while i < self.order.count || j < added.count {
                if j < added.count, i == self.order.count || added[j].0 <= self.order[i] {
                    if i < self.order.count, added[j].0 == self.order[i] { i += 1 }
                    // (A child read twice in one list keeps the last read.)
                    if let last = order.last, last == added[j].0 {
                        entries[entries.count - 1] = added[j].1
                    } else {
                        order.append(added[j].0)
                        entries.append(added[j].1)
                    }
                    j += 1
                } else {
                    order.append(self.order[i])
                    entries.append(self.entries[i])
                    i += 1
                }
            }
            self.order = order
            self.entries = entries
        }
    }
}

extension ReportRunner {
    /// A national run's children (with their places in the scope's list), interventions and
    /// offences (nil when the report reads none), as `childRows`, `interventions` and
    /// `readOffences` read them for the scope, from `cache` where each child's number has not
    /// moved, read for the rest. `startedBy`: only the interventions started by that day.
    static func keptRows(
        _ cache: ReportRowCache, scope: Scope, keys: KeyMap, needs: Set<ReportNeed>, startedBy: LocalDate?,
        services: [UUID: String], on db: Database, alongside other: Database
    ) async throws -> (children: [ChildRow], interventions: [Iv], offences: [OffenceFacts]?) {
        // Each child's number first (the rows they guard are read after): as the scope was found,
        // or else read through it.
        var versions = [Int?](repeating: nil, count: scope.count)
        if let known = scope.versions {
            for (place, v) in known.enumerated() where v >= 0 { versions[place] = v }
        } else {
            let vq = db.sql.select().column(SQLColumn("report_version", table: "children")).from("children")
            if !numbered(vq, SQLColumn("id", table: "children"), scope.list) {
                vq.column(SQLColumn("id", table: "children"), as: "child_id")
                if keys.searchesInOrder { vq.orderBy(SQLColumn("id", table: "children")) }
            }
            for (place, v) in try await collect(
                vq, reserving: scope.count,
                { [finder = keys.finder()] r -> (Int, Int)? in
                    guard let key = r.child(finder), let place = Int(key), let v = r.int("report_version") else { return nil }
                    return (place, v)
                })
            where place >= 0 && place < versions.count {
                versions[place] = v
            }
        }
        // Looked up, and later put together, in two halves at once for a large run.
        let parts = largeReads && scope.count > 1 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        let size = (scope.count + parts - 1) / parts
        let table = cache.snapshot()
        let inOrder = keys.searchesInOrder
        var found = concurrentMap(parts) { part -> [ReportRowCache.Entry?] in
            let range = (part * size)..<min(scope.count, (part + 1) * size)
            return table.entries(scope.ids[range], versions: versions[range], ordered: inOrder)
        }.flatMap { $0 }
        // The children to read: never read, or changed since (a child no longer there has no number).
        let stale = found.indices.filter { found[$0] == nil && versions[$0] != nil }
        trace("\(scope.count - stale.count) children's rows kept, \(stale.count) to read")
        cache.noteRead(stale.count)
        if !stale.isEmpty {
            let ids = stale.map { scope.ids[$0] }
            let read = try await readRows(ids, scope: scope, services: services, on: db, alongside: other)
            var made: [(UUID, ReportRowCache.Entry)] = []
            made.reserveCapacity(stale.count)
            for (n, place) in stale.enumerated() {
                guard let v = versions[place], let child = read.children[n] else { continue }
                let e = ReportRowCache.Entry(version: v, child: child, interventions: read.interventions[n], offences: read.offences[n])
                found[place] = e
                made.append((scope.ids[place], e))
            }
            cache.keep(made)
            trace("kept \(made.count) children's rows")
        }
        // The run's own, each keyed by its place in the scope's list: the children and their
        // offences on one processor while their interventions are put together on another.
        let readIDs = needs.contains(.practice(.placementOffence))
        let withOffences = needs.contains(.offences)
        let entries = found
        func childrenAndOffences() -> (children: [ChildRow], offences: [OffenceFacts]) {
            var children: [ChildRow] = []
            var offences: [OffenceFacts] = []
            children.reserveCapacity(entries.count)
            for (place, e) in entries.enumerated() {
                guard let e, let key = keys.byPlace[place] else { continue }
                let c = e.child
                children.append(
                    ChildRow(
                        id: scope.ids[place], place: place,
                        facts: ChildFacts(
                            key: key, id: c.id, label: c.label, service: c.service, dateOfBirth: c.dateOfBirth, sex: c.sex,
                            ethnicityGroup: c.ethnicityGroup, careStatus: c.careStatus, send: c.send, ehcp: c.ehcp, district: c.district)))
                if withOffences {
                    for o in e.offences {
                        var mine = o
                        mine.child = key
                        if !readIDs { mine.id = "" }
                        offences.append(mine)
                    }
                }
            }
            return (children, offences)
        }
        func interventions() -> [Iv] {
            var ivs: [Iv] = []
            ivs.reserveCapacity(entries.reduce(0) { $0 + ($1?.interventions.count ?? 0) })
            for (place, e) in entries.enumerated() {
                guard let e, let key = keys.byPlace[place] else { continue }
                for i in e.interventions where startedBy.map({ i.start <= $0 }) ?? true {
                    ivs.append(
                        Iv(
                            key: key, id: i.id, type: i.type, start: i.start, end: i.end, closureReason: i.closureReason,
                            manager: i.manager, allocatedOn: i.allocatedOn, history: i.history, service: i.service))
                }
            }
            return ivs
        }
        let ((children, offences), ivs) =
            parts > 1 ? concurrently(childrenAndOffences, interventions) : (childrenAndOffences(), interventions())
        trace("put \(children.count) children's rows together")
        return (children, ivs, withOffences ? offences : nil)
    }

    /// Every row kept of these children, read as a national run reads them (every service's, every
    /// intervention, offences with their ids), each list in the order of `ids` (nil: no such child).
    private static func readRows(
        _ ids: [UUID], scope: Scope, services: [UUID: String], on db: Database, alongside other: Database
    ) async throws -> (children: [ChildFacts?], interventions: [[Iv]], offences: [[OffenceFacts]]) {
        let every = ServiceFilter(ids: Array(services.keys), all: true)
        let sub = Scope(parts: scope.parts, period: scope.period, filter: every, ids: ids, on: db)
        let keys = KeyMap(scope: sub)
        // Each read keys its rows by place in `sub`'s list, whose order may not be `ids`'.
        var at = [Int](repeating: -1, count: ids.count)
        var index: [UUID: Int] = [:]
        index.reserveCapacity(ids.count)
        for (n, id) in ids.enumerated() { index[id] = n }
        for (place, id) in sub.ids.enumerated() { at[place] = index[id] ?? -1 }
        let large = largeReads
        async let read = $largeReads.withValue(large) {
            try await interventions(filter: every, scope: sub, keys: keys, codes: services, startedBy: nil, on: other)
        }
        var codeOf: [String: String] = [:]
        for (id, code) in services { codeOf[id.uuidString] = code }
        let rows = try await childRows(codes: codeOf, condition: .any(sub.list), keys: keys, on: db)
        let offences =
            try await readOffences([.offences, .practice(.placementOffence)], filter: every, scope: sub, keys: keys, on: db) ?? []
        let ivs = try await read
        func slot(_ key: String) -> Int? { Int(key).flatMap { $0 >= 0 && $0 < at.count ? at[$0] : nil }.flatMap { $0 >= 0 ? $0 : nil } }
        var children = [ChildFacts?](repeating: nil, count: ids.count)
        var byChild = [[Iv]](repeating: [], count: ids.count)
        var offencesOf = [[OffenceFacts]](repeating: [], count: ids.count)
        for r in rows { if let n = slot(r.facts.key) { children[n] = r.facts } }
        for i in ivs { if let n = slot(i.key) { byChild[n].append(i) } }
        for o in offences { if let n = slot(o.child) { offencesOf[n].append(o) } }
        return (children, byChild, offencesOf)
    }
}
