import Foundation
import Testing

@testable import WaypointApp

/// A report's records find their child's key by the child's id, whatever order they arrive in.
@Suite struct KeyMapTests {
    /// Each record's child found as a table by id finds them, in a list in order (found where the
    /// last one was or just after, else among the ids that begin alike) or not: records in the
    /// list's order, a child's several records together, children with no records skipped, records
    /// in any order, and ids not listed; random ids, and ids that mostly begin alike.
    @Test(arguments: [false, true]) func findsEachChildAsATableWould(alike: Bool) {
        func id() -> UUID {
            var bytes = UUID().uuid
            // Most of them with the same first six bytes, the rest random.
            if alike, Bool.random() { (bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5) = (7, 7, 7, 7, 7, 7) }
            return UUID(uuid: bytes)
        }
        let sorted = (0..<3_000).map { _ in id() }.sorted { $0.uuidString < $1.uuidString }
        let strangers = (0..<50).map { _ in id() }
        for ids in [sorted, sorted.shuffled()] {
            let keys = KeyMap(listed: ids)
            #expect(keys.searchesInOrder == (ids == sorted))
            var table: [UUID: String] = [:]
            for (n, id) in ids.enumerated() { table[id] = String(n) }
            var rng = SystemRandomNumberGenerator()
            // In order, each child 0–3 times; then shuffled; then with strangers among them.
            var arriving: [UUID] = []
            for id in sorted { arriving += Array(repeating: id, count: Int.random(in: 0...3, using: &rng)) }
            let shuffled = arriving.shuffled()
            let mixed = (arriving + strangers).shuffled()
            // Far apart in order, then back to the start, then the last and first alone.
            let jumps = [sorted[2_999], sorted[0], sorted[1_500], sorted[1_501], sorted[2_000], sorted[1_000], sorted[0], sorted[2_999]]
            for records in [arriving, shuffled, mixed, jumps, strangers] {
                let finder = keys.finder()
                for id in records {
                    #expect(finder.key(id) == table[id])
                    #expect(keys[id] == table[id])
                }
            }
        }
        // An empty list and a list of one.
        #expect(KeyMap(listed: []).finder().key(sorted[0]) == nil)
        let one = KeyMap(listed: [sorted[5]])
        #expect(one.finder().key(sorted[5]) == "0")
        #expect(one.finder().key(sorted[4]) == nil)
    }
}
