import Testing
import WaypointDomain

/// A count of records can hold each child once with their number of records (a year's contacts are
/// a million records of a hundred thousand children). It must read exactly as the same count held
/// once per record: the figure, the children listed, how many records each, and equality.
@Suite struct ReportRowWeightsTests {
    let perRecord = ReportRow(measure: "contacts", count: ["b", "a", "b", "c", "b"])
    let weighted = ReportRow(measure: "contacts", count: ["a", "b", "c"], weights: [1, 3, 1])

    @Test func aWeightedCountReadsAsTheSameCountHeldPerRecord() {
        #expect(weighted.value == 5)
        #expect(weighted.children == ["a", "b", "c"])
        #expect(weighted.recordsByChild == ["a": 1, "b": 3, "c": 1])
        #expect(weighted.countsRecords)
        #expect(weighted == perRecord)
        #expect(weighted.formatted == perRecord.formatted)
    }

    @Test func weightsOfOneAreACountOfChildren() {
        let ones = ReportRow(measure: "contacts", count: ["a", "b"], weights: [1, 1])
        #expect(!ones.countsRecords)
        #expect(ones == ReportRow(measure: "contacts", count: ["b", "a"]))
        #expect(ones != ReportRow(measure: "contacts", count: ["a", "b", "b"]))
    }

    @Test func aDifferentNumberOfRecordsIsADifferentFigure() {
        #expect(weighted != ReportRow(measure: "contacts", count: ["a", "b", "c"], weights: [1, 2, 2]))
        #expect(weighted != ReportRow(measure: "contacts", rate: 5))
    }

    @Test func savedFiguresKeepEachRecord() throws {
        let saved = SavedFigures(rows: [weighted], notes: [], children: [:])
        let again = try SavedFigures.decoded(saved.encoded()).reportRows
        #expect(again == [perRecord])
        #expect(again.first?.recordsByChild == ["a": 1, "b": 3, "c": 1])
    }

    @Test func breakdownsOfAWeightedCountAddUpToIt() {
        func child(_ key: String, _ sex: Sex) -> ChildFacts {
            ChildFacts(
                key: key, service: "WF", dateOfBirth: LocalDate(iso: "2010-01-01")!, sex: sex, ethnicityGroup: .white, careStatus: .none,
                send: nil, ehcp: nil, district: nil)
        }
        let on = LocalDate(iso: "2025-03-31")!
        let rows = breakdownRows(measure: "contacts", [(child("a", .male), on), (child("b", .female), on)], weights: [4, 2])
        #expect(rows.first?.value == 6)
        let bySex = rows.filter { $0.breakdown == "sex" }
        #expect(bySex.map(\.value).reduce(0, +) == 6)
        #expect(bySex.first { $0.group == Sex.male.rawValue }?.recordsByChild == ["a": 4])
    }

    /// A national cohort's breakdowns are worked out on every core at once, each numbering the
    /// groups it meets: they must equal a plain count, group by group, child by child, weighted or not.
    @Test func aLargeCohortsBreakdownsEqualAPlainCount() {
        let on = LocalDate(iso: "2025-03-31")!
        let sexes = Sex.allCases, groups = EthnicityGroup.allCases, care = CareStatus.allCases
        var members: [(ChildFacts, LocalDate)] = []
        for n in 0..<25_003 {
            // Groups that only some children have, and some only in the last children (found late);
            // a few ages numbered by name, not by age (`ChildFacts.smallGroup`: below 0 or from 200).
            let year = n % 1_000 == 7 ? 1_800 : (n % 1_000 == 9 ? 2_030 : 2005 + n % 11)
            let c = ChildFacts(
                key: String(n), service: "S\(n % 7)", dateOfBirth: LocalDate(year: year, month: 1 + n % 12, day: 1 + n % 28)!,
                sex: sexes[n % sexes.count], ethnicityGroup: groups[(n / 3) % groups.count], careStatus: care[(n / 5) % care.count],
                send: n % 4 == 0 ? nil : (n % 3 == 0 ? .yes : .no), ehcp: n > 24_990 ? .yes : nil,
                district: n % 9 == 0 ? nil : "District \(n % 13)")
            c.team = n > 20_000 ? "Late team \(n % 3)" : (n % 2 == 0 ? "North" : nil)
            members.append((c, on))
        }
        let weights = members.indices.map { 1 + $0 % 5 }
        let extra: [(String, (ChildFacts, LocalDate) -> String)] = [("service", { c, _ in c.service })]
        for weighted in [false, true] {
            let rows = breakdownRows(measure: "m", members, extra: extra, weights: weighted ? weights : nil)
            // The plain count: each breakdown's groups, each with its children's records.
            var expected: [String: [String: [String: Int]]] = [:]
            for (m, (c, d)) in members.enumerated() {
                var named = [("service", c.service)]
                for (i, b) in ChildFacts.breakdowns.enumerated() { named.append((b, c.group(i, ageOn: d))) }
                for (b, g) in named { expected[b, default: [:]][g, default: [:]][c.key, default: 0] += weighted ? weights[m] : 1 }
            }
            #expect(rows.first?.breakdown == "all")
            #expect(rows.first?.value == Double(weighted ? weights.reduce(0, +) : members.count))
            var got: [String: [String: [String: Int]]] = [:]
            for r in rows.dropFirst() {
                #expect(got[r.breakdown]?[r.group] == nil, "each group once")
                got[r.breakdown, default: [:]][r.group] = r.recordsByChild
            }
            #expect(got == expected)
            // Ages in order of age, other groups in order of name.
            let ages = rows.filter { $0.breakdown == "age" }.map { Int($0.group)! }
            #expect(ages == ages.sorted() && ages.count > 1)
            #expect(ages.contains { $0 < 0 } && ages.contains { $0 >= 200 })
            let districts = rows.filter { $0.breakdown == "district" }.map(\.group)
            #expect(districts == districts.sorted())
            #expect(rows.map(\.breakdown).filter { $0 != "all" }.first == "service")
        }
    }
}
