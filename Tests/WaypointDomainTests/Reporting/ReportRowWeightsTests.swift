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
}
