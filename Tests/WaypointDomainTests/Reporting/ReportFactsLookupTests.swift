import Testing
import WaypointDomain

/// A run numbers its children ("0", "1", "2"…) and reports find each by number rather than by
/// hashing the key (`ReportFacts.child`). Any other keys are found in the table as before. Either
/// way a key finds exactly its child, and a count gives the same figures.
@Suite struct ReportFactsLookupTests {
    let on = LocalDate(iso: "2025-03-31")!

    func child(_ key: String, _ sex: Sex = .male) -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: LocalDate(iso: "2010-01-01")!, sex: sex, ethnicityGroup: .white, careStatus: .none,
            send: nil, ehcp: nil, district: nil)
    }

    func facts(_ keys: [String]) -> ReportFacts {
        ReportFacts(
            children: Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, child($1, $0 % 2 == 0 ? .male : .female)) }),
            offences: [], outcomes: [:], population: Population(byYear: [:]), today: on)
    }

    @Test func aNumberedKeyFindsOnlyItsOwnChild() {
        let f = facts(["0", "1", "2", "10"])
        #expect(f.child("0")?.key == "0")
        #expect(f.child("10")?.key == "10")
        // Other ways of writing a number are other keys: none of these children.
        for other in ["01", "+1", "-1", " 1", "1 ", "", "3", "11", "1.0", "٣", "99999999999999"] {
            #expect(f.child(other) == nil, "\(other)")
        }
    }

    @Test func otherKeysAreFoundAsBefore() {
        // Keys that are not all numbers, or numbers far apart: found in the table.
        for keys in [["a", "1", "2"], ["0", "007"], ["1", "5000"]] {
            let f = facts(keys)
            for k in keys { #expect(f.child(k)?.key == k) }
            #expect(f.child("3") == nil)
        }
    }

    @Test func replacingTheChildrenRenumbersThem() {
        var f = facts(["0", "1", "2"])
        f.children = f.children.filter { $0.key != "1" }
        #expect(f.child("1") == nil)
        #expect(f.child("2")?.key == "2")
        f.children = ["x": child("x")]
        #expect(f.child("2") == nil)
        #expect(f.child("x")?.key == "x")
    }

    /// A count of keys repeated (records) and of keys not in the run: the same figures, children and
    /// records by child whether the run's keys are numbers or not.
    @Test func countsAreTheSameNumberedOrNot() {
        let numbers = (0..<40).map(String.init)
        let names = numbers.map { "c\($0)" }
        let numbered = facts(numbers), named = facts(names)
        let picks = [3, 7, 7, 12, 39, 3, 3, 0, 41, 25]
        let a = numbered.counted("m", picks.map(String.init) + ["x", "007"], ageOn: on)
        let b = named.counted("m", picks.map { "c\($0)" } + ["x", "c007"], ageOn: on)
        #expect(a.first?.value == 9)
        #expect(a.count == b.count)
        for (r, s) in zip(a, b) {
            #expect(r.measure == s.measure && r.breakdown == s.breakdown && r.group == s.group && r.value == s.value)
            #expect(Dictionary(uniqueKeysWithValues: r.recordsByChild.map { ("c" + $0.key, $0.value) }) == s.recordsByChild)
        }
        // Without a repeat, each child once.
        let once = numbered.counted("m", ["1", "2", "2000"], ageOn: on)
        #expect(once.first?.value == 2)
        #expect(once.first.map { !$0.countsRecords } == true)
    }

    /// Counts of records given as keys with their records, or as a table of them: the same figures,
    /// children and records by child whether the run's keys are numbers or not; a key given twice
    /// has its records added, and a key not in the run is left out.
    @Test func weightedCountsAreTheSameNumberedOrNot() {
        let numbered = facts((0..<40).map(String.init)), named = facts((0..<40).map { "c\($0)" })
        let picks = [(3, 2), (7, 1), (7, 4), (12, 0), (39, 5), (41, 9), (0, 1)]
        let expected = ["3": 2, "7": 5, "12": 0, "39": 5, "0": 1]
        for numberedRows in [
            numbered.counted("m", keys: picks.map { String($0.0) }, weights: picks.map(\.1), ageOn: on),
            numbered.counted("m", records: Dictionary(picks.map { (String($0.0), $0.1) }, uniquingKeysWith: +), ageOn: on)
        ] {
            let namedRows = named.counted("m", keys: picks.map { "c\($0.0)" }, weights: picks.map(\.1), ageOn: on)
            #expect(numberedRows.first?.value == 13)
            #expect(numberedRows.first?.recordsByChild == expected)
            #expect(numberedRows.count == namedRows.count)
            for (r, s) in zip(numberedRows, namedRows) {
                #expect(r.measure == s.measure && r.breakdown == s.breakdown && r.group == s.group && r.value == s.value)
                #expect(Dictionary(uniqueKeysWithValues: r.recordsByChild.map { ("c" + $0.key, $0.value) }) == s.recordsByChild)
            }
        }
    }

    /// Marks on children: the same children and marks whether the run's keys are numbers or not,
    /// and none for a key not in the run.
    @Test func marksAreTheSameNumberedOrNot() {
        for (keys, prefix) in [((0..<30).map(String.init), ""), ((0..<30).map { "c\($0)" }, "c")] {
            var marks = ChildMarks(facts(keys))
            let found = [
                marks.mark(prefix + "3"), marks.mark(prefix + "3", 2), marks.mark(prefix + "29", 4), marks.mark(prefix + "30"),
                marks.mark(prefix + "03"), marks.mark("x")
            ]
            #expect(found == [true, true, true, false, false, false])
            #expect(marks.mark(of: prefix + "3") == 3)
            #expect(marks.mark(of: prefix + "4") == 0)
            #expect(marks.mark(of: prefix + "30") == 0)
            let marked = Dictionary(uniqueKeysWithValues: marks.marked.map { ($0.child.key, $0.mark) })
            #expect(marked == [prefix + "3": 3, prefix + "29": 4])
        }
    }
}
