import Fluent
import FluentSQLiteDriver
import Foundation
import PostgresKit
import SQLKit
import Vapor
import WaypointDomain

/// Loads compact facts with SQL and runs a named report for a period and service(s).
enum ReportRunner {
    static var available: [String] { ReportCatalogue.all.map(\.name) }

    struct Output {
        let report: String
        let period: ReportPeriod
        let services: [String]
        let rows: [ReportRow]
        let notes: [String]
        /// The children the run read.
        var names = ChildNames([:])
        /// The children the run read, by Waypoint's id (as every row names its children).
        var children: [String: ChildFacts] { names.byID }

        /// The children behind a count as interchange.md lists them: by external id where they have
        /// one (else the internal id), one entry per child, so two children of different services
        /// who share an external id are two entries. Nil for rates and ratios.
        func labels(_ row: ReportRow) -> [String]? {
            let byID = children
            return row.children.map { keys in keys.map { byID[$0]?.label ?? $0 }.sorted() }
        }

        /// The `waypoint report --format json` shape of interchange.md.
        var json: String {
            func esc(_ s: String) -> String {
                let data = (try? JSONSerialization.data(withJSONObject: [s], options: [])) ?? Data("[\"\"]".utf8)
                let t = String(decoding: data, as: UTF8.self)
                return String(t.dropFirst().dropLast())
            }
            var out = "{\"report\": \(esc(report)), \"from\": \"\(period.from.iso)\", \"to\": \"\(period.to.iso)\", "
            out += "\"services\": [\(services.map(esc).joined(separator: ", "))],\n \"rows\": [\n"
            out += rows.map { r in
                var line =
                    "   {\"measure\": \(esc(r.measure)), \"breakdown\": \(esc(r.breakdown)), \"group\": \(esc(r.group)), \"value\": \(r.formatted)"
                if let c = labels(r) { line += ", \"children\": [\(c.map(esc).joined(separator: ", "))]" }
                return line + "}"
            }.joined(separator: ",\n")
            return out + "\n ]}\n"
        }

        var csv: Data {
            CSV.write(
                header: ["measure", "breakdown", "group", "value"], rows: rows.map { [$0.measure, $0.breakdown, $0.group, $0.formatted] })
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(
        _ name: String, period: ReportPeriod, serviceCode: String?, team: String? = nil, today: LocalDate? = nil, on db: Database
    ) async throws -> Output {
        try await run(name, period: period, serviceCodes: serviceCode.map { [$0] }, team: team, today: today, on: db)
    }

    /// How a run reads the database. Both give the same figures (tests compare them).
    enum Path: Sendable {
        /// The report's scope in each query's SQL: only the children with one of the report's
        /// records in the period, and theirs.
        case scoped
        /// Every child with a record the report reads, contacts counted from their records.
        case everyChild
    }

    /// `serviceCodes`: nil for every service. `today` judges incomplete follow-up periods.
    /// `team`: a team's name; only the children whose case manager is in it.
    /// `alongside`: the same database on another event loop (`Application.reportCompanion`), on
    /// which the run reads its interventions while it reads its children on `db`.
    static func run(
        _ name: String, period: ReportPeriod, serviceCodes: [String]?, team: String? = nil, today: LocalDate? = nil,
        via path: Path = .scoped,
        on db: Database, alongside: Database? = nil
    ) async throws -> Output {
        // A report's statements are planned for their values each run (`PreparedStatements`): a
        // plan kept from one service's run could be a poor one for every service's.
        try await PreparedStatements.$unnamed.withValue(true) {
            try await runUnnamed(
                name, period: period, serviceCodes: serviceCodes, team: team, today: today, via: path, on: db, alongside: alongside ?? db)
        }
    }

    private static func runUnnamed(
        _ name: String, period: ReportPeriod, serviceCodes: [String]?, team: String?, today: LocalDate?, via path: Path,
        on db: Database, alongside other: Database
    ) async throws -> Output {
        guard let definition = ReportCatalogue.named(name) else {
            throw Failure(description: "unknown report '\(name)'; available: \(available.joined(separator: ", "))")
        }
        let sql = db.sql
        struct S: Decodable { let id: UUID; let code: String }
        var services = try await sql.select().columns("id", "code").from("services").orderBy("code").all(decoding: S.self)
        if let serviceCodes {
            for code in serviceCodes where !services.contains(where: { $0.code == code }) {
                throw Failure(description: "there is no service with code '\(code)'")
            }
        }
        let all = services.count
        if let serviceCodes {
            services = services.filter { serviceCodes.contains($0.code) }
        }
        let ids = services.map(\.id)
        // Each service of the run's code by its stored id text (upper case).
        let codes = Dictionary(uniqueKeysWithValues: services.map { ($0.id.uuidString, $0.code) })
        let codeByID = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.code) })
        // Every service: no filter on service (a scan beats an IN list of every service).
        let filter = ServiceFilter(ids: ids, all: services.count == all)
        if let team, !ids.isEmpty {
            let known = try await sql.select().column("id").from("teams").where("name", .equal, SQLBind(team)).where(
                "service_id", .in, SQLBind.group(ids)
            ).all()
            guard !known.isEmpty else { throw Failure(description: "there is no team called '\(team)' in the chosen services") }
        }
        trace("start \(name)")
        // Outcome codes, bank holidays and every service's timescales and cap, read once for the run.
        let reference = try await ReferenceData.read(on: db)
        let outcomes = Dictionary(uniqueKeysWithValues: reference.outcomeTypes.map { ($0.code, $0) })
        var facts = ReportFacts(
            children: [:], offences: [], outcomes: outcomes, population: Population(byYear: [:]),
            today: today ?? LocalDate.today(at: Date()))
        if !ids.isEmpty {
            let scoped = path != .everyChild && !definition.scope.isEmpty
            var needs = definition.needs
            if path == .everyChild, needs.remove(.contactTallies) != nil {
                // The plain way, for comparison: every contact record, counted in Swift.
                needs.insert(.practice(.contact))
            }
            // Contacts counted per child name their children: when they are the whole scope, the
            // count is read first and its children are the scope (finding them apart read the same
            // million contacts twice).
            var tallies: [ContactTally]? = nil
            // Many services' reads are large until the scope says otherwise (`largeReads`).
            let many = filter.all || ids.count >= largeRunServices
            let scope: Scope? = try await $largeReads.withValue(many) {
                if scoped, definition.scope == [.practiceIn(.contact)], needs.contains(.contactTallies) {
                    // Each child's tally keyed by their place in the scope's list, as the scope's keys are.
                    var ids: [UUID] = []
                    var keyed: [ContactTally] = []
                    for (id, t) in try await contactTallies(filter: filter, period: period, on: db, alongside: many ? other : nil) {
                        var k = t
                        k.child = String(ids.count)
                        keyed.append(k)
                        ids.append(id)
                    }
                    tallies = keyed
                    return Scope(parts: definition.scope, period: period, filter: filter, ids: ids, keepOrder: true, on: db)
                }
                guard scoped else { return nil }
                // Over every service, with each child's number for the rows kept (`ReportRowCache`).
                return try await Scope.find(
                    definition.scope, period: period, filter: filter, versions: filter.all && path == .scoped && !db.inTransaction,
                    on: db, alongside: many ? other : nil)
            }
            let found = tallies
            // Each query with the report's scope in its SQL. Two readers at once: the children and
            // their offences on `db`, the interventions and who managed them when on `other` (a
            // connection on another event loop, so each reader has a processor; on SQLite a loop
            // has one connection). National first time entrants on SQLite 1.17 → 0.79 s. More
            // readers than processors were measured slower (they contend with the database server).
            try await $largeReads.withValue(scope.map { $0.count >= largeRunChildren } ?? many) {
                let large = largeReads
                let runServices = services.map { ($0.id, $0.code) }
                // Every report gives each child's team (from who managed their latest intervention);
                // only some need the interventions themselves.
                let spans = needs.contains(.interventions) || needs.contains(.assessments)
                // The interventions as the report's figures name them are made here too, on the reader
                // that read them, while the other reader reads on.
                @Sendable func staffed(_ keys: KeyMap, on db: Database) async throws -> ([Iv], Staffing, [InterventionSpan]) {
                    try await $largeReads.withValue(large) {
                        let ivs = try await interventions(
                            filter: filter, scope: scope, keys: keys, codes: codeByID, startedBy: spans ? nil : period.to, on: db)
                        let staff = try await staffing(ivs, filter: filter, period: period, on: db)
                        trace("staffing worked out")
                        return (ivs, staff, spans ? ReportRunner.named(ivs, staff) : [])
                    }
                }
                var keyOf: KeyMap
                var ivs: [Iv]
                var staff: Staffing
                var named: [InterventionSpan]
                var offences: [OffenceFacts]? = nil
                var records: Records
                if let scope {
                    // The children and the interventions (with who managed them when) are read at the
                    // same time, each on a connection of its own: every key is known from the scope.
                    let keys = KeyMap(scope: scope)
                    let base: Base
                    // Over every service, what was read of each child last time is taken again
                    // where their records have not changed since (`ReportRowCache`).
                    if filter.all, path == .scoped, let cache = try await ReportRowCache.cache(on: db) {
                        let kept = try await keptRows(
                            cache, scope: scope, keys: keys, needs: needs, startedBy: spans ? nil : period.to, services: codeByID,
                            on: db, alongside: other)
                        ivs = kept.interventions
                        async let staffedKept = $largeReads.withValue(large) {
                            try await staffing(kept.interventions, filter: filter, period: period, on: other)
                        }
                        base = try await loadBase(
                            services: runServices, filter: filter, scope: scope, keys: keys, team: team, needs: needs,
                            period: period, given: kept.children, on: db)
                        offences = kept.offences
                        records = try await readRecords(
                            needs, filter: filter, scope: scope, keys: keys, period: period, tallies: found != nil, on: db)
                        staff = try await staffedKept
                        named = spans ? ReportRunner.named(ivs, staff) : []
                    } else {
                        async let both = staffed(keys, on: other)
                        base = try await loadBase(
                            services: runServices, filter: filter, scope: scope, keys: keys, team: team, needs: needs,
                            period: period, on: db)
                        offences = try await readOffences(needs, filter: filter, scope: scope, keys: keys, on: db)
                        records = try await readRecords(
                            needs, filter: filter, scope: scope, keys: keys, period: period, tallies: found != nil, on: db)
                        (ivs, staff, named) = try await both
                    }
                    keyOf = base.keys
                    facts.children = base.children
                    facts.population = base.population
                    if base.children.count != scope.count {
                        // A listed child was not read (removed meanwhile): their records go with them.
                        ivs = ivs.filter { base.children[$0.key] != nil }
                        staff = try await staffing(ivs, filter: filter, period: period, on: db)
                        named = spans ? ReportRunner.named(ivs, staff) : []
                        offences = offences?.filter { base.children[$0.child] != nil }
                        records = records.only(base.children)
                    }
                } else {
                    let base = try await loadBase(
                        services: runServices, filter: filter, scope: nil, keys: nil, team: team, needs: needs, period: period,
                        on: db)
                    keyOf = base.keys
                    facts.children = base.children
                    facts.population = base.population
                    (ivs, staff, named) = try await staffed(keyOf, on: db)
                    records = try await readRecords(
                        needs, filter: filter, scope: nil, keys: keyOf, period: period, tallies: found != nil, on: db)
                }
                try await load(
                    needs, into: &facts, filter: filter, scope: scope, keys: keyOf, period: period, codes: codes, staff: staff,
                    interventions: ivs, spans: named, reference: reference, records: records, tallies: found, offences: offences, on: db)
                trace("put together")
                applyTeams(staff, to: &facts, team: team)
                // The interventions as read, and who managed them, are freed after the figures too.
                retire(Retiring((ivs, staff)))
                ivs = []
                staff = Staffing()
            }
        }
        trace("loaded \(facts.children.count) children, \(facts.offences.count) offences, \(facts.interventions.count) interventions")
        let result = definition.compute(facts, period)
        trace("computed \(result.rows.count) rows")
        // The run numbered its children (`childRows`); what leaves it names them by Waypoint's id.
        let names = ChildNames(facts.children)
        let rows = result.rows.map { $0.named(names) }
        // A national run's facts are hundreds of thousands of values: they are freed on another
        // thread, after the figures are returned.
        let retired = Retiring(facts)
        facts = ReportFacts(children: [:], offences: [], outcomes: [:], population: Population(byYear: [:]), today: facts.today)
        retire(retired)
        return Output(
            report: name, period: period, services: services.map(\.code), rows: rows, notes: result.notes, names: names)
    }

    /// Where a run's facts are freed, one run's after another's (`retire`). (With
    /// WAYPOINT_REPORT_TRACE set, each says how long it took: a national kpis run's, 23–41 ms.)
    static let retiring = DispatchQueue(label: "waypoint.report.retire", qos: .utility)

    /// Frees `value` on `retiring`, after the figures are returned.
    static func retire<T>(_ value: Retiring<T>) {
        retiring.async {
            let t0 = DispatchTime.now().uptimeNanoseconds
            value.free()
            if tracing {
                FileHandle.standardError.write(
                    Data(String(format: "  (freed in %.1f ms)\n", Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6).utf8))
            }
        }
    }

    /// One half of the range of ids, so that two connections can each read one half of a large
    /// run's rows at the same time (the halves are apart and together cover every id).
    enum IDHalf: Sendable {
        case lower, upper

        /// "`column` is in this half", as SQL (an internal literal; on SQLite ids are stored as
        /// upper-case text, which sorts as the ids do; on PostgreSQL the literal is a uuid).
        func condition(_ column: String) -> String {
            let middle = "'80000000-0000-0000-0000-000000000000'"
            return switch self {
            case .lower: "\(column) < \(middle)"
            case .upper: "\(column) >= \(middle)"
            }
        }
    }

    static let tracing = ProcessInfo.processInfo.environment["WAYPOINT_REPORT_TRACE"] != nil
    /// When the last step ended (its lock: a run's two readers both trace).
    nonisolated(unsafe) static var last = DispatchTime.now().uptimeNanoseconds
    /// When the run being traced began (its "start" step).
    nonisolated(unsafe) static var began = DispatchTime.now().uptimeNanoseconds
    static let lastLock = NSLock()
    /// With WAYPOINT_REPORT_TRACE set, prints each step's time to standard error (for the benchmark):
    /// the time since the step before, which with two readers may be the other reader's, and the
    /// time since the run's start.
    static func trace(_ what: @autoclosure () -> String) {
        guard tracing else { return }
        let text = what()
        lastLock.lock()
        defer { lastLock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        if text.hasPrefix("start ") { began = now }
        FileHandle.standardError.write(
            Data(
                String(
                    format: "  %7.1f ms  %@  (at %.0f ms)\n", (Double(now) - Double(last)) / 1e6, text, (Double(now) - Double(began)) / 1e6
                ).utf8))
        last = now
    }

    /// Whether the run's reads are large: on SQLite each is then made with the file mapped into
    /// memory and a larger page cache (`Rows.collect(largeRead:)`), set back after it for the
    /// pages the connection serves next. Over every service that is quicker (a national run reads
    /// much of the file); for a small run, mapping and unmapping the file and letting the larger
    /// cache go around each of a dozen reads costs more than it gains: one service's kpis took
    /// 125 ms with and 70 ms without (first time entrants 50 → 30 ms, plan dashboard 100 → 57),
    /// where national kpis without took 6.0–6.7 s against 5.0–5.3 s with.
    @TaskLocal static var largeReads = true
    /// A run is large from this many children in its scope, or (before its scope is found, or
    /// without one) over every service or this many services. (A task-local value so that a test
    /// can take a small run the way of a large one and compare its figures.)
    @TaskLocal static var largeRunChildren = 20_000
    static let largeRunServices = 10

    /// A report's read: `Rows.collect` as `largeReads` says, timed under `WAYPOINT_REPORT_TRACE`.
    /// `reserving`: about how many rows at most (`Rows.collect`).
    static func collect<T>(_ q: SQLSelectBuilder, reserving: Int = 0, _ make: @escaping @Sendable (RowReader) -> T?) async throws -> [T] {
        let items = try await Rows.collect(q, largeRead: largeReads, reserving: reserving, make)
        trace("\(items.count) rows of \(String(describing: T.self).prefix(40))")
        return items
    }

    /// Which services a run reads. Every service: no filter (a scan beats an IN list of them all).
    struct ServiceFilter {
        let ids: [UUID]
        let all: Bool

        /// The services in two halves, when there are two or more.
        var halves: (ServiceFilter, ServiceFilter)? {
            guard ids.count > 1 else { return nil }
            let half = ids.count / 2
            return (ServiceFilter(ids: Array(ids[..<half]), all: false), ServiceFilter(ids: Array(ids[half...]), all: false))
        }

        @discardableResult
        func apply(_ q: SQLSelectBuilder, table: String) -> SQLSelectBuilder {
            all ? q : q.where(SQLColumn("service_id", table: table), .in, SQLBind.group(ids))
        }
    }

    /// A report's scope for a period as SQL: "this child has one of the report's records in the
    /// period". Only internal values (table and column names, enum codes, ISO dates) are written
    /// into the text.
    struct Scope {
        let parts: [ReportScope]
        let period: ReportPeriod
        /// The run's services: a child is in scope through a record of one of them (the child may
        /// be held by another service now: history stays where it happened).
        let filter: ServiceFilter
        /// The children in scope, found once when the scope is made (`find`): each query then
        /// names them rather than finding them again, as one value made once.
        let list: IDList.Value
        /// How many children are in scope.
        let count: Int
        /// The children in scope, in the list's order: a child's place in it is their report key
        /// (`KeyMap.init(scope:)`), so records can be read before the children themselves.
        let ids: [UUID]
        /// Each child's `report_version` as the scope was found, in the order of `ids`, when asked
        /// for (`find(versions:)`, for `ReportRowCache`).
        let versions: [Int]?

        /// `keepOrder`: the children keep the order given (the caller has keyed records by their
        /// places in it); otherwise they take the list's order, which on PostgreSQL is the ids' own
        /// (`IDList.PostgresIDs`). A read through the list then meets the children in that order, the
        /// order of their keys, so that each child's facts are made, and lie in memory, in the order
        /// the figures go through them (on SQLite the scope's ids are read in that order already).
        /// `versions`: each child's `report_version`, in the order of `ids` (kept only when the list
        /// keeps that order: the caller sorts them for PostgreSQL, `find`).
        init(
            parts: [ReportScope], period: ReportPeriod, filter: ServiceFilter, ids: [UUID], keepOrder: Bool = false, versions: [Int]? = nil,
            on db: Database
        ) {
            let list = IDList.value(ids, on: db.sql)
            self.count = ids.count
            let listed: [UUID]
            if !keepOrder, case .array(let sorted) = list { listed = sorted.ids } else { listed = ids }
            self.ids = listed
            self.versions = versions.flatMap { $0.count == ids.count && listed == ids ? $0 : nil }
            self.parts = parts
            self.period = period
            self.filter = filter
            self.list = list
        }

        /// The scope of these parts, with its children found (one query: the parts' union).
        /// `alongside`: for a large run, another connection (`Application.reportCompanion`): each
        /// finds the children of one half of the id range at the same time (`IDHalf`).
        /// `versions`: with each child's `report_version` (`ReportRowCache`), read with them.
        static func find(
            _ parts: [ReportScope], period: ReportPeriod, filter: ServiceFilter, versions: Bool = false, on db: Database,
            alongside other: Database? = nil
        ) async throws -> Scope {
            @Sendable func read(_ half: IDHalf?, on db: Database) async throws -> [(UUID, Int)] {
                let within = half.map { " AND " + $0.condition("s.child_id") } ?? ""
                let text = conditions(parts, period).map {
                    "SELECT s.child_id FROM \($0.table) s WHERE \($0.condition)\(services(filter))\(within)"
                }
                .joined(separator: " UNION ")
                // DISTINCT: a scope of one part has no UNION to remove a child's second record (a year
                // of contacts named each child about ten times: a million ids for 117,000 children).
                // With two parts or more the UNION lists each child once already (PostgreSQL
                // otherwise made the list twice: national kpis, one half of the scope 140 → 67 ms in
                // the database, EXPLAIN ANALYZE).
                let q = db.sql.select().column(SQLRaw("u.child_id"), as: "child_id").from(SQLRaw("(\(text)) u"))
                if parts.count < 2 { q.distinct() }
                if versions {
                    q.column(SQLColumn("report_version", table: "c"))
                        .join(SQLAlias(SQLIdentifier("children"), as: SQLIdentifier("c")), on: SQLRaw("c.id = u.child_id"))
                }
                // (The id as read: on PostgreSQL not written out as text and parsed back.)
                return try await collect(q) { r in r.uuid("child_id").map { ($0, versions ? r.int("report_version") ?? -1 : 0) } }
            }
            func scope(_ read: [(UUID, Int)]) -> Scope {
                var read = read
                // On PostgreSQL the list is sent in the order of the ids (`IDList.PostgresIDs`): the
                // numbers are put in that order with them.
                if versions, db.sql.dialect.name == "postgresql" { read.sort { UUIDText.order($0.0) < UUIDText.order($1.0) } }
                return Scope(
                    parts: parts, period: period, filter: filter, ids: read.map(\.0), versions: versions ? read.map(\.1) : nil, on: db)
            }
            guard let other else { return scope(try await read(nil, on: db)) }
            // The halves are apart (a child's id is in one), so together they list each child once.
            let large = largeReads
            async let upper = $largeReads.withValue(large) { try await read(.upper, on: other) }
            let lower = try await read(.lower, on: db)
            return scope(lower + (try await upper))
        }

        /// Each part as a table and a condition on its row `s`.
        static func conditions(_ parts: [ReportScope], _ period: ReportPeriod) -> [(table: String, condition: String)] {
            let between = "BETWEEN '\(period.from.iso)' AND '\(period.to.iso)'"
            let to = "'\(period.to.iso)'"
            return parts.map { part -> (String, String) in
                switch part {
                case .outcomeIn: ("offences", "s.outcome_date \(between)")
                case .offenceIn: ("offences", "s.offence_date \(between)")
                case .interventionOverlaps:
                    ("interventions", "s.start_date <= \(to) AND (s.end_date IS NULL OR s.end_date >= '\(period.from.iso)')")
                case .interventionStartsIn(let types):
                    ("interventions", "s.start_date \(between) AND s.type IN (\(types.map { "'\($0.rawValue)'" }.joined(separator: ", ")))")
                case .interventionOpenAtEnd: ("interventions", "s.start_date <= \(to) AND (s.end_date IS NULL OR s.end_date >= \(to))")
                case .referralReceivedIn: ("referrals", "s.received_on \(between)")
                case .referralDecidedIn: ("referrals", "s.decided_on \(between)")
                case .assessmentSubmittedIn: ("assessments", "s.stage = 'start' AND s.submitted_on \(between)")
                case .practiceIn(let kind): (kind.spec.table, periodCondition(kind, period, alias: "s") ?? "1 = 1")
                case .panelDecisionIn: ("panel_decisions", "s.decided_on \(between)")
                case .scrutinyIn:
                    (
                        "panel_decisions",
                        "s.id IN (SELECT f.decision_id FROM scrutiny_findings f JOIN scrutiny_panels p ON p.id = f.scrutiny_id WHERE p.held_on \(between) AND f.finding IS NOT NULL)"
                    )
                }
            }
        }

        /// The run's services as a condition on the row `s` (empty for every service).
        static func services(_ filter: ServiceFilter) -> String {
            filter.all ? "" : " AND s.service_id IN (\(filter.ids.map { "'\($0.uuidString)'" }.joined(separator: ", ")))"
        }

    }

    /// Practice records a report counts only in the period are read only for the period: those with
    /// one of these dates in it (a health record counts for its assessment and its CAMHS referral).
    static func periodColumns(_ kind: RecordKind) -> [String] {
        switch kind {
        case .health: ["health_assessment_on", "camhs_referred_on"]
        case .panel: ["held_on"]
        case .exploitation: ["identified_on", "nrm_referred_on"]
        default: periodColumn(kind).map { [$0] } ?? []
        }
    }

    /// "One of the record's dates in the period", as SQL on the row `alias` (internal names and ISO dates only).
    static func periodCondition(_ kind: RecordKind, _ period: ReportPeriod, alias: String? = nil) -> String? {
        let columns = periodColumns(kind)
        guard !columns.isEmpty else { return nil }
        let between = "BETWEEN '\(period.from.iso)' AND '\(period.to.iso)'"
        return "(" + columns.map { "\(alias.map { "\($0)." } ?? "")\($0) \(between)" }.joined(separator: " OR ") + ")"
    }

    /// The first date of `periodColumns` (M0020_ReportIndexes indexes it).
    static func periodColumn(_ kind: RecordKind) -> String? {
        switch kind {
        case .contact: "contact_on"
        case .feedback: "given_on"
        case .caseAudit: "audited_on"
        case .planReview: "reviewed_on"
        case .breach: "started_on"
        case .health: "health_assessment_on"
        case .victim: "contact_made_on"
        case .exploitation: "identified_on"
        case .achievement: "achieved_on"
        default: nil
        }
    }

    /// Without a scope: the children with a row in one of the tables the report reads.
    static func childSource(_ needs: Set<ReportNeed>, services ids: [UUID], period: ReportPeriod) -> String? {
        // Internal values only (ids and ISO dates), written as literals so one subquery can union them.
        let list = ids.map { "'\($0.uuidString)'" }.joined(separator: ", ")
        var parts: [String] = []
        if needs.contains(.offences) { parts.append("SELECT child_id FROM offences WHERE service_id IN (\(list))") }
        if needs.contains(.interventions) || needs.contains(.assessments) {
            parts.append("SELECT child_id FROM interventions WHERE service_id IN (\(list))")
        }
        if needs.contains(.referrals) { parts.append("SELECT child_id FROM referrals WHERE service_id IN (\(list))") }
        if needs.contains(.panelDecisions) { parts.append("SELECT child_id FROM panel_decisions WHERE service_id IN (\(list))") }
        if needs.contains(.contactTallies) {
            parts.append(
                "SELECT child_id FROM contacts WHERE service_id IN (\(list)) AND contact_on BETWEEN '\(period.from.iso)' AND '\(period.to.iso)'"
            )
        }
        for need in needs {
            guard case .practice(let kind) = need else { continue }
            let dated = periodCondition(kind, period).map { " AND \($0)" } ?? ""
            parts.append("SELECT child_id FROM \(kind.spec.table) WHERE service_id IN (\(list))\(dated)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " UNION ")
    }

    /// The service filter, and the scope on the table's child; and the row's child, for
    /// `RowReader.child`: its place in the scope's list (`scope_child`) where the list is joined
    /// (SQLite), else `child_id`. (Not both: the driver makes every column read into a value, and a
    /// 36-character id made for each of 233,800 rows and never looked at is time for nothing.)
    @discardableResult
    static func restrict(_ q: SQLSelectBuilder, _ table: String, _ filter: ServiceFilter, _ scope: Scope?) -> SQLSelectBuilder {
        filter.apply(q, table: table)
        if let scope, numbered(q, SQLColumn("child_id", table: table), scope.list) { return q }
        return q.column(SQLColumn("child_id", table: table))
    }

    /// Joins the list of ids on `column` and reads each row's place in it as `scope_child` (SQLite);
    /// on PostgreSQL the list is a condition and each row is known by its child's id (`IDList.numbered`).
    /// Says whether the place is read.
    @discardableResult
    static func numbered(_ q: SQLSelectBuilder, _ column: SQLColumn, _ list: IDList.Value) -> Bool {
        guard let scope = IDList.numbered(list, as: "scope_list") else {
            q.where(IDList.member(column, of: list))
            return false
        }
        q.join(
            scope.table, method: SQLJoinMethod.inner, on: SQLBinaryExpression(left: scope.id, op: SQLBinaryOperator.equal, right: column))
        q.column(scope.number, as: "scope_child")
        return true
    }

    /// A run's children and population totals, with each child's report key by stored id and by
    /// place in the scope's list.
    struct Base: Sendable {
        var children: [String: ChildFacts] = [:]
        var population = Population(byYear: [:])
        var keys: KeyMap
    }

    /// Children and population totals. `keys`: the scope's (`KeyMap.init(scope:)`), which give each
    /// child read their key; without a scope the children are numbered as read.
    /// `given`: the children already read (`keptRows`), to be put together here as if read here.
    static func loadBase(
        services: [(UUID, String)], filter: ServiceFilter, scope: Scope?, keys scopeKeys: KeyMap?, team: String?,
        needs: Set<ReportNeed>, period: ReportPeriod, given: [ChildRow]? = nil, on db: Database
    ) async throws -> Base {
        let sql = db.sql
        // Every service's code: a child counted for the run's services may be held by another now.
        func everyCode() async throws -> [String: String] {
            struct S: Decodable { let id: UUID; let code: String }
            var codeOf: [String: String] = [:]
            for s in try await sql.select().columns("id", "code").from("services").all(decoding: S.self) {
                codeOf[s.id.uuidString] = s.code
            }
            return codeOf
        }
        let rows: [ChildRow]
        if let given {
            rows = given
        } else if let scope {
            rows = try await childRows(codes: try await everyCode(), condition: .any(scope.list), keys: scopeKeys, on: db)
        } else if let source = childSource(needs, services: filter.ids, period: period) {
            rows = try await childRows(codes: try await everyCode(), condition: .rows("children.id IN (\(source))"), on: db)
        } else {
            rows = []
        }
        var children: [String: ChildFacts] = [:]
        children.reserveCapacity(rows.count)
        for row in rows { children[row.facts.key] = row.facts }
        let keyOf: KeyMap
        if let scopeKeys, let scope, children.count == scope.count {
            keyOf = scopeKeys
        } else {
            // Only the children read (one listed may have gone meanwhile), by the keys they were read with.
            var byPlace: [String?] = []
            var read: [(id: UUID, key: String)] = []
            read.reserveCapacity(rows.count)
            for row in rows {
                read.append((row.id, row.facts.key))
                if let n = row.place, n >= 0, n < 100_000_000 {
                    if n >= byPlace.count { byPlace += Array(repeating: nil, count: n + 1 - byPlace.count) }
                    byPlace[n] = row.facts.key
                }
            }
            keyOf = KeyMap(byPlace: byPlace, read: read)
        }
        // Summed here: SUM of a bigint is numeric on PostgreSQL, and these rows are few.
        var population: [String: [Int: Int]] = [:]
        let runCodes = Dictionary(uniqueKeysWithValues: services.map { ($0.0.uuidString, $0.1) })
        let pq = sql.select().columns("service_id", "year", "count").from("population")
        filter.apply(pq, table: "population")
        for (s, y, n) in try await collect(
            pq,
            { r -> (String, Int, Int)? in
                guard let s = r.id("service_id").flatMap({ runCodes[$0] }), let y = r.int("year"), let n = r.int("count") else {
                    return nil
                }
                return (s, y, n)
            })
        { population[s, default: [:]][y, default: 0] += n }
        // A team is part of a service; population figures are the service's, so a team's rate would be wrong.
        let totals = Population(
            byService: population, services: services.map(\.1),
            withheld: team.map { "Population figures are for whole services, not for a team such as \($0)" })
        return Base(children: children, population: totals, keys: keyOf)
    }

    /// Which children a read of `children` takes: these ids, or the rows meeting a condition
    /// (SQL of internal values only; nil for every row).
    enum ChildCondition {
        /// These ids, as one value (`IDList`).
        case any(IDList.Value)
        case rows(String?)
    }

    /// The children the report reads, each by stored id, with the code of the service holding them now.
    /// `keys`: the scope's, when the children are read through it (each child's key is then theirs).
    static func childRows(codes: [String: String], condition: ChildCondition, keys: KeyMap? = nil, on db: Database) async throws
        -> [ChildRow]
    {
        let sql = db.sql
        let q = sql.select().columns(
            "date_of_birth", "external_id", "service_id", "sex", "ethnicity_group", "care_status", "send", "ehcp", "district"
        )
        switch condition {
        case .any(let list):
            if case .json = list {
                // SQLite: each child from the index that holds every column read (M0041), not the
                // index of the id and then the table (its planner chose the narrower index).
                q.from(SQLRaw("children INDEXED BY children_by_id_report"))
            } else {
                q.from("children")
            }
            // Read with their place in the scope's list (SQLite), each child's id is the list's
            // there: not read again as 36 characters of text, made into a string and parsed
            // (national disproportionality's 165,727 children).
            if !numbered(q, SQLColumn("id", table: "children"), list) || keys?.id(at: 0) == nil { q.column("id") }
            if case .array = list, keys?.searchesInOrder == true {
                // PostgreSQL: in the order of their ids, the order of the scope's list and of their
                // keys (`Scope.init`), so each child's facts are made, and lie in memory, in the
                // order the figures go through them.
                q.orderBy(SQLColumn("id", table: "children"))
            }
        case .rows(let text):
            q.from("children")
            if let text { q.where(SQLRaw(text)) }
            q.column("id")
        }
        let numbers = Counter()
        let codeByID = Dictionary(codes.compactMap { t, code in UUIDText.id(t).map { ($0, code) } }, uniquingKeysWith: { a, _ in a })
        return try await collect(q, reserving: keys?.byPlace.count ?? 0) { [finder = keys?.finder()] r -> ChildRow? in
            // Children are keyed by Waypoint's id, never the external one: two services can both
            // hold a "C00001". Within the run each is numbered (`ChildFacts.key`): by their place in
            // the scope's list, else in the order read.
            let place = r.int("scope_child")
            guard let dob = r.date("date_of_birth"), let id = place.flatMap({ keys?.id(at: $0) }) ?? r.uuid("id") else { return nil }
            let external = r.string("external_id")
            let lower = UUIDText.string(id, lowercase: true)
            guard let key = place.map({ String($0) }) ?? (finder.map { $0.key(id) } ?? numbers.next()) else { return nil }
            return ChildRow(
                id: id, place: place,
                facts: ChildFacts(
                    key: key, id: lower, label: external ?? lower,
                    service: r.lookup("service_id", byText: codes, byID: codeByID) ?? "",
                    dateOfBirth: dob,
                    sex: r.coded("sex") ?? Sex.unknown, ethnicityGroup: r.coded("ethnicity_group") ?? EthnicityGroup.unknown,
                    careStatus: r.coded("care_status") ?? CareStatus.none, send: r.coded("send"), ehcp: r.coded("ehcp"),
                    district: r.string("district")))
        }
    }

    /// Numbers in the order asked for, as text ("1", "2"…), for keys held inline (`ChildFacts.key`).
    /// Used by one reader at a time (rows arrive one after another).
    final class Counter: @unchecked Sendable {
        private var n = 0
        func next() -> String {
            n += 1
            return String(n)
        }
    }

    /// A child read, by id, with their facts.
    struct ChildRow: Sendable {
        let id: UUID
        /// The child's place in the scope's list, when read through it.
        var place: Int? = nil
        let facts: ChildFacts
    }

    /// Who managed each intervention when, and who was in which team when, read once per run so
    /// that every figure counts for the case manager and team responsible on its date (domain.md:
    /// a reallocation or a worker's move to another team never changes a past period).
    struct Staffing: Sendable {
        /// Each child's team (by report key): the team, on the period's last day (or the
        /// day the intervention ended, if before), of the case manager of the child's latest
        /// intervention started by then that had one. (A list, each child once: it is only gone
        /// through, and a table of 165,000 children made afresh each run was time for nothing.)
        var teamOf: [(child: String, team: String)] = []
        /// Each intervention's case manager on the period's last day (ids in lower case), in the
        /// order of the interventions given to `staffing`.
        var managerAtEnd: [String?] = []
        /// Each intervention's first allocation (deadlines run from it, not from a reallocation),
        /// in the same order.
        var firstAllocated: [LocalDate?] = []
    }

    /// An intervention of one of the run's children, as read once per run for both who managed
    /// it when (`staffing`) and the report's own figures (`load`).
    struct Iv: Sendable {
        /// The child's report key.
        let key: String
        /// (Its sixteen bytes: made into text only for the reports that name interventions.)
        let id: UUID
        let type: InterventionType
        let start: LocalDate
        let end: LocalDate?
        let closureReason: String?
        let manager: UUID?
        let allocatedOn: LocalDate?
        /// Its allocations in order, when it was allocated more than once (`AllocationHistory`).
        let history: [AllocationHistory.Entry]?
        /// The code of the service that held it.
        let service: String
    }

    /// Every intervention of the run's children in the run's services (`startedBy`: only those
    /// started by that day, when only the children's teams are wanted). `codes`: the run's services'
    /// codes by id (each intervention keeps its service's code: short text held in place, where its
    /// 36-character id was a string of its own, looked up again for each intervention).
    static func interventions(
        filter: ServiceFilter, scope: Scope?, keys: KeyMap, codes: [UUID: String], startedBy: LocalDate?, on db: Database
    ) async throws -> [Iv] {
        let iq = db.sql.select().columns(
            "type", "start_date", "id", "end_date", "closure_reason", "case_manager_id", "service_id", "allocated_on", "allocation_history"
        )
        .from("interventions")
        restrict(iq, "interventions", filter, scope)
        if let startedBy { iq.where("start_date", .lessThanOrEqual, SQLBind(startedBy.iso)) }
        // (About one and a half a child: room for two.)
        return try await collect(iq, reserving: 2 * (scope?.count ?? 0)) { [keys = keys.finder()] r -> Iv? in
            guard let key = r.child(keys), let type: InterventionType = r.coded("type"),
                let start = r.date("start_date"),
                let id = r.uuid("id")
            else { return nil }
            return Iv(
                key: key, id: id, type: type, start: start, end: r.date("end_date"),
                closureReason: r.string("closure_reason"),
                manager: r.uuid("case_manager_id"), allocatedOn: r.date("allocated_on"),
                history: r.string("allocation_history").flatMap(AllocationHistory.parse),
                service: r.uuid("service_id").flatMap { codes[$0] } ?? "")
        }
    }

    /// Who managed each of `interventions` when: from each one's allocation history read with it
    /// (`Iv.history`), and the case managers' team memberships.
    static func staffing(_ interventions: [Iv], filter: ServiceFilter, period: ReportPeriod, on db: Database) async throws -> Staffing {
        let sql = db.sql
        // Team memberships by user, in date order; a user with none is in their current team throughout.
        // Over some services, only the case managers named (every user's history, nationally).
        var named: [UUID]? = nil
        if !filter.all {
            var ids = Set(interventions.compactMap(\.manager))
            for i in interventions { for (_, m) in i.history ?? [] { ids.insert(m) } }
            // (Past a few thousand, every user: one bind each.)
            named = ids.count <= 5_000 ? Array(ids) : nil
        }
        // With no case manager named there is no one's team to read.
        let anyone = named.map { !$0.isEmpty } ?? true
        var memberships: [UUID: [(LocalDate, UUID?)]] = [:]
        var currentTeam: [UUID: UUID] = [:]
        if anyone {
            let mq = sql.select().columns("user_id", "team_id", "from_on").from("team_memberships").orderBy("from_on").orderBy("at")
            if let named { mq.where("user_id", .in, SQLBind.group(named)) }
            for (u, t, d) in try await collect(
                mq,
                { r -> (UUID, UUID?, LocalDate)? in
                    guard let u = r.uuid("user_id"), let d = r.date("from_on") else { return nil }
                    return (u, r.uuid("team_id"), d)
                })
            { memberships[u, default: []].append((d, t)) }
            let uq = sql.select().columns("id", "team_id").from("users")
            if let named { uq.where("id", .in, SQLBind.group(named)) }
            for (u, t) in try await collect(
                uq,
                { r -> (UUID, UUID)? in
                    guard let u = r.uuid("id"), let t = r.uuid("team_id") else { return nil }
                    return (u, t)
                })
            { currentTeam[u] = t }
        }
        let tq = sql.select().columns("id", "name").from("teams")
        var teamName: [UUID: String] = [:]
        for (t, n) in try await collect(
            tq, { r -> (UUID, String)? in r.uuid("id").flatMap { id in r.string("name").map { (id, $0) } } })
        { teamName[t] = n }

        // Each user's team history with the teams' names, resolved once (a few thousand users,
        // where the loop below asks for hundreds of thousands of interventions).
        var teamsOf: [UUID: [(LocalDate, String?)]] = [:]
        teamsOf.reserveCapacity(memberships.count)
        for (u, list) in memberships where !list.isEmpty { teamsOf[u] = list.map { ($0.0, $0.1.flatMap { teamName[$0] }) } }
        var currentTeamName: [UUID: String] = [:]
        for (u, t) in currentTeam { if let n = teamName[t] { currentTeamName[u] = n } }
        let teams = Teams(history: teamsOf, current: currentTeamName)
        // A large run's interventions in two halves at once (the other reader has mostly finished by
        // then: national disproportionality on SQLite, 89 → 69 ms with the reads before it), each
        // with its own list of each child's latest, put together by the same rule.
        let parts = largeReads && interventions.count > 1 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        let size = (interventions.count + parts - 1) / parts
        var halves = concurrentMap(parts) { part in
            staffing(interventions, min(part * size, interventions.count)..<min((part + 1) * size, interventions.count), teams, period)
        }
        var out = Staffing()
        out.managerAtEnd.reserveCapacity(interventions.count)
        out.firstAllocated.reserveCapacity(interventions.count)
        // The first half's table, moved out of `halves` (while `halves` still held it, adding the
        // second half's children to it copied it whole first).
        var latest: [String: (Int, String)] = [:]
        if !halves.isEmpty { swap(&latest, &halves[0].latest) }
        for h in halves {
            out.managerAtEnd += h.managerAtEnd
            out.firstAllocated += h.firstAllocated
        }
        for h in halves.dropFirst() {
            for (key, (n, t)) in h.latest {
                if let (e, _) = latest[key], !later(interventions[n], than: interventions[e]) { continue }
                latest[key] = (n, t)
            }
        }
        out.teamOf = latest.map { (child: $0.key, team: $0.value.1) }
        return out
    }

    /// Who was in which team when: each user's memberships by day with the teams' names, and the
    /// current team of a user with none.
    struct Teams: Sendable {
        let history: [UUID: [(LocalDate, String?)]]
        let current: [UUID: String]

        func team(_ user: UUID, on d: LocalDate) -> String? {
            guard let list = history[user] else { return current[user] }
            return list.last { $0.0 <= d }?.1 ?? nil
        }
    }

    /// Whether `a` is a child's later intervention than `b`: started later, or the same day with the
    /// later id (every intervention has its place in this order, so the latest is the same whatever
    /// order they are met in).
    static func later(_ a: Iv, than b: Iv) -> Bool {
        a.start > b.start || (a.start == b.start && UUIDText.precedes(b.id, a.id))
    }

    /// Who managed the interventions in `range` (`Staffing`'s lists for them, in order) and each
    /// child's latest of them with a team (child → its place, the team).
    private static func staffing(_ interventions: [Iv], _ range: Range<Int>, _ teams: Teams, _ period: ReportPeriod) -> (
        managerAtEnd: [String?], firstAllocated: [LocalDate?], latest: [String: (Int, String)]
    ) {
        /// The manager on `d`, from the intervention's allocation history `h` when it has one.
        func manager(_ iv: Iv, _ h: [AllocationHistory.Entry]?, on d: LocalDate) -> UUID? {
            if let h, !h.isEmpty { return h.last { $0.0 <= d }?.1 }
            guard let m = iv.manager, (iv.allocatedOn ?? iv.start) <= d else { return nil }
            return m
        }
        // Each case manager's id as text once (a few thousand, named by hundreds of thousands of interventions).
        var texts: [UUID: String] = [:]
        func text(of m: UUID?) -> String? {
            guard let m else { return nil }
            if let t = texts[m] { return t }
            let t = UUIDText.string(m, lowercase: true)
            texts[m] = t
            return t
        }
        var managerAtEnd: [String?] = [], firstAllocated: [LocalDate?] = []
        managerAtEnd.reserveCapacity(range.count)
        firstAllocated.reserveCapacity(range.count)
        // Each child's latest intervention with a team: child → (its place, the team). (Made at
        // its largest size at once: grown as children were met, its table was made afresh and every
        // key hashed again many times, 3% of the samples of a national kpis benchmark in `perf`.)
        var latest: [String: (Int, String)] = [:]
        latest.reserveCapacity(range.count)
        for n in range {
            let h = interventions[n].history
            managerAtEnd.append(text(of: manager(interventions[n], h, on: period.to)))
            firstAllocated.append(h?.first?.0 ?? interventions[n].allocatedOn)
            guard interventions[n].start <= period.to else { continue }
            let asAt = min(period.to, interventions[n].end ?? period.to)
            guard let m = manager(interventions[n], h, on: asAt), let t = teams.team(m, on: asAt) else { continue }
            let key = interventions[n].key
            if let (e, _) = latest[key], !later(interventions[n], than: interventions[e]) { continue }
            latest[key] = (n, t)
        }
        return (managerAtEnd, firstAllocated, latest)
    }

    /// Gives each child their team, and keeps only a team's children when one is chosen.
    static func applyTeams(_ staff: Staffing, to f: inout ReportFacts, team: String?) {
        // Each child's facts are an object: set through a lookup (by number: `ReportFacts.child`),
        // not by changing the table.
        // A national run's hundred and sixty thousand in two halves at once (each child is in one).
        let facts = f
        let list = staff.teamOf
        let parts = list.count >= 20_000 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        let size = (list.count + parts - 1) / max(parts, 1)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            for i in min(part * size, list.count)..<min((part + 1) * size, list.count) { facts.child(list[i].child)?.team = list[i].team }
        }
        if let team { f.children = f.children.filter { $0.value.team == team } }
    }

    /// Puts together what a report needs beyond children, offences and population: the records
    /// read by `readRecords`, and the interventions with who managed them when.
    /// `codes`: each service of the run's code by stored id text; `staff`: who managed what when.
    /// `interventions`: the run's, as read once (`interventions(filter:scope:keys:on:)`), and `spans`
    /// the same as the figures name them (`named`), made when the report needs them. `tallies`:
    /// contacts counted before the scope (they made it), each keyed by their child's place in it;
    /// `offences`: read already, beside the children.
    static func load(
        _ needs: Set<ReportNeed>, into f: inout ReportFacts, filter: ServiceFilter, scope: Scope?, keys keyOf: KeyMap, period: ReportPeriod,
        codes: [String: String], staff: Staffing, interventions ivs: [Iv], spans: [InterventionSpan], reference: ReferenceData,
        records: Records,
        tallies: [ContactTally]? = nil, offences: [OffenceFacts]? = nil, on db: Database
    ) async throws {
        let ids = filter.ids
        // Read already (`offences`), or here.
        if let offences {
            f.offences = offences
        } else if needs.contains(.offences) {
            f.offences = try await readOffences(needs, filter: filter, scope: scope, keys: keyOf, on: db) ?? []
        }
        if needs.contains(.calendar) || needs.contains(.assessments) { f.calendar = reference.calendar }
        if needs.contains(.interventions) || needs.contains(.assessments) {
            f.interventions = spans
            if needs.contains(.assessments) {
                f.assessments = records.assessments
                // By service code, as each intervention names its service.
                var timescales: [String: Timescales] = [:]
                for s in ids { if let code = codes[s.uuidString] { timescales[code] = reference.timescales(for: s) } }
                f.timescales = timescales
                // Assessment deadlines run from the first allocation (a reallocation does not restart them).
                // Each day and length worked out once: a national year's interventions share a few
                // hundred first allocation days and a few lengths.
                f.assessmentDue.reserveCapacity(ivs.count)
                var due: [DueKey: LocalDate] = [:]
                for n in ivs.indices {
                    guard n < staff.firstAllocated.count, let allocated = staff.firstAllocated[n],
                        let t = timescales[ivs[n].service]
                    else { continue }
                    let key = DueKey(from: allocated, days: t.assessmentDays(for: ivs[n].type))
                    if let d = due[key] {
                        f.assessmentDue[spans[n].id] = d
                    } else {
                        let d = f.calendar.adding(workingDays: key.days, to: allocated)
                        due[key] = d
                        f.assessmentDue[spans[n].id] = d
                    }
                }
            }
        }
        f.referrals = records.referrals
        f.populationCells = records.populationCells
        f.workers = records.workers
        if needs.contains(.workers) {
            for s in ids {
                if let code = codes[s.uuidString] { f.caps[code] = reference.timescales(for: s).caseloadCap }
            }
        }
        f.boardMeetings = records.boardMeetings
        f.panelDecisions = records.panelDecisions
        f.scrutiny = records.scrutiny
        f.practice = records.practice
        f.breaches = records.breaches
        if let tallies {
            // Read before the scope, each keyed by their child's place in it: those of the children read.
            let facts = f
            f.contactTallies = tallies.filter { facts.child($0.child) != nil }
        } else {
            f.contactTallies = records.contactTallies
        }
    }

    /// The interventions as the report's figures name them (`InterventionSpan`), in the order read,
    /// each with its case manager on the period's last day, from the allocation history (`staff`).
    /// A large run's (`largeReads`: a national run's 233,800, each with its id written out) are made
    /// in two halves at once: the other reader has mostly finished by then (national kpis on SQLite:
    /// 109 ms on one processor).
    static func named(_ ivs: [Iv], _ staff: Staffing) -> [InterventionSpan] {
        @Sendable func span(_ n: Int) -> InterventionSpan {
            InterventionSpan(
                child: ivs[n].key, type: ivs[n].type, start: ivs[n].start, end: ivs[n].end,
                id: UUIDText.string(ivs[n].id, lowercase: true),
                closureReason: ivs[n].closureReason,
                caseManager: n < staff.managerAtEnd.count ? staff.managerAtEnd[n] : nil, service: ivs[n].service)
        }
        let parts = largeReads && ivs.count > 1 && ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1
        guard parts > 1 else { return ivs.indices.map(span) }
        let size = (ivs.count + parts - 1) / parts
        return [InterventionSpan](unsafeUninitializedCapacity: ivs.count) { buffer, made in
            guard let base = buffer.baseAddress else { return }
            // Each half fills its own places (apart), so the two never touch the same one.
            let places = Places(base: base)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for n in min(part * size, ivs.count)..<min((part + 1) * size, ivs.count) { (places.base + n).initialize(to: span(n)) }
            }
            made = ivs.count
        }
    }

    /// The memory `named` fills, handed to both its halves (each initializes only its own places).
    private struct Places: @unchecked Sendable { let base: UnsafeMutablePointer<InterventionSpan> }

    /// A deadline's start and length in working days (`load`).
    struct DueKey: Hashable {
        let from: LocalDate
        let days: Int
    }

    /// What `readRecords` read.
    struct Records: Sendable {
        var assessments: [AssessmentFact] = []
        var referrals: [ReferralFacts] = []
        var populationCells: [PopulationCell] = []
        var workers: [String: String] = [:]
        var boardMeetings: [BoardMeetingFact] = []
        var panelDecisions: [PanelDecisionFact] = []
        var scrutiny: [ScrutinyFact] = []
        var contactTallies: [ContactTally]? = nil
        var practice: [RecordKind: [PracticeFact]] = [:]
        var breaches: [BreachFacts] = []

        /// Only the records of these children (by report key): those of a child listed in the scope
        /// but not read (removed meanwhile) go with them.
        func only(_ children: [String: ChildFacts]) -> Records {
            var kept = self
            kept.assessments = assessments.filter { children[$0.child] != nil }
            kept.referrals = referrals.filter { children[$0.child] != nil }
            kept.panelDecisions = panelDecisions.filter { children[$0.child] != nil }
            kept.scrutiny = scrutiny.filter { children[$0.child] != nil }
            kept.contactTallies = contactTallies?.filter { children[$0.child] != nil }
            kept.practice = practice.mapValues { $0.filter { children[$0.child] != nil } }
            kept.breaches = breaches.filter { children[$0.child] != nil }
            return kept
        }
    }

    /// What a run reads beyond its children, offences and interventions (referrals, assessments,
    /// practice records and the rest), each record keyed by `keys`. It needs neither the children
    /// nor the interventions read, so a scoped run reads these on the children's connection while
    /// the other reads the interventions. `tallies`: whether the contacts were counted already.
    static func readRecords(
        _ needs: Set<ReportNeed>, filter: ServiceFilter, scope: Scope?, keys keyOf: KeyMap, period: ReportPeriod,
        tallies: Bool = false, on db: Database
    ) async throws -> Records {
        let sql = db.sql
        let ids = filter.ids
        var r = Records()
        if needs.contains(.assessments) {
            let aq = sql.select().columns("intervention_id", "submitted_on", "due_on").from("assessments").where(
                "stage", .equal, SQLBind("start"))
            restrict(aq, "assessments", filter, scope)
            r.assessments = try await collect(aq) { [keys = keyOf.finder()] row in
                guard let key = row.child(keys), let i = row.lowerID("intervention_id") else { return nil }
                return AssessmentFact(
                    child: key, intervention: i, submittedOn: row.date("submitted_on"),
                    dueOn: row.date("due_on"))
            }
        }
        if needs.contains(.referrals) {
            let rq = sql.select().columns("received_on", "source", "decision", "decided_on", "destination").from("referrals")
            restrict(rq, "referrals", filter, scope)
            r.referrals = try await collect(rq) { [keys = keyOf.finder()] row in
                guard let key = row.child(keys), let received = row.date("received_on") else { return nil }
                return ReferralFacts(
                    child: key, receivedOn: received, source: row.string("source") ?? "", decision: row.string("decision") ?? "",
                    decidedOn: row.date("decided_on"), destination: row.string("destination"))
            }
        }
        if needs.contains(.populationCells) {
            let pq = sql.select().columns("year", "sex", "ethnicity_group", "count").from("population")
            filter.apply(pq, table: "population")
            r.populationCells = try await collect(pq) { row in
                guard let y = row.int("year"), let n = row.int("count") else { return nil }
                return PopulationCell(year: y, sex: row.string("sex") ?? "", ethnicityGroup: row.string("ethnicity_group") ?? "", count: n)
            }
        }
        if needs.contains(.workers) {
            // Every user by id, whatever services they work in now: a worker is a user, not a name,
            // so two who share a name are told apart by their email.
            struct W: Decodable { let id: UUID; let name: String; let email: String }
            let users = try await sql.select().columns("id", "name", "email").from("users").all(decoding: W.self)
            var named: [String: Int] = [:]
            for w in users { named[w.name, default: 0] += 1 }
            for w in users { r.workers[w.id.uuidString.lowercased()] = named[w.name, default: 0] > 1 ? "\(w.name) (\(w.email))" : w.name }
        }
        if needs.contains(.boardMeetings) {
            r.boardMeetings = try await BoardMeetingStore.meetings(in: ids, from: period.from, to: period.to, on: db)
                .map { BoardMeetingFact(heldOn: $0.heldOn, attendance: $0.attendance) }
        }
        if needs.contains(.panelDecisions) {
            let dq = sql.select().column(SQLColumn("decided_on", table: "panel_decisions"))
                .column(SQLColumn("outcome", table: "panel_decisions")).column(SQLColumn("offence_date", table: "offences"))
                .from("panel_decisions")
                .join("offences", on: SQLColumn("id", table: "offences"), .equal, SQLColumn("offence_id", table: "panel_decisions"))
            restrict(dq, "panel_decisions", filter, scope)
            r.panelDecisions = try await collect(dq) { [keys = keyOf.finder()] row in
                guard let key = row.child(keys), let d = row.date("decided_on"), let o = row.date("offence_date") else { return nil }
                return PanelDecisionFact(child: key, decidedOn: d, offenceDate: o, outcome: row.string("outcome") ?? "")
            }
            let sq = sql.select().column(SQLColumn("child_id", table: "panel_decisions")).column(
                SQLColumn("held_on", table: "scrutiny_panels")
            )
            .column(SQLColumn("finding", table: "scrutiny_findings")).from("scrutiny_findings")
            .join(
                "scrutiny_panels", on: SQLColumn("id", table: "scrutiny_panels"), .equal,
                SQLColumn("scrutiny_id", table: "scrutiny_findings")
            )
            .join(
                "panel_decisions", on: SQLColumn("id", table: "panel_decisions"), .equal,
                SQLColumn("decision_id", table: "scrutiny_findings")
            )
            .where(SQLColumn("finding", table: "scrutiny_findings"), .isNot, SQLLiteral.null)
            .where(SQLColumn("held_on", table: "scrutiny_panels"), .greaterThanOrEqual, SQLBind(period.from.iso))
            .where(SQLColumn("held_on", table: "scrutiny_panels"), .lessThanOrEqual, SQLBind(period.to.iso))
            filter.apply(sq, table: "scrutiny_panels")
            r.scrutiny = try await collect(sq) { [keys = keyOf.finder()] row in
                guard let key = row.child(keys), let d = row.date("held_on"), let finding = row.string("finding") else { return nil }
                return ScrutinyFact(child: key, heldOn: d, finding: finding)
            }
        }
        if !tallies, needs.contains(.contactTallies) {
            // Each child's by their report key.
            r.contactTallies = try await contactTallies(filter: filter, period: period, on: db).compactMap { id, t in
                guard let key = keyOf[id] else { return nil }
                var keyed = t
                keyed.child = key
                return keyed
            }
        }
        for need in needs {
            guard case .practice(let kind) = need else { continue }
            let spec = kind.spec
            let fields = RecordStore.visibleFields(spec, restricted: false)
            let q = sql.select().columns(["intervention_id"] + fields.map(\.name)).from(spec.table)
            // Reviews and panels up to the period's end: when the last one was tells what is overdue.
            let upToEnd: [RecordKind: String] = [.planReview: "reviewed_on", .panel: "held_on"]
            if let column = upToEnd[kind] {
                filter.apply(q, table: spec.table).column("child_id")
                q.where(SQLIdentifier(column), .lessThanOrEqual, SQLBind(period.to.iso))
            } else if let dated = periodCondition(kind, period) {
                // Dated records: the period bounds them; their children outside the scope are skipped below.
                filter.apply(q, table: spec.table).column("child_id")
                q.where(SQLRaw(dated))
            } else {
                // A child's care history is theirs, whichever service recorded it (as their offences are).
                restrict(q, spec.table, kind == .careEpisode ? ServiceFilter(ids: ids, all: true) : filter, scope)
            }
            let facts = try await collect(q) { [keys = keyOf.finder()] row -> PracticeFact? in
                guard let key = row.child(keys) else { return nil }
                var values: RecordValues = [:]
                for f in fields {
                    if f.kind.storedAsInt {
                        if let n = row.int(f.name) { values[f.name] = .int(n) }
                    } else if f.kind.storedAsDouble {
                        if let d = row.double(f.name) { values[f.name] = .double(d) }
                    } else if let s = row.string(f.name) {
                        values[f.name] = .text(s)
                    }
                }
                return PracticeFact(child: key, intervention: row.lowerID("intervention_id"), values: values)
            }
            r.practice[kind] = facts
            if kind == .breach {
                r.breaches = facts.compactMap { b in b.date("started_on").map { BreachFacts(child: b.child, startedOn: $0) } }
            }
        }
        return r
    }

    /// Every offence of the run's children, whichever service recorded it: a child's first entry and
    /// reoffending are their whole history. Each says whether it is the run's own. Nil when the
    /// report reads no offences.
    static func readOffences(_ needs: Set<ReportNeed>, filter: ServiceFilter, scope: Scope?, keys keyOf: KeyMap, on db: Database)
        async throws -> [OffenceFacts]?
    {
        guard needs.contains(.offences) else { return nil }
        let sql = db.sql
        let ids = filter.ids
        let everyService = ServiceFilter(ids: ids, all: true)
        let runServices = Set(ids.map(\.uuidString))
        let allRun = filter.all
        // Offence ids only for the records that name an offence (a national run holds hundreds of thousands).
        let readIDs = needs.contains(.practice(.placementOffence))
        @Sendable func read(_ filter: ServiceFilter, _ children: [UUID]?) async throws -> [OffenceFacts] {
            // The id and the service only when they are looked at: the driver makes every column
            // read into a value (on SQLite a 36-character string each, national kpis' 90,126 offences).
            let oq = sql.select().columns("offence_date", "outcome", "outcome_date", "category", "gravity").from("offences")
            if readIDs { oq.column("id") }
            if !allRun { oq.column("service_id") }
            restrict(oq, "offences", filter, scope)
            if let children { oq.where(SQLColumn("child_id", table: "offences"), .in, SQLBind.group(children)) }
            return try await collect(oq, reserving: children == nil ? scope?.count ?? 0 : 0) { [keys = keyOf.finder()] r in
                guard let key = r.child(keys), let d = r.date("offence_date"), let outcome = r.string("outcome") else { return nil }
                var o = OffenceFacts(
                    child: key, offenceDate: d, outcome: outcome, outcomeDate: r.date("outcome_date"),
                    category: r.string("category"), gravity: r.int("gravity"),
                    inRun: allRun || runServices.contains(r.id("service_id") ?? ""))
                if readIDs { o.id = r.lowerID("id") ?? "" }
                return o
            }
        }
        if scope == nil, let few = keyOf.storedIDs(atMost: 20_000) {
            // Few children: theirs by id (an index on the child).
            var found: [OffenceFacts] = []
            for chunk in few.chunked() { found += try await read(everyService, chunk) }
            return found
        }
        return try await read(everyService, nil)
    }

    /// Contacts dated in the period, counted per child in SQL (one row per child: a year of
    /// contacts nationally is over a million rows), each with its child's id (the tally's `child`
    /// is left for the caller's key: the id read as text and parsed again on the run's own thread was
    /// 4% of a national run's processor time on SQLite, and on PostgreSQL an id written out to be read).
    /// `alongside`: another connection, which counts the upper half of the children's ids while
    /// `db` counts the lower (`IDHalf`). On SQLite each half is then counted in the order of the
    /// children's index, with no sort: a national year took 1.1 s whole and 0.37 s a half.
    static func contactTallies(
        filter: ServiceFilter, period: ReportPeriod, on db: Database, alongside other: Database? = nil
    ) async throws -> [(id: UUID, tally: ContactTally)] {
        guard let other else { return try await contactTallies(filter: filter, period: period, half: nil, on: db) }
        let large = largeReads
        async let upper = $largeReads.withValue(large) {
            try await contactTallies(filter: filter, period: period, half: .upper, on: other)
        }
        let lower = try await contactTallies(filter: filter, period: period, half: .lower, on: db)
        return lower + (try await upper)
    }

    private static func contactTallies(filter: ServiceFilter, period: ReportPeriod, half: IDHalf?, on db: Database) async throws
        -> [(id: UUID, tally: ContactTally)]
    {
        let attendance = M0043_ContactMonths.attendance
        let types = M0043_ContactMonths.types
        let counted = M0043_ContactMonths.counts("s")
        // The period's contacts counted: its whole months from `contact_months` (M0043), its part
        // months from the contacts themselves, each counted alike. (Internal values only: ISO dates,
        // months, ids and codes.)
        let within = Scope.services(filter) + (half.map { " AND " + $0.condition("s.child_id") } ?? "")
        func contacts(_ from: LocalDate, _ to: LocalDate) -> String {
            "SELECT s.child_id, " + counted.map { "CASE WHEN \($0.condition) THEN 1 ELSE 0 END AS \($0.column)" }.joined(separator: ", ")
                + " FROM contacts s WHERE s.contact_on BETWEEN '\(from.iso)' AND '\(to.iso)'\(within)"
        }
        var parts: [String] = []
        if let whole = ContactMonths.whole(period) {
            parts.append(
                "SELECT s.child_id, \(counted.map { "s.\($0.column)" }.joined(separator: ", ")) FROM contact_months s "
                    + "WHERE s.month BETWEEN '\(whole.first)' AND '\(whole.last)'\(within)")
            if let before = whole.before { parts.append(contacts(before.from, before.to)) }
            if let after = whole.after { parts.append(contacts(after.from, after.to)) }
        } else {
            parts.append(contacts(period.from, period.to))
        }
        let q = db.sql.select().column("child_id")
        for c in counted where c.column != "n" { q.column(SQLRaw("SUM(\(c.column))"), as: c.column) }
        q.from(SQLRaw("(\(parts.joined(separator: " UNION ALL "))) u"))
        q.groupBy("child_id")
        // A month whose contacts were all moved or removed counts nothing.
        q.having(SQLRaw("SUM(n) > 0"))
        // Each column's name made once, not for every child's row.
        let byAttendance = attendance.map { (column: "a_\($0)", code: $0) }
        let byType = types.map { (column: "t_\($0)", code: $0) }
        return try await collect(q) { r -> (id: UUID, tally: ContactTally)? in
            guard let id = r.uuid("child_id") else { return nil }
            var t = ContactTally(child: "")
            for (column, a) in byAttendance { if let n = r.int(column), n > 0 { t.byAttendance[a] = n } }
            for (column, k) in byType { if let n = r.int(column), n > 0 { t.byType[k] = n } }
            if let n = r.int("t_none"), n > 0 { t.byType["not_recorded"] = n }
            t.arranged = r.int("arranged") ?? 0
            return (id, t)
        }
    }
}

/// The whole months of a period, which the contact attendance report reads from the counts kept
/// per month (`contact_months`, M0043), and the days before and after them it reads from the
/// contacts themselves.
enum ContactMonths {
    struct Whole: Equatable {
        /// The first and last whole month, as "YYYY-MM".
        let first: String
        let last: String
        /// The days of the period before its first whole month, and after its last.
        let before: ReportPeriod?
        let after: ReportPeriod?
    }

    /// Nil when the period holds no whole month.
    static func whole(_ period: ReportPeriod) -> Whole? {
        func monthStart(_ d: LocalDate) -> LocalDate? { LocalDate(year: d.year, month: d.month, day: 1) }
        func monthEnd(_ d: LocalDate) -> LocalDate? {
            LocalDate(year: d.year, month: d.month, day: LocalDate.daysIn(month: d.month, year: d.year))
        }
        guard let fromStart = monthStart(period.from), let toStart = monthStart(period.to), let toEnd = monthEnd(period.to) else {
            return nil
        }
        let first = fromStart == period.from ? fromStart : fromStart.adding(months: 1)
        let last = toEnd == period.to ? toStart : toStart.adding(months: -1)
        guard first <= last else { return nil }
        func month(_ d: LocalDate) -> String { String(d.iso.prefix(7)) }
        let afterLast = last.adding(months: 1)
        return Whole(
            first: month(first), last: month(last),
            before: period.from < first ? ReportPeriod(from: period.from, to: first.adding(days: -1)) : nil,
            after: afterLast <= period.to ? ReportPeriod(from: afterLast, to: period.to) : nil)
    }
}

/// Hands a value to another thread that only lets it go (`free`).
final class Retiring<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: T) { self.value = value }
    func free() { value = nil }
}

/// Which child a record read belongs to, and so whether it is kept: the report key of a child
/// already read, by place in the scope's list or by stored id.
final class KeyMap: @unchecked Sendable {
    /// By place in the scope's list (`ReportRunner.restrict`), for the children read through it.
    let byPlace: [String?]
    /// Each child read, by id, with their report key.
    private let read: [(id: UUID, key: String)]
    /// A scope's ids in order (`UUIDText.order`), when its list is in that order, as it is on both
    /// databases when the scope was found (`Scope.find`): a child's place is then found in them
    /// (`Finder`), with no table made. On PostgreSQL every record is looked up by its child's id:
    /// a table of a national kpis run's 165,727 children by id, made and searched for each of its
    /// 490,000 records, took about a twentieth of the process's samples in `perf`.
    private let ordered: [IDOrder]?
    /// Where in `ordered` the ids whose first `startBits` bits are each number start (a list of
    /// at most a few million ids: its places fit in 32 bits), and at the end, where they end.
    private let starts: [Int32]
    private let startBits: Int
    /// `read` as a dictionary, for keys not in order, made the first time a record is looked up by
    /// id: on SQLite a scoped run's records mostly come with their child's place, and hashing every
    /// child's id for a dictionary not used was time for nothing.
    private var byID: [UUID: String]? = nil
    private let lock = NSLock()

    /// Whether these are a scope's keys (`init(scope:)`): `read` is then the scope's list, in order.
    private let listed: Bool

    init(byPlace: [String?] = [], read: [(id: UUID, key: String)]) {
        self.byPlace = byPlace
        self.read = read
        self.listed = false
        self.ordered = nil
        self.starts = []
        self.startBits = 1
    }

    /// The keys of a scope's children before they are read: each is their place in the scope's list
    /// ("0", "1"…), the number SQLite reads with every record (`scope_child`), and by id.
    convenience init(scope: ReportRunner.Scope) { self.init(listed: scope.ids) }

    /// The keys of a list of children, each their place in it.
    init(listed ids: [UUID]) {
        let keys = ids.indices.map { String($0) }
        self.byPlace = keys
        self.read = Array(zip(ids, keys))
        self.listed = true
        let order = ids.map(UUIDText.order)
        // (Places are kept in 32 bits: a list longer than that is searched in a table.)
        let ascending = order.count < Int(Int32.max) && zip(order, order.dropFirst()).allSatisfy { $0 < $1 }
        self.ordered = ascending ? order : nil
        // About one id to each beginning (ids are mostly random), and no more than 2^20 of them.
        var bits = 1
        while bits < 20, 1 << bits < order.count { bits += 1 }
        self.startBits = bits
        var starts = [Int32](repeating: 0, count: ascending ? (1 << bits) + 1 : 0)
        if ascending {
            // Where the ids beginning with each `bits` bits start; the last, where they end.
            var n = 0
            for first in 0..<(1 << bits) {
                while n < order.count, Int(truncatingIfNeeded: order[n].high >> UInt64(64 - bits)) < first { n += 1 }
                starts[first] = Int32(n)
            }
            starts[1 << bits] = Int32(order.count)
        }
        self.starts = starts
    }

    /// Whether ids are found by searching the list in order (`ordered`), rather than in a table.
    var searchesInOrder: Bool { ordered != nil }

    /// Finds children's keys by id for one reader (`RowReader.child`), used by it alone as its rows
    /// arrive: rows that arrive in the list's order (the children themselves on PostgreSQL,
    /// `childRows`) each find their child where the last one's was or just after it.
    final class Finder: @unchecked Sendable {
        let keys: KeyMap
        /// Where the next child is most likely to be in `keys.ordered`.
        private var next = 0

        init(_ keys: KeyMap) { self.keys = keys }

        /// The report key of the child with this id.
        func key(_ id: UUID) -> String? {
            guard keys.ordered != nil else { return keys[id] }
            guard let n = keys.place(of: UUIDText.order(id), near: next) else { return nil }
            next = n + 1
            return keys.byPlace[n]
        }
    }

    /// The place of `o` in `ordered` (nil if it is not there): `near` or the place before it (a
    /// reader's rows in the list's order, a child's several together), else searched by halves
    /// among the ids that begin as it does (`starts`).
    private func place(of o: IDOrder, near: Int) -> Int? {
        guard let order = ordered else { return nil }
        if near > 0, near <= order.count, order[near - 1] == o { return near - 1 }
        if near < order.count, order[near] == o { return near }
        let first = Int(truncatingIfNeeded: o.high >> UInt64(64 - startBits))
        var lower = Int(starts[first]), upper = Int(starts[first + 1])
        while lower < upper {
            let middle = lower + (upper - lower) / 2
            if order[middle] < o { lower = middle + 1 } else { upper = middle }
        }
        return lower < order.count && order[lower] == o ? lower : nil
    }

    /// A finder for one reader's rows.
    func finder() -> Finder { Finder(self) }

    /// The id of the child at place `n` in the scope's list, when these are a scope's keys.
    func id(at n: Int) -> UUID? { listed && n >= 0 && n < read.count ? read[n].id : nil }

    /// The children's ids, when there are no more than `limit`.
    func storedIDs(atMost limit: Int) -> [UUID]? {
        read.count <= limit ? read.map(\.id) : nil
    }

    /// The report key of the child with this id.
    subscript(_ id: UUID) -> String? {
        if ordered != nil { return place(of: UUIDText.order(id), near: 0).flatMap { byPlace[$0] } }
        lock.lock()
        defer { lock.unlock() }
        if let byID { return byID[id] }
        var made: [UUID: String] = [:]
        made.reserveCapacity(read.count)
        for (id, key) in read { made[id] = key }
        byID = made
        return made[id]
    }

    /// The report key of the child with this id as text.
    subscript(_ id: String) -> String? { UUIDText.id(id).flatMap { self[$0] } }
}

extension Request {
    /// The database on another event loop than the request's, for a report's second reader.
    var reportCompanion: Database? { application.reportCompanion(besides: db) }
}

extension Application {
    /// The database on an event loop other than `db`'s, for a report to read on at the same time
    /// (`ReportRunner.run(alongside:)`); nil with a single event loop.
    func reportCompanion(besides db: Database) -> Database? {
        let mine = db.eventLoop
        for loop in eventLoopGroup.makeIterator() where loop !== mine {
            return databases.database(logger: logger, on: loop)
        }
        return nil
    }
}
