import Foundation

/// The interchange bundle (shared/interchange.md): files, their columns, and validation of
/// every row into typed values, or every problem as `file:line: column: what is wrong`.
public enum Interchange {
    public struct FileSpec: Sendable {
        public let name: String
        public let columns: [String]
        public let required: Set<String>
    }

    public static let services = FileSpec(name: "services.csv", columns: ["service_code", "name"], required: ["service_code", "name"])
    public static let children = FileSpec(
        name: "children.csv",
        columns: [
            "child_id", "service_code", "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "care_status",
            "send", "ehcp", "postcode", "district", "pnc_id", "upn", "nhs_number"
        ],
        required: ["child_id", "service_code", "given_name", "family_name", "date_of_birth"])
    public static let referrals = FileSpec(
        name: "referrals.csv",
        columns: [
            "referral_id", "child_id", "received_on", "source", "decision", "decided_on", "destination", "intervention_type"
        ],
        required: ["referral_id", "child_id", "received_on", "source", "decision"])
    public static let offences = FileSpec(
        name: "offences.csv",
        columns: [
            "offence_id", "child_id", "offence_date", "category", "gravity", "outcome", "outcome_date"
        ],
        required: ["offence_id", "child_id", "offence_date", "category", "outcome"])
    public static let interventions = FileSpec(
        name: "interventions.csv",
        columns: [
            "intervention_id", "child_id", "type", "start_date", "end_date", "case_manager", "closure_reason"
        ],
        required: ["intervention_id", "child_id", "type", "start_date"])
    public static let population = FileSpec(
        name: "population.csv",
        columns: [
            "service_code", "year", "age", "sex", "ethnicity_group", "count"
        ],
        required: ["service_code", "year", "age", "sex", "ethnicity_group", "count"])

    /// A file of one kind of the child's records (issue 19): an id column, the child, then the
    /// record's own fields by name, each checked by the same rules as the web form.
    public struct RecordFile: Sendable {
        public let kind: RecordKind
        public let idColumn: String
        public let file: FileSpec
        init(_ kind: RecordKind, _ name: String, id idColumn: String) {
            self.kind = kind
            self.idColumn = idColumn
            let fields = kind.spec.fields.filter { !$0.system && $0.name != idColumn }
            file = FileSpec(
                name: name, columns: [idColumn, "child_id"] + fields.map(\.name),
                required: Set([idColumn, "child_id"] + fields.filter { $0.required != nil }.map(\.name)))
        }
        /// The record's fields in file order (the id column too, when it is a field).
        public var fields: [FieldSpec] { kind.spec.fields.filter { !$0.system } }
    }

    /// `placement_offences.csv` is keyed by its offence: one record per offence.
    public static let recordFiles: [RecordFile] = [
        RecordFile(.careEpisode, "care_episodes.csv", id: "episode_id"),
        RecordFile(.placementOffence, "placement_offences.csv", id: "offence_id"),
        RecordFile(.exploitation, "exploitation_concerns.csv", id: "concern_id"),
        RecordFile(.achievement, "achievements.csv", id: "achievement_id")
    ]

    /// Joint out-of-court panels (issue 19): the panel, its decisions, and scrutiny of them.
    public static let disposalPanels = FileSpec(
        name: "disposal_panels.csv",
        columns: ["panel_id", "service_code", "held_on", "place"] + PanelAgency.allCases.map { "member_\($0.rawValue)" },
        required: ["panel_id", "service_code", "held_on", "member_police", "member_youth_justice"])
    public static let panelDecisions = FileSpec(
        name: "panel_decisions.csv",
        columns: ["decision_id", "panel_id", "child_id", "offence_id", "screening", "outcome", "rationale", "conditions"],
        required: ["decision_id", "panel_id", "child_id", "offence_id", "screening", "outcome", "rationale"])
    public static let scrutinyPanels = FileSpec(
        name: "scrutiny_panels.csv", columns: ["scrutiny_id", "service_code", "held_on", "sample_from", "sample_to"],
        required: ["scrutiny_id", "service_code", "held_on", "sample_from", "sample_to"])
    public static let scrutinyFindings = FileSpec(
        name: "scrutiny_findings.csv", columns: ["scrutiny_id", "decision_id", "finding", "learning"],
        required: ["scrutiny_id", "decision_id"])

    /// In the order they are validated and written (children before what refers to them).
    public static let files =
        [services, children, referrals, offences, interventions, population] + recordFiles.map(\.file)
        + [disposalPanels, panelDecisions, scrutinyPanels, scrutinyFindings]

    // MARK: Typed rows

    public struct ServiceRow: Equatable, Sendable { public let code: String; public let name: String }
    public struct ChildRow: Equatable, Sendable {
        public let childID: String
        public let serviceCode: String
        public let details: ChildDetails
    }
    public struct ReferralRow: Equatable, Sendable {
        public let referralID: String
        public let childID: String
        public let receivedOn: LocalDate
        public let source: ReferralSource
        public let decision: ScreeningDecision
        public let decidedOn: LocalDate?
        public let destination: ScreenOutDestination?
        public let interventionType: InterventionType?
    }
    public struct OffenceRow: Equatable, Sendable {
        public let offenceID: String
        public let childID: String
        public let offenceDate: LocalDate
        public let category: OffenceCategory
        public let gravity: Int?
        public let outcome: String
        public let outcomeDate: LocalDate?
    }
    public struct InterventionRow: Equatable, Sendable {
        public let interventionID: String
        public let childID: String
        public let type: InterventionType
        public let startDate: LocalDate
        public let endDate: LocalDate?
        public let caseManager: String?
        public let closureReason: ClosureReason?
    }
    public struct PopulationRow: Equatable, Sendable {
        public let serviceCode: String
        public let year: Int
        public let age: Int
        public let sex: Sex
        public let ethnicityGroup: EthnicityGroup
        public let count: Int
    }

    public struct RecordRow: Equatable, Sendable {
        public let external: String
        public let childID: String
        /// The record's values as the form would store them; an offence is named by its id in the bundle.
        public let values: RecordValues
    }

    public struct PanelRow: Equatable, Sendable {
        public let panelID: String
        public let serviceCode: String
        public let panel: DisposalPanelInput
    }
    public struct DecisionRow: Equatable, Sendable {
        public let decisionID: String
        public let panelID: String
        public let childID: String
        /// `decision.offenceID` is the offence's id in the bundle.
        public let decision: PanelDecisionInput
    }
    public struct ScrutinyRow: Equatable, Sendable {
        public let scrutinyID: String
        public let serviceCode: String
        public let heldOn: LocalDate
        public let from: LocalDate
        public let to: LocalDate
    }
    public struct FindingRow: Equatable, Sendable {
        public let scrutinyID: String
        public let decisionID: String
        public let finding: ScrutinyFinding?
        public let learning: String?
    }

    public struct Plan: Sendable {
        public var records: [RecordKind: [RecordRow]] = [:]
        public var panels: [PanelRow] = []
        public var decisions: [DecisionRow] = []
        public var scrutinies: [ScrutinyRow] = []
        public var findings: [FindingRow] = []
        public var services: [ServiceRow] = []
        public var children: [ChildRow] = []
        public var referrals: [ReferralRow] = []
        public var offences: [OffenceRow] = []
        public var interventions: [InterventionRow] = []
        public var population: [PopulationRow] = []
        /// Which files were in the bundle.
        public var present: Set<String> = []
        public init() {}
    }

    /// What the database already knows, for checking references.
    public struct Context: Sendable {
        public var serviceCodes: Set<String>
        /// External child ids already in the database, by id → service codes holding it.
        public var existingChildren: [String: Set<String>]
        public var userEmails: Set<String>
        public var outcomeCodes: Set<String>
        public var today: LocalDate
        /// Offences already in Waypoint by id in the bundle (external id, or Waypoint's id when it
        /// has none) → the bundle ids of their children.
        public var existingOffences: [String: Set<String>] = [:]
        /// Panels, decisions and scrutiny panels already in Waypoint, by the id a bundle names them with.
        public var existingPanels: Set<String> = []
        public var existingDecisions: Set<String> = []
        public var existingScrutinies: Set<String> = []
        public init(
            serviceCodes: Set<String>, existingChildren: [String: Set<String>], userEmails: Set<String>, outcomeCodes: Set<String>,
            today: LocalDate
        ) {
            self.serviceCodes = serviceCodes
            self.existingChildren = existingChildren
            self.userEmails = userEmails
            self.outcomeCodes = outcomeCodes
            self.today = today
        }
    }

    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int?
        public let column: String?
        public let message: String
        /// Messages quote the cell they are about: bounded, so a hostile cell cannot fill a page.
        public init(file: String, line: Int?, column: String?, message: String) {
            self.file = String(file.prefix(100))
            self.line = line
            self.column = column.map { String($0.prefix(100)) }
            self.message = message.count > 1000 ? String(message.prefix(1000)) + "…" : message
        }
        public var description: String {
            [file + (line.map { ":\($0)" } ?? ""), column, message].compactMap { $0 }.joined(separator: ": ")
        }
    }

    public struct Problems: Error, Sendable {
        public let list: [Problem]
    }

    /// At most this many problems are listed (then a count of the rest).
    public static let maxProblems = 500

    /// Validates every file (name → bytes) of a bundle. All problems, or the typed plan.
    public static func validate(_ files: [String: Data], context: Context) -> Result<Plan, Problems> {
        var problems: [Problem] = []
        var plan = Plan()
        let known = Set(Self.files.map(\.name))
        for name in files.keys.sorted() where !known.contains(name) {
            problems.append(
                Problem(
                    file: name, line: nil, column: nil,
                    message: "is not a file of the interchange format (expected: \(Self.files.map(\.name).joined(separator: ", ")))"))
        }
        guard files[children.name] != nil else {
            problems.append(Problem(file: children.name, line: nil, column: nil, message: "is missing: every bundle needs children.csv"))
            return .failure(Problems(list: problems))
        }
        // Parse each file and check its header.
        var tables: [String: (index: [String: Int], records: [CSV.Record])] = [:]
        for spec in Self.files {
            guard let data = files[spec.name] else { continue }
            plan.present.insert(spec.name)
            do {
                let (header, records) = try CSV.parse(data)
                var index: [String: Int] = [:]
                var headerOK = true
                for (i, column) in header.enumerated() {
                    if !spec.columns.contains(column) {
                        problems.append(
                            Problem(
                                file: spec.name, line: 1, column: column.isEmpty ? "(blank)" : column,
                                message: "unknown column (expected columns: \(spec.columns.joined(separator: ", ")))"))
                        headerOK = false
                    } else if index[column] != nil {
                        problems.append(Problem(file: spec.name, line: 1, column: column, message: "column appears twice"))
                        headerOK = false
                    } else {
                        index[column] = i
                    }
                }
                for column in spec.columns where spec.required.contains(column) && index[column] == nil {
                    problems.append(Problem(file: spec.name, line: 1, column: column, message: "required column is missing"))
                    headerOK = false
                }
                if headerOK { tables[spec.name] = (index, records) }
            } catch {
                problems.append(Problem(file: spec.name, line: nil, column: nil, message: error.description))
            }
        }

        func rows(_ spec: FileSpec, _ body: (_ line: Int, _ cell: (String) -> String?, _ problem: (String, String) -> Void) -> Void) {
            guard let t = tables[spec.name] else { return }
            for r in t.records {
                let cell: (String) -> String? = { column in
                    guard let i = t.index[column], i < r.fields.count else { return nil }
                    let v = r.fields[i].trimmingCharacters(in: .whitespaces)
                    return v.isEmpty ? nil : v
                }
                let problem: (String, String) -> Void = { column, message in
                    problems.append(Problem(file: spec.name, line: r.line, column: column, message: message))
                }
                if r.fields.count != t.index.count {
                    problem("(row)", "has \(r.fields.count) cells but the header has \(t.index.count) columns")
                    continue
                }
                body(r.line, cell, problem)
            }
        }

        /// Text cells that a spreadsheet would treat as a formula are refused, not stored.
        func text(_ cell: (String) -> String?, _ column: String, _ problem: (String, String) -> Void, required: Bool, max: Int = 200)
            -> String?
        {
            guard let v = cell(column) else {
                if required { problem(column, "is empty: a value is required") }
                return nil
            }
            if let f = v.first, "=+-@".contains(f) {
                problem(column, "begins with '\(f)', which spreadsheet programs run as a formula: remove it")
                return nil
            }
            if v.count > max { problem(column, "is longer than \(max) characters"); return nil }
            return v
        }
        func date(_ cell: (String) -> String?, _ column: String, _ problem: (String, String) -> Void, required: Bool) -> LocalDate? {
            guard let v = cell(column) else {
                if required { problem(column, "is empty: enter a date as YYYY-MM-DD") }
                return nil
            }
            guard let d = LocalDate(iso: v) else {
                problem(column, "'\(v.prefix(40))' is not a real date in the form YYYY-MM-DD"); return nil
            }
            if d > context.today { problem(column, "\(v) is in the future"); return nil }
            if d < DateWindow.earliest { problem(column, "\(v) is before \(DateWindow.earliest.iso): check the year"); return nil }
            return d
        }
        func code<T: CodedValue>(
            _ cell: (String) -> String?, _ column: String, _ type: T.Type, _ problem: (String, String) -> Void, required: Bool
        ) -> T? {
            guard let v = cell(column) else {
                if required { problem(column, "is empty: use one of \(T.allCases.map(\.rawValue).joined(separator: ", "))") }
                return nil
            }
            guard let c = T(rawValue: v) else {
                problem(column, "unknown code '\(v.prefix(40))' (use one of \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            return c
        }
        func id(_ cell: (String) -> String?, _ column: String, _ problem: (String, String) -> Void, seen: inout [String: Int], line: Int)
            -> String?
        {
            guard let v = text(cell, column, problem, required: true, max: 100) else { return nil }
            if let first = seen[v] { problem(column, "duplicate id '\(v)' (first on line \(first))"); return nil }
            seen[v] = line
            return v
        }

        // services.csv
        var seenServices: [String: Int] = [:]
        rows(services) { line, cell, problem in
            guard let c = id(cell, "service_code", problem, seen: &seenServices, line: line) else { return }
            guard let name = text(cell, "name", problem, required: true) else { return }
            plan.services.append(ServiceRow(code: c, name: name))
        }
        let serviceCodes = context.serviceCodes.union(plan.services.map(\.code))

        // children.csv
        var seenChildren: [String: Int] = [:]
        var bundleChildren: Set<String> = []
        rows(children) { line, cell, problem in
            let childID = id(cell, "child_id", problem, seen: &seenChildren, line: line)
            let service = text(cell, "service_code", problem, required: true, max: 50)
            if let service, !serviceCodes.contains(service) {
                problem("service_code", "no service with code '\(service)': add it to services.csv")
            }
            let given = text(cell, "given_name", problem, required: true, max: 100)
            let family = text(cell, "family_name", problem, required: true, max: 100)
            let dob = date(cell, "date_of_birth", problem, required: true)
            let sex = code(cell, "sex", Sex.self, problem, required: false) ?? .unknown
            let ethnicity = code(cell, "ethnicity", Ethnicity.self, problem, required: false) ?? .notStated
            let care = code(cell, "care_status", CareStatus.self, problem, required: false) ?? CareStatus.none
            let send = code(cell, "send", YesNo.self, problem, required: false)
            let ehcp = code(cell, "ehcp", YesNo.self, problem, required: false)
            var postcode: Postcode?
            if let v = cell("postcode") {
                postcode = Postcode(v); if postcode == nil { problem("postcode", "'\(v)' is not a UK postcode") }
            }
            let district = text(cell, "district", problem, required: false, max: 100)
            var pnc: PNCID?
            if let v = cell("pnc_id") {
                pnc = PNCID(v);
                if pnc == nil { problem("pnc_id", "'\(v)' is not a valid PNC ID (YYYY/NNNNNNNC with the right check letter)") }
            }
            var upn: UPN?
            if let v = cell("upn") {
                upn = UPN(v); if upn == nil { problem("upn", "'\(v)' is not a valid UPN (13 characters with the right check letter)") }
            }
            var nhs: NHSNumber?
            if let v = cell("nhs_number") {
                nhs = NHSNumber(v); if nhs == nil { problem("nhs_number", "'\(v)' is not a valid NHS number (10 digits, check digit)") }
            }
            guard let childID, let service, serviceCodes.contains(service), let given, let family, let dob else { return }
            bundleChildren.insert(childID)
            plan.children.append(
                ChildRow(
                    childID: childID, serviceCode: service,
                    details: ChildDetails(
                        givenName: given, familyName: family, dateOfBirth: dob, sex: sex, ethnicity: ethnicity, careStatus: care,
                        send: send, ehcp: ehcp,
                        postcode: postcode, district: district, pncID: pnc, upn: upn, nhsNumber: nhs)))
        }

        func childRef(_ cell: (String) -> String?, _ problem: (String, String) -> Void) -> String? {
            guard let v = text(cell, "child_id", problem, required: true, max: 100) else { return nil }
            if bundleChildren.contains(v) { return v }
            if seenChildren[v] != nil { return nil }  // the child row itself is in error
            switch context.existingChildren[v]?.count ?? 0 {
            case 0: problem("child_id", "no child with id '\(v)' in children.csv or in Waypoint")
            case 1: return v
            default: problem("child_id", "child id '\(v)' exists in several services: import it with its children.csv row")
            }
            return nil
        }

        var seenReferrals: [String: Int] = [:]
        rows(referrals) { line, cell, problem in
            let rid = id(cell, "referral_id", problem, seen: &seenReferrals, line: line)
            let child = childRef(cell, problem)
            let received = date(cell, "received_on", problem, required: true)
            let source = code(cell, "source", ReferralSource.self, problem, required: true)
            let decision = code(cell, "decision", ScreeningDecision.self, problem, required: true)
            let decided = date(cell, "decided_on", problem, required: false)
            let destination = code(cell, "destination", ScreenOutDestination.self, problem, required: false)
            let type = code(cell, "intervention_type", InterventionType.self, problem, required: false)
            if let decision, decision != .pending, decided == nil, cell("decided_on") == nil {
                problem("decided_on", "is empty: a decided referral needs the date of the decision")
            }
            if decision == .pending, cell("decided_on") != nil { problem("decided_on", "must be empty while the decision is pending") }
            if let received, let decided, decided < received {
                problem("decided_on", "\(decided.iso) is before the referral was received (\(received.iso))")
            }
            if decision == .screenedOut, cell("destination") == nil {
                problem("destination", "is empty: a screened-out referral needs its destination")
            }
            if decision != .screenedOut, cell("destination") != nil { problem("destination", "is only for screened-out referrals") }
            if decision != .accepted, cell("intervention_type") != nil { problem("intervention_type", "is only for accepted referrals") }
            guard let rid, let child, let received, let source, let decision else { return }
            plan.referrals.append(
                ReferralRow(
                    referralID: rid, childID: child, receivedOn: received, source: source, decision: decision,
                    decidedOn: decided, destination: destination, interventionType: type))
        }

        var seenOffences: [String: Int] = [:]
        rows(offences) { line, cell, problem in
            let oid = id(cell, "offence_id", problem, seen: &seenOffences, line: line)
            let child = childRef(cell, problem)
            let offenceDate = date(cell, "offence_date", problem, required: true)
            let category = code(cell, "category", OffenceCategory.self, problem, required: true)
            var gravity: Int?
            if let g = cell("gravity") {
                gravity = Int(g);
                if gravity == nil || !(1...5).contains(gravity!) {
                    problem("gravity", "'\(g)' is not a gravity score from 1 to 5"); gravity = nil
                }
            }
            let outcome = cell("outcome")
            if let o = outcome, !context.outcomeCodes.contains(o) {
                problem("outcome", "unknown outcome code '\(o)' (an administrator can add new national codes)")
            }
            if outcome == nil { problem("outcome", "is empty: use 'pending' while there is no outcome") }
            let outcomeDate = date(cell, "outcome_date", problem, required: false)
            if let o = outcome, o != "pending", cell("outcome_date") == nil {
                problem("outcome_date", "is empty: outcome '\(o)' needs its date")
            }
            if outcome == "pending", cell("outcome_date") != nil { problem("outcome_date", "must be empty while the outcome is pending") }
            if let od = offenceDate, let d = outcomeDate, d < od {
                problem("outcome_date", "\(d.iso) is before the offence date (\(od.iso))")
            }
            guard let oid, let child, let offenceDate, let category, let outcome, context.outcomeCodes.contains(outcome) else { return }
            plan.offences.append(
                OffenceRow(
                    offenceID: oid, childID: child, offenceDate: offenceDate, category: category, gravity: gravity,
                    outcome: outcome, outcomeDate: outcomeDate))
        }

        var seenInterventions: [String: Int] = [:]
        rows(interventions) { line, cell, problem in
            let iid = id(cell, "intervention_id", problem, seen: &seenInterventions, line: line)
            let child = childRef(cell, problem)
            let type = code(cell, "type", InterventionType.self, problem, required: true)
            let start = date(cell, "start_date", problem, required: true)
            let end = date(cell, "end_date", problem, required: false)
            if let start, let end, end < start { problem("end_date", "\(end.iso) is before the start date (\(start.iso))") }
            var manager: String?
            if let m = cell("case_manager") {
                manager = m.lowercased()
                if !context.userEmails.contains(manager!) {
                    problem("case_manager", "no user with email '\(m)': create the user first, or leave it empty")
                }
            }
            let reason = code(cell, "closure_reason", ClosureReason.self, problem, required: false)
            if cell("closure_reason") != nil, cell("end_date") == nil {
                problem("closure_reason", "is only for interventions with an end_date")
            }
            guard let iid, let child, let type, let start else { return }
            plan.interventions.append(
                InterventionRow(
                    interventionID: iid, childID: child, type: type, startDate: start, endDate: end,
                    caseManager: manager, closureReason: reason))
        }

        var seenPopulation: [String: Int] = [:]
        rows(population) { line, cell, problem in
            let service = text(cell, "service_code", problem, required: true, max: 50)
            if let service, !serviceCodes.contains(service) {
                problem("service_code", "no service with code '\(service)': add it to services.csv")
            }
            func number(_ column: String, _ range: ClosedRange<Int>) -> Int? {
                guard let v = cell(column) else { problem(column, "is empty: a number is required"); return nil }
                guard let n = Int(v), range.contains(n) else {
                    problem(column, "'\(v)' is not a whole number from \(range.lowerBound) to \(range.upperBound)"); return nil
                }
                return n
            }
            let year = number("year", 2000...2100)
            let age = number("age", 10...17)
            let sex = code(cell, "sex", Sex.self, problem, required: true)
            let group = code(cell, "ethnicity_group", EthnicityGroup.self, problem, required: true)
            let count = number("count", 0...10_000_000)
            guard let service, serviceCodes.contains(service), let year, let age, let sex, let group, let count else { return }
            let key = "\(service)|\(year)|\(age)|\(sex.rawValue)|\(group.rawValue)"
            if let first = seenPopulation[key] {
                problem(
                    "(row)", "duplicate row for \(service) \(year) age \(age) \(sex.rawValue) \(group.rawValue) (first on line \(first))");
                return
            }
            seenPopulation[key] = line
            plan.population.append(PopulationRow(serviceCode: service, year: year, age: age, sex: sex, ethnicityGroup: group, count: count))
        }

        // The child's records (care, exploitation, achievements), by the form's own rules.
        let bundleOffences = Dictionary(plan.offences.map { ($0.offenceID, $0.childID) }, uniquingKeysWith: { a, _ in a })
        for rf in recordFiles {
            var seen: [String: Int] = [:]
            rows(rf.file) { line, cell, problem in
                let ext = id(cell, rf.idColumn, problem, seen: &seen, line: line)
                let child = childRef(cell, problem)
                var form: [String: String] = [:]
                var bad: Set<String> = []
                var lookups: [String: [(code: String, label: String)]] = [:]
                for field in rf.fields {
                    guard let raw = cell(field.name) else { continue }
                    switch field.kind {
                    case .date:
                        if let d = date(cell, field.name, problem, required: false) {
                            form.merge(Parse.dateValues(d, field.name)) { $1 }
                        } else {
                            bad.insert(field.name)
                        }
                    case .text, .longText:
                        if let v = text(cell, field.name, problem, required: false, max: 8000) {
                            form[field.name] = v
                        } else {
                            bad.insert(field.name)
                        }
                    case .lookup("offences"):
                        if let child, bundleOffences[raw] == child || context.existingOffences[raw]?.contains(child) == true {
                            lookups["offences"] = [(raw, raw)]
                            form[field.name] = raw
                        } else {
                            if child != nil {
                                problem(field.name, "no offence '\(raw.prefix(40))' of child '\(child!)' in offences.csv or in Waypoint")
                            }
                            bad.insert(field.name)
                        }
                    default:
                        form[field.name] = raw
                    }
                }
                switch RecordForm.parse(rf.kind.spec, FormValues(form), today: context.today, lookups: lookups) {
                case .failure(let e):
                    for err in e.errors {
                        let column = err.field.hasSuffix("-day") ? String(err.field.dropLast(4)) : err.field
                        if !bad.contains(column) { problem(column, err.message) }
                    }
                case .success(let values):
                    guard let ext, let child, bad.isEmpty else { return }
                    plan.records[rf.kind, default: []].append(RecordRow(external: ext, childID: child, values: values))
                }
            }
        }

        // Joint out-of-court panels, by the web forms' own rules.
        func dateValues(
            _ cell: (String) -> String?, _ column: String, _ problem: (String, String) -> Void, into form: inout [String: String]
        )
            -> Bool
        {
            guard cell(column) != nil else { return true }
            guard let d = date(cell, column, problem, required: false) else { return false }
            form.merge(Parse.dateValues(d, column)) { $1 }
            return true
        }
        func report(_ e: FormErrors, _ problem: (String, String) -> Void, skipping bad: Set<String> = []) {
            for err in e.errors {
                let column = err.field.hasSuffix("-day") ? String(err.field.dropLast(4)) : err.field
                if !bad.contains(column) { problem(column, err.message) }
            }
        }
        var seenPanels: [String: Int] = [:]
        rows(disposalPanels) { line, cell, problem in
            let pid = id(cell, "panel_id", problem, seen: &seenPanels, line: line)
            let service = text(cell, "service_code", problem, required: true, max: 50)
            if let service, !serviceCodes.contains(service) {
                problem("service_code", "no service with code '\(service)': add it to services.csv")
            }
            var form: [String: String] = [:]
            var bad: Set<String> = []
            if !dateValues(cell, "held_on", problem, into: &form) { bad.insert("held_on") }
            for c in ["place"] + PanelAgency.allCases.map({ "member_\($0.rawValue)" }) where cell(c) != nil {
                if let v = text(cell, c, problem, required: false, max: 500) { form[c] = v } else { bad.insert(c) }
            }
            switch DisposalPanelForms.panel(FormValues(form), today: context.today) {
            case .failure(let e): report(e, problem, skipping: bad)
            case .success(let p):
                guard let pid, let service, serviceCodes.contains(service), bad.isEmpty else { return }
                plan.panels.append(PanelRow(panelID: pid, serviceCode: service, panel: p))
            }
        }
        let panelIDs = context.existingPanels.union(plan.panels.map(\.panelID))
        var seenDecisions: [String: Int] = [:]
        var decidedOffences: [String: Int] = [:]
        rows(panelDecisions) { line, cell, problem in
            let did = id(cell, "decision_id", problem, seen: &seenDecisions, line: line)
            let panel = text(cell, "panel_id", problem, required: true, max: 100)
            // A panel whose own row is in error is reported there, not again here.
            if let panel, !panelIDs.contains(panel), seenPanels[panel] == nil {
                problem("panel_id", "no panel '\(panel.prefix(40))' in disposal_panels.csv or in Waypoint")
            }
            let child = childRef(cell, problem)
            var form: [String: String] = [:]
            var bad: Set<String> = []
            if let o = cell("offence_id") {
                if let child, bundleOffences[o] == child || context.existingOffences[o]?.contains(child) == true {
                    form["offence_id"] = o
                    if let first = decidedOffences[o] {
                        problem("offence_id", "offence '\(o.prefix(40))' already has a decision (line \(first)): one per offence");
                        bad.insert("offence_id")
                    }
                    decidedOffences[o] = line
                } else {
                    if child != nil {
                        problem("offence_id", "no offence '\(o.prefix(40))' of child '\(child!)' in offences.csv or in Waypoint")
                    }
                    bad.insert("offence_id")
                }
            }
            for c in ["screening", "outcome", "rationale", "conditions"] where cell(c) != nil {
                if let v = text(cell, c, problem, required: false, max: 8000) { form[c] = v } else { bad.insert(c) }
            }
            if let o = cell("outcome"), PanelOutcome(rawValue: o) == nil {
                problem(
                    "outcome",
                    "unknown code '\(o.prefix(40))' (use one of \(PanelOutcome.allCases.map(\.rawValue).joined(separator: ", ")))")
                bad.insert("outcome")
            }
            switch DisposalPanelForms.decision(FormValues(form), offences: Set(form["offence_id"].map { [$0] } ?? [])) {
            case .failure(let e): report(e, problem, skipping: bad)
            case .success(let d):
                guard let did, let panel, panelIDs.contains(panel), let child, bad.isEmpty else { return }
                plan.decisions.append(DecisionRow(decisionID: did, panelID: panel, childID: child, decision: d))
            }
        }
        let decisionIDs = context.existingDecisions.union(plan.decisions.map(\.decisionID))
        var seenScrutinies: [String: Int] = [:]
        rows(scrutinyPanels) { line, cell, problem in
            let sid = id(cell, "scrutiny_id", problem, seen: &seenScrutinies, line: line)
            let service = text(cell, "service_code", problem, required: true, max: 50)
            if let service, !serviceCodes.contains(service) {
                problem("service_code", "no service with code '\(service)': add it to services.csv")
            }
            let held = date(cell, "held_on", problem, required: true)
            let from = date(cell, "sample_from", problem, required: true)
            let to = date(cell, "sample_to", problem, required: true)
            if let from, let to, to < from { problem("sample_to", "\(to.iso) is before sample_from (\(from.iso))") }
            guard let sid, let service, serviceCodes.contains(service), let held, let from, let to, from <= to else { return }
            plan.scrutinies.append(ScrutinyRow(scrutinyID: sid, serviceCode: service, heldOn: held, from: from, to: to))
        }
        let scrutinyIDs = context.existingScrutinies.union(plan.scrutinies.map(\.scrutinyID))
        var seenFindings: [String: Int] = [:]
        rows(scrutinyFindings) { line, cell, problem in
            let sid = text(cell, "scrutiny_id", problem, required: true, max: 100)
            let did = text(cell, "decision_id", problem, required: true, max: 100)
            if let sid, !scrutinyIDs.contains(sid), seenScrutinies[sid] == nil {
                problem("scrutiny_id", "no scrutiny panel '\(sid.prefix(40))' in scrutiny_panels.csv or in Waypoint")
            }
            if let did, !decisionIDs.contains(did), seenDecisions[did] == nil {
                problem("decision_id", "no decision '\(did.prefix(40))' in panel_decisions.csv or in Waypoint")
            }
            if let sid, let did {
                if let first = seenFindings["\(sid)|\(did)"] {
                    problem("decision_id", "this decision is already in this scrutiny panel (line \(first))"); return
                }
                seenFindings["\(sid)|\(did)"] = line
            }
            var form: [String: String] = [:]
            var bad: Set<String> = []
            for c in ["finding", "learning"] where cell(c) != nil {
                if let v = text(cell, c, problem, required: false, max: 8000) { form[c] = v } else { bad.insert(c) }
            }
            var finding: ScrutinyFinding?
            var learning: String?
            if form["finding"] != nil || form["learning"] != nil {
                switch DisposalPanelForms.finding(FormValues(form)) {
                case .failure(let e): report(e, problem, skipping: bad); return
                case .success(let (f, l)): (finding, learning) = (f, l)
                }
            }
            guard let sid, let did, scrutinyIDs.contains(sid), decisionIDs.contains(did), bad.isEmpty else { return }
            plan.findings.append(FindingRow(scrutinyID: sid, decisionID: did, finding: finding, learning: learning))
        }

        if problems.count > maxProblems {
            let more = problems.count - maxProblems
            problems = Array(problems.prefix(maxProblems))
            problems.append(
                Problem(file: "(bundle)", line: nil, column: nil, message: "and \(more) more problems: fix these and check again"))
        }
        return problems.isEmpty ? .success(plan) : .failure(Problems(list: problems))
    }
}
