import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Contacts counted per child and month (`contact_months`, M0043) stay equal to the contacts
/// themselves whatever writes them, and a period's whole months are read from the counts.
@Suite struct ContactMonthsTests {
    /// The days from `a` to `b` (ISO dates, in order).
    static func period(_ a: String, _ b: String) throws -> ReportPeriod {
        let from = try #require(LocalDate(iso: a)), to = try #require(LocalDate(iso: b))
        return try #require(ReportPeriod(from: from, to: to))
    }

    @Test func aPeriodsWholeMonthsAndTheDaysAroundThem() throws {
        func period(_ a: String, _ b: String) throws -> ReportPeriod { try Self.period(a, b) }
        let year = try #require(ContactMonths.whole(try period("2024-04-01", "2025-03-31")))
        #expect(year == ContactMonths.Whole(first: "2024-04", last: "2025-03", before: nil, after: nil))
        let parts = try #require(ContactMonths.whole(try period("2024-01-15", "2024-03-27")))
        #expect(parts.first == "2024-02" && parts.last == "2024-02")
        let (before, after) = (try period("2024-01-15", "2024-01-31"), try period("2024-03-01", "2024-03-27"))
        #expect(parts.before == before && parts.after == after)
        // February of a leap year, whole; and the last day of a month is a whole month's end.
        let leap = try #require(ContactMonths.whole(try period("2024-02-01", "2024-02-29")))
        #expect(leap.first == "2024-02" && leap.last == "2024-02" && leap.before == nil && leap.after == nil)
        let december = try #require(ContactMonths.whole(try period("2023-11-30", "2024-01-01")))
        #expect(december.first == "2023-12" && december.last == "2023-12")
        let (lastDay, firstDay) = (try period("2023-11-30", "2023-11-30"), try period("2024-01-01", "2024-01-01"))
        #expect(december.before == lastDay && december.after == firstDay)
        // No whole month: every day from the contacts.
        #expect(ContactMonths.whole(try period("2023-07-15", "2023-07-15")) == nil)
        #expect(ContactMonths.whole(try period("2023-07-02", "2023-08-30")) == nil)
    }

    /// The counts are of the codes a contact can have: a new code needs a column (and a migration).
    @Test func theCountedCodesAreTheContactsCodes() {
        #expect(M0043_ContactMonths.attendance == Options.attendance.map(\.code))
        #expect(M0043_ContactMonths.types == Options.contactTypes.map(\.code))
    }

    /// Each row of counts as the table holds it (rows of noughts left out), and as counted here
    /// from every contact.
    static func counts(_ db: any SQLDatabase) async throws -> (kept: [String], rebuilt: [String]) {
        let columns = M0043_ContactMonths.counts("c").map(\.column)
        var kept: [String] = []
        for row in try await db.select().column("*").from("contact_months").all() {
            let n = try columns.map { try row.decode(column: $0, as: Int.self) }
            guard n.last != 0 else { continue }
            let key = try ["child_id", "month", "service_id"].map { c in
                c == "month" ? try row.decode(column: c, as: String.self) : try row.decode(column: c, as: UUID.self).uuidString
            }
            kept.append((key + n.map(String.init)).joined(separator: " "))
        }
        struct C: Decodable {
            let child_id: UUID
            let service_id: UUID
            let contact_on: String?
            let attendance: String?
            let contact_type: String?
        }
        var rebuilt: [String: [Int]] = [:]
        let attendance = Options.attendance.map(\.code), types = Options.contactTypes.map(\.code)
        for c in try await db.select().columns("child_id", "service_id", "contact_on", "attendance", "contact_type").from("contacts")
            .all(decoding: C.self)
        {
            guard let on = c.contact_on else { continue }
            let key = "\(c.child_id.uuidString) \(on.prefix(7)) \(c.service_id.uuidString)"
            var n = rebuilt[key] ?? Array(repeating: 0, count: columns.count)
            // attended…, arranged, one_to_one…, no type, all.
            if let a = c.attendance {
                if let i = attendance.firstIndex(of: a) { n[i] += 1 }
                if let t = c.contact_type {
                    if let i = types.firstIndex(of: t) { n[attendance.count + 1 + i] += 1 }
                } else {
                    n[attendance.count + 1 + types.count] += 1
                }
            } else {
                n[attendance.count] += 1
            }
            n[columns.count - 1] += 1
            rebuilt[key] = n
        }
        return (kept.sorted(), rebuilt.map { ([$0.key] + $0.value.map(String.init)).joined(separator: " ") }.sorted())
    }

    @Test(arguments: TestDatabase.all)
    func theCountsFollowEveryWriteOfAContact(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let sql = app.db.sql
            var (kept, rebuilt) = try await Self.counts(sql)
            #expect(rebuilt.count > 100, "the demo has contacts")
            #expect(kept == rebuilt, "the demo's contacts, as written")
            // A contact's attendance recorded, another's date moved to another month, a third's type
            // cleared, a fourth removed.
            struct R: Decodable { let id: UUID; let contact_on: String? }
            let some = try await sql.select().columns("id", "contact_on").from("contacts").orderBy("id").limit(4).all(decoding: R.self)
            try #require(some.count == 4)
            try await sql.update("contacts").set("attendance", to: SQLBind("did_not_attend")).where("id", .equal, SQLBind(some[0].id)).run()
            try await sql.update("contacts").set("contact_on", to: SQLBind("2019-01-05")).where("id", .equal, SQLBind(some[1].id)).run()
            try await sql.update("contacts").set("contact_type", to: SQLLiteral.null).where("id", .equal, SQLBind(some[2].id)).run()
            try await sql.delete(from: "contacts").where("id", .equal, SQLBind(some[3].id)).run()
            // A contact with no date is in no month; dated later, it is.
            try await sql.update("contacts").set("contact_on", to: SQLLiteral.null).where("id", .equal, SQLBind(some[0].id)).run()
            (kept, rebuilt) = try await Self.counts(sql)
            #expect(kept == rebuilt, "after changes by hand")
            try await sql.update("contacts").set("contact_on", to: SQLBind("2023-06-30")).where("id", .equal, SQLBind(some[0].id)).run()
            // A split of the service moves its district's records, contacts with them.
            try await ReportAgreementTests.splitSouthgate(app)
            (kept, rebuilt) = try await Self.counts(sql)
            #expect(kept == rebuilt, "after a split")
            #expect(rebuilt.contains { $0.contains(" 2019-01 ") }, "the moved contact's month")
            // The migration's own filling gives the same counts.
            try await sql.delete(from: "contact_months").run()
            try await M0043_ContactMonths.fill(on: app.db)
            #expect(try await Self.counts(sql).kept == rebuilt)
        }
    }

    /// A period of whole and part months counts each contact once: from the counts for the whole
    /// months and from the contacts for the days around them, as counting every contact does.
    @Test(arguments: TestDatabase.all)
    func contactAttendanceReadsWholeMonthsFromTheCounts(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let today = LocalDate(year: 2024, month: 3, day: 27)!
            _ = try await DemoData.load(on: app.db, password: Fixtures.password, hasher: { try app.password.hash($0) }, today: today)
            let period = try Self.period("2023-06-17", today.iso)
            #expect(ContactMonths.whole(period)?.before != nil && ContactMonths.whole(period)?.after != nil)
            let scoped = try await ReportRunner.run("contact-attendance", period: period, serviceCodes: nil, today: today, on: app.db)
            let every = try await ReportRunner.run(
                "contact-attendance", period: period, serviceCodes: nil, today: today, via: .everyChild, on: app.db)
            #expect(scoped.rows == every.rows)
            let all = try #require(scoped.rows.first { $0.measure == "contacts" && $0.breakdown == "all" })
            #expect(all.value > 50)
            // A count left at nought (its only contact removed) names no child.
            struct R: Decodable { let child_id: UUID }
            let lone = try await app.db.sql.raw(
                """
                SELECT c.child_id FROM contacts c
                WHERE c.contact_on BETWEEN '2023-07-01' AND '2023-12-31' GROUP BY c.child_id HAVING COUNT(*) = 1
                """
            ).all(decoding: R.self)
            try #require(!lone.isEmpty, "a child with one contact in the second half of 2023")
            try await app.db.sql.delete(from: "contacts").where("child_id", .equal, SQLBind(lone[0].child_id)).where(
                "contact_on", .greaterThanOrEqual, SQLBind("2023-07-01")
            ).where("contact_on", .lessThanOrEqual, SQLBind("2023-12-31")).run()
            let half = try Self.period("2023-07-01", "2023-12-31")
            let after = try await ReportRunner.run("contact-attendance", period: half, serviceCodes: nil, today: today, on: app.db)
            let afterEvery = try await ReportRunner.run(
                "contact-attendance", period: half, serviceCodes: nil, today: today, via: .everyChild, on: app.db)
            #expect(after.rows == afterEvery.rows)
            #expect(after.children[lone[0].child_id.uuidString.lowercased()] == nil, "the child has no contact in the period")
        }
    }
}
