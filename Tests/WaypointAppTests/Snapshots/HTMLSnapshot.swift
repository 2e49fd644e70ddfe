import Foundation
import Testing

/// HTML snapshots: a page rendered from a fixed model is compared with the file checked in under
/// `Tests/WaypointAppTests/Snapshots/__Snapshots__/NAME.html`, one element per line so a change
/// reads as a diff. A missing file is written and fails the test (look at it, then commit it);
/// `WAYPOINT_RECORD_SNAPSHOTS=1` rewrites every snapshot after an intended change.
enum HTMLSnapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")

    /// One tag per line: each `<` that opens a tag starts a line.
    static func lines(_ html: String) -> String {
        html.replacingOccurrences(of: "><", with: ">\n<") + "\n"
    }

    static func check(_ html: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder.appendingPathComponent("\(name).html")
        let actual = lines(html)
        let record = ProcessInfo.processInfo.environment["WAYPOINT_RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("Recorded the snapshot \(name).html: look at it, commit it, and run again", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            let shown = { (l: [Substring]) in first < l.count ? String(l[first]) : "(end)" }
            Issue.record(
                "\(name).html differs from line \(first + 1):\n  expected: \(shown(e))\n  actual:   \(shown(a))\n(WAYPOINT_RECORD_SNAPSHOTS=1 rewrites it after an intended change)",
                sourceLocation: sourceLocation)
        }
    }
}
