import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// A child's stored record.
struct ChildRecord {
    let id: UUID
    let serviceID: UUID
    let version: Int
    let details: ChildDetails
    let createdAt: Date
    let updatedAt: Date
}

/// A row of the register list: only what the list shows.
struct ChildListRow: Decodable {
    let id: UUID
    /// Whose record it is (for the audit of who was shown it); absent where a query does not ask.
    let service_id: UUID?
    let given_name: String
    let family_name: String
    let preferred_name: String?
    let date_of_birth: String
    let district: String?
    let nhs_number: String?
    let pnc_id: String?
    let alerts: String?
}

extension ChildListRow {
    /// A row as read by `Rows` (nil only without the register's required columns).
    init?(_ r: RowReader) {
        guard let id = r.uuid("id"), let given = r.string("given_name"), let family = r.string("family_name"),
            let born = r.string("date_of_birth")
        else { return nil }
        self.init(
            id: id, service_id: r.uuid("service_id"), given_name: given, family_name: family, preferred_name: r.string("preferred_name"),
            date_of_birth: born, district: r.string("district"), nhs_number: r.string("nhs_number"), pnc_id: r.string("pnc_id"),
            alerts: r.string("alerts"))
    }
}

struct ChildSearch: Equatable {
    var text: String?
    var dateOfBirth: LocalDate?
}

/// Reads and writes children. Every read takes the services the user is granted: no query
/// that returns a child skips that filter.
enum ChildStore {
    static let pageSize = 25

    private struct Row {
        let id: UUID
        let service_id: UUID
        let version: Int
        let created_at: Date
        let updated_at: Date
        let given_name: String
        let family_name: String
        let preferred_name: String?
        let date_of_birth: String
        let sex: String
        let ethnicity: String
        let care_status: String
        let send: String?
        let ehcp: String?
        let postcode: String?
        let district: String?
        let pnc_id: String?
        let upn: String?
        let nhs_number: String?
        let school: String?
        let ete_status: String?
        let accommodation: String?
        let what_matters: String?
        let strengths: String?
        let alerts: String?

        /// Read by column from the driver's row (`RowReader`), not through Codable: decoding the child's
        /// 25 columns through `SQLRowDecoder` was about 1% of the child page's time on PostgreSQL (perf, 4 December).
        init?(_ r: RowReader) {
            guard let id = r.uuid("id"), let service = r.uuid("service_id"), let version = r.int("version"),
                let created = r.time("created_at"), let updated = r.time("updated_at"), let given = r.string("given_name"),
                let family = r.string("family_name"), let dob = r.string("date_of_birth"), let sex = r.string("sex"),
                let ethnicity = r.string("ethnicity"), let care = r.string("care_status")
            else { return nil }
            (self.id, service_id, self.version, created_at, updated_at) = (id, service, version, created, updated)
            (given_name, family_name, preferred_name, date_of_birth) = (given, family, r.string("preferred_name"), dob)
            (self.sex, self.ethnicity, care_status) = (sex, ethnicity, care)
            (send, ehcp, postcode, district) = (r.string("send"), r.string("ehcp"), r.string("postcode"), r.string("district"))
            (pnc_id, upn, nhs_number, school) = (r.string("pnc_id"), r.string("upn"), r.string("nhs_number"), r.string("school"))
            (ete_status, accommodation) = (r.string("ete_status"), r.string("accommodation"))
            (what_matters, strengths, alerts) = (r.string("what_matters"), r.string("strengths"), r.string("alerts"))
        }

        var record: ChildRecord? {
            guard let dob = LocalDate(iso: date_of_birth), let sex = Sex(rawValue: sex),
                let eth = Ethnicity(rawValue: ethnicity), let care = CareStatus(rawValue: care_status)
            else { return nil }
            let details = ChildDetails(
                givenName: given_name, familyName: family_name, preferredName: preferred_name, dateOfBirth: dob,
                sex: sex, ethnicity: eth, careStatus: care, send: send.flatMap(YesNo.init), ehcp: ehcp.flatMap(YesNo.init),
                postcode: postcode.flatMap(Postcode.init), district: district, pncID: pnc_id.flatMap(PNCID.init),
                upn: upn.flatMap(UPN.init), nhsNumber: nhs_number.flatMap(NHSNumber.init), school: school,
                eteStatus: ete_status.flatMap(ETEStatus.init), accommodation: accommodation.flatMap(Accommodation.init),
                whatMatters: what_matters, strengths: strengths,
                alerts: (alerts ?? "").split(separator: ",").compactMap { AlertFlag(rawValue: String($0)) })
            return ChildRecord(
                id: id, serviceID: service_id, version: version, details: details,
                createdAt: created_at, updatedAt: updated_at)
        }
    }

    /// The child, if it exists in one of `serviceIDs`.
    static func find(_ id: UUID, in serviceIDs: [UUID], on db: Database) async throws -> ChildRecord? {
        guard !serviceIDs.isEmpty else { return nil }
        let query = db.sql.select().column("*").from("children")
            .where("id", .equal, SQLBind(id))
            .where("service_id", .in, SQLBind.group(serviceIDs))
        return try await Rows.collect(query) { Row($0) }.first?.record
    }

    /// The children with these ids in these services, by id.
    static func findAll(_ ids: [UUID], in serviceIDs: [UUID], on db: Database) async throws -> [UUID: ChildRecord] {
        guard !serviceIDs.isEmpty else { return [:] }
        var out: [UUID: ChildRecord] = [:]
        for chunk in Array(Set(ids)).chunked() {
            let query = KeptStatements.statement(
                "children-in-services:\(chunk.count):\(serviceIDs.count)", on: db.sql, binds: chunk + serviceIDs
            ) { db in
                db.select().column("*").from("children").where("id", .in, SQLBind.group(chunk))
                    .where("service_id", .in, SQLBind.group(serviceIDs))
            }
            for row in try await Rows.collect(query, { Row($0) }) {
                out[row.id] = row.record
            }
        }
        return out
    }

    static func insert(_ d: ChildDetails, serviceID: UUID, on db: Database, now: Date, externalID: String? = nil) async throws -> UUID {
        let id = UUID()
        var columns = ["id", "service_id", "version", "created_at", "updated_at", "external_id"]
        var values: [any SQLExpression] = [SQLBind(id), SQLBind(serviceID), SQLBind(1), SQLBind(now), SQLBind(now), SQLBind(externalID)]
        for f in d.fields {
            columns.append(f.column)
            values.append(SQLBind(f.value))
        }
        try await db.sql.insert(into: "children").columns(columns).values(values).run()
        return id
    }

    /// Writes `d` only if the record is still at `expectedVersion`; false when someone else
    /// changed it first (optimistic locking).
    static func update(_ id: UUID, expectedVersion: Int, to d: ChildDetails, on db: Database, now: Date) async throws -> Bool {
        var q = db.sql.update("children")
            .set("version", to: SQLBind(expectedVersion + 1))
            .set("updated_at", to: SQLBind(now))
        for f in d.fields { q = q.set(SQLIdentifier(f.column), to: SQLBind(f.value)) }
        let updated = try await q.where("id", .equal, SQLBind(id))
            .where("version", .equal, SQLBind(expectedVersion))
            .returning("id")
            .all()
        return !updated.isEmpty
    }

    /// Register search: name words (partial, case- and accent-insensitive), or an identifier,
    /// and/or date of birth. Ordered by family then given name.
    static func search(_ s: ChildSearch, in serviceIDs: [UUID], page: Int, counts: NameGramCounts, on db: Database) async throws -> (
        rows: [ChildListRow], total: Int
    ) {
        guard !serviceIDs.isEmpty else { return ([], 0) }
        var words: [String] = []
        var ids: [(String, String)] = []
        if let text = s.text {
            words = SearchText.fold(text).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
                .split(separator: " ").map(String.init)
            if let n = NHSNumber(text) { ids.append(("nhs_number", n.digits)) }
            if let u = UPN(text) { ids.append(("upn", u.value)) }
            if let p = PNCID(text) { ids.append(("pnc_id", p.canonical)) }
        }
        let grams = nameGrams(words)
        // Names alone, with a run of three to look for: found in the children's runs
        // (`M0039_RegisterNameGrams`), which hold each child's name and order too.
        // The rarest of the runs typed (`NameGramCounts`): only the children whose names hold it can match.
        let rarest = ids.isEmpty && s.dateOfBirth == nil ? try await counts.rarest(grams, in: serviceIDs, on: db) : nil
        let byRuns = rarest != nil
        func filtered(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            var b = b.where("service_id", .in, SQLBind.group(serviceIDs))
            if let rarest {
                b = b.where("gram", .equal, SQLBind(rarest))
                for w in words { b = b.where("search_name", .like, SQLBind("%\(w)%")) }
                return b
            }
            if let dob = s.dateOfBirth { b = b.where("date_of_birth", .equal, SQLBind(dob.iso)) }
            if s.text != nil {
                b = b.where { g in
                    var g = g
                    if !words.isEmpty {
                        g = g.orWhere { inner in
                            var inner = inner
                            for w in words { inner = inner.where("search_name", .like, SQLBind("%\(w)%")) }
                            return inner
                        }
                    }
                    for (col, v) in ids { g = g.orWhere(SQLIdentifier(col), .equal, SQLBind(v)) }
                    return g
                }
            }
            return b
        }
        let source = byRuns ? "child_name_grams" : "children"
        let id = byRuns ? "child_id" : "id"
        let offset = max(0, page - 1) * pageSize
        // The page's children are found by what the register's order index holds (name order, the
        // name to test, the id), then read by id: PostgreSQL then walks that index alone, where
        // asking for the other columns made it fetch every child the walk passed from the table to
        // test the name (a page of Smiths at 20,000 children: 8–17 ms, now 2.3 ms). With words to
        // test, the matches are counted in the same pass (`COUNT(*) OVER ()`, before the page is
        // cut). Without, they are counted apart and the page is read from the order index alone:
        // counting them in the page's pass read and sorted every child of the service for a page of
        // 25 (the register's first page at 20,000 children: 22 ms a request).
        let countedApart = s.text == nil
        var pageColumns = db.sql.select().column(SQLIdentifier(id), as: "id").columns("family_name", "given_name")
        if !countedApart { pageColumns = pageColumns.column(SQLRaw("COUNT(*) OVER ()"), as: "matches") }
        let page = filtered(pageColumns.from(source))
            .orderBy("family_name").orderBy("given_name").orderBy(SQLIdentifier(id))
            .limit(pageSize).offset(offset)
        let c = "children"
        let query = db.sql.select()
            .columns(
                [
                    "id", "service_id", "given_name", "family_name", "preferred_name", "date_of_birth", "district", "nhs_number", "pnc_id",
                    "alerts"
                ]
                .map { SQLColumn($0, table: c) }
            )
            .column(countedApart ? SQLLiteral.numeric("0") : SQLColumn("matches", table: "page"), as: "matches")
            .from(SQLAlias(SQLGroupExpression(page.select), as: SQLIdentifier("page")))
            .join(c, on: SQLColumn("id", table: c), .equal, SQLColumn("id", table: "page"))
            .orderBy(SQLColumn("family_name", table: "page")).orderBy(SQLColumn("given_name", table: "page"))
            .orderBy(SQLColumn("id", table: "page"))
        let read = try await Rows.collect(query) { r in ChildListRow(r).map { ($0, r.int("matches") ?? 0) } }
        let rows = read.map(\.0)
        if !countedApart, let matches = read.first?.1 { return (rows, matches) }
        // Counted apart, or no rows: nothing matches, or the page is past the end.
        guard countedApart || offset > 0 else { return ([], 0) }
        struct Count: Decodable { let n: Int }
        let total =
            try await filtered(db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(source))
            .first(decoding: Count.self)?.n ?? 0
        return (rows, total)
    }

    /// The runs of three characters of the words typed (as `child_name_grams` holds them: by
    /// Unicode scalar, as the databases count characters), at most `maxGrams` of them: any one is
    /// enough to narrow the search, and a name is always tested in full.
    static func nameGrams(_ words: [String]) -> [String] {
        var grams: [String] = []
        for w in words {
            let scalars = Array(w.unicodeScalars)
            guard scalars.count >= 3 else { continue }
            for i in 0...(scalars.count - 3) where grams.count < maxGrams {
                var g = String.UnicodeScalarView()
                g.append(contentsOf: scalars[i..<(i + 3)])
                let gram = String(g)
                if !grams.contains(gram) { grams.append(gram) }
            }
        }
        return grams
    }

    static let maxGrams = 16

    /// Children in the user's services who may be the same child: same name and date of
    /// birth, or any identifier in common.
    static func possibleDuplicates(of d: ChildDetails, in serviceIDs: [UUID], excluding: UUID? = nil, on db: Database) async throws
        -> [ChildListRow]
    {
        guard !serviceIDs.isEmpty else { return [] }
        var b = db.sql.select()
            .columns("id", "given_name", "family_name", "preferred_name", "date_of_birth", "district", "nhs_number", "pnc_id", "alerts")
            .column("upn")
            .from("children")
            .where("service_id", .in, SQLBind.group(serviceIDs))
        if let excluding { b = b.where("id", .notEqual, SQLBind(excluding)) }
        b = b.where { g in
            var g = g.orWhere("date_of_birth", .equal, SQLBind(d.dateOfBirth.iso))
            if let n = d.nhsNumber { g = g.orWhere("nhs_number", .equal, SQLBind(n.digits)) }
            if let u = d.upn { g = g.orWhere("upn", .equal, SQLBind(u.value)) }
            if let p = d.pncID { g = g.orWhere("pnc_id", .equal, SQLBind(p.canonical)) }
            return g
        }
        struct Candidate: Decodable {
            let upn: String?
        }
        let rows = try await b.limit(500).all()
        let fullName = SearchText.fold("\(d.givenName) \(d.familyName)")
        var result: [ChildListRow] = []
        for row in rows {
            let c = try row.decode(model: ChildListRow.self)
            let upn = try row.decode(model: Candidate.self).upn
            let sameNameAndDOB =
                c.date_of_birth == d.dateOfBirth.iso
                && SearchText.fold("\(c.given_name) \(c.family_name)") == fullName
            let sameID =
                (d.nhsNumber != nil && c.nhs_number == d.nhsNumber?.digits)
                || (d.pncID != nil && c.pnc_id == d.pncID?.canonical)
                || (d.upn != nil && upn == d.upn?.value)
            if sameNameAndDOB || sameID { result.append(c) }
        }
        return result
    }
}
