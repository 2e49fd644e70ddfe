import Foundation
import Testing
@testable import WaypointDomain

/// Property tests over generated input (seeded, so a failure repeats): the CSV reader, the form
/// parsers and the date code never trap, whatever they are given, and keep their promises.
/// Bounded by count, not time: each runs in well under a second.
@Suite struct HostileInputPropertyTests {
    typealias Rng = SeededGenerator

    static let pieces = [
        "", " ", "0", "1", "-1", "12", "29", "31", "2", "02", "2024", "1900", "1899", "0001", "9999", "99999",
        "9223372036854775807", "-9223372036854775808", "1e9", "abc", "\u{0}", "\r\n", "\"", ",", "=", "é", "😀",
        "\u{202E}", "<b>", "'", "yes", "no", "male", "police", "accepted", "prevention", "2024-02-29", "2023-02-29"
    ]

    static func string(_ rng: inout Rng) -> String {
        switch rng.next() % 10 {
        case 0: return String(repeating: "x", count: Int(rng.next() % 20_000))
        case 1: return String(decoding: (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, as: UTF8.self)
        default: return (0..<Int(1 + rng.next() % 3)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
        }
    }

    static func form(_ rng: inout Rng, names: [String]) -> FormValues {
        var v: [String: String] = [:]
        for n in names where rng.next() % 5 != 0 { v[n] = string(&rng) }
        return FormValues(v, lists: ["services": [string(&rng)]])
    }

    static let today = LocalDate(year: 2026, month: 12, day: 1)!

    @Test func theCSVReaderNeverTrapsAndWhatItWritesReadsBack() {
        var rng = Rng(seed: 14)
        let alphabet: [UInt8] = Array("ab,\"\r\n =é".utf8) + [0xFF, 0x00]
        for _ in 0..<3_000 {
            let bytes = (0..<Int(rng.next() % 300)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? CSV.parse(Data(bytes))
        }
        for _ in 0..<500 {
            let width = Int(1 + rng.next() % 6)
            let header = (0..<width).map { "c\($0)" }
            let rows = (0..<Int(rng.next() % 8)).map { _ in
                (0..<width).map { _ in String(Self.string(&rng).prefix(200)).replacingOccurrences(of: "\u{0}", with: "") }
            }
            let data = CSV.write(header: header, rows: rows.map { $0.map { $0 } })
            let back: (header: [String], records: [CSV.Record])
            do { back = try CSV.parse(data) } catch { Issue.record("a written file did not read back: \(error) \(rows)"); continue }
            #expect(back.header == header)
            let expected = rows.filter { !($0.count == 1 && $0[0].isEmpty) }.map {
                $0.map { v -> String in
                    if let f = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(f) { return "'" + v }
                    return v
                }
            }
            #expect(back.records.map(\.fields) == expected)
        }
        // Past the bounds: refused with the line named, never read on.
        #expect(throws: CSV.ParseError.fieldTooLong(line: 2)) {
            try CSV.parse(Data(("a\n" + String(repeating: "x", count: CSV.maxFieldBytes + 10)).utf8))
        }
        #expect(throws: CSV.ParseError.tooManyFields(line: 1)) {
            try CSV.parse(Data(String(repeating: "a,", count: CSV.maxFields + 5).utf8))
        }
    }

    @Test func formParsersNeverTrapAndKeepDatesInTheWindow() {
        var rng = Rng(seed: 1414)
        let dateNames = ["dob", "received", "decided", "held", "start", "end", "offence", "outcome_date", "hearing"].flatMap {
            ["\($0)-day", "\($0)-month", "\($0)-year"]
        }
        let names =
            dateNames + [
                "given_name", "family_name", "preferred_name", "sex", "ethnicity", "care_status", "send", "ehcp", "postcode",
                "district", "nhs_number", "upn", "pnc_id", "school", "source", "reason", "consent", "decision", "destination",
                "type", "length_months", "category", "gravity", "outcome", "court", "result", "code", "label", "tier",
                "name", "email", "role", "password", "summary", "notes", "attendance", "absence_acceptable", "hours"
            ]
        func inWindow(_ d: LocalDate?) -> Bool { d.map { DateWindow.contains($0, today: Self.today) } ?? true }
        for _ in 0..<1_500 {
            let f = Self.form(&rng, names: names)
            if case .success(let c) = ChildForm.parse(f, today: Self.today) { #expect(inWindow(c.dateOfBirth)) }
            if case .success(let r) = ReferralForm.parse(f, today: Self.today) { #expect(inWindow(r.receivedOn)) }
            _ = ScreeningForm.parse(f, receivedOn: Self.today.adding(days: -3), today: Self.today)
            _ = ConsultationForm.parse(f, today: Self.today)
            if case .success(let o) = OffenceForm.parse(f, outcomes: ["pending", "youth_caution"], today: Self.today) {
                #expect(inWindow(o.offenceDate))
            }
            _ = HearingForm.parse(f, today: Self.today)
            _ = OutcomeTypeForm.parse(f, existing: [])
            if case .success(let i) = InterventionForm.parse(f, today: Self.today) { #expect(inWindow(i.startDate)) }
            _ = ClosureForm.parse(f, startDate: Self.today.adding(days: -30), today: Self.today)
            _ = AssessmentForm.parse(f, forSubmission: rng.next() % 2 == 0)
            _ = SignOffForm.parse(f)
            _ = UserForm.parse(f, allowedServices: [], requirePassword: true)
            for kind in RecordKind.allCases { _ = RecordForm.parse(kind.spec, f, today: Self.today) }
        }
    }

    @Test func dateCodeIsTotalAndRoundTrips() {
        var rng = Rng(seed: 9999)
        for _ in 0..<20_000 {
            let y = Int(truncatingIfNeeded: rng.next()) % (rng.next() % 2 == 0 ? 12_000 : Int.max)
            let m = Int(truncatingIfNeeded: rng.next()) % 15, d = Int(truncatingIfNeeded: rng.next()) % 33
            if let date = LocalDate(year: y, month: m, day: d) {
                #expect(LocalDate(dayNumber: date.dayNumber) == date)
                #expect(LocalDate(iso: date.iso) == date)
                let n = Int(truncatingIfNeeded: rng.next()) >> Int(rng.next() % 64)
                let later = date.adding(days: n), months = date.adding(months: n)
                #expect(later >= .min && later <= .max && months >= .min && months <= .max)
                if n >= 0 { #expect(later >= date && months >= date) } else { #expect(later <= date && months <= date) }
                _ = date.age(on: later)
                _ = date.weekday
            }
            _ = LocalDate(iso: Self.string(&rng))
            var errors = FormErrors()
            let f = FormValues(["x-day": String(d), "x-month": String(m), "x-year": String(y)])
            if let parsed = DateInput.parse(f, prefix: "x", label: "Date", today: Self.today, errors: &errors) {
                #expect(DateWindow.contains(parsed, today: Self.today))
            }
        }
    }
}
