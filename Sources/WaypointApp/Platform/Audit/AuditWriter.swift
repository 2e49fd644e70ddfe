import Fluent
import Vapor

/// Writes the audit entries of reads (a child's page, a list, a search) for requests running at
/// once in one statement, so a busy server commits once for many readers rather than once for
/// each. A request waits until its entries are written, as before: nothing is shown that is not
/// audited. At most one write is under way; the entries that arrive meanwhile go together in the
/// next one, so a lone request waits for nobody.
///
/// Why: each commit on SQLite makes every other connection drop its page cache and memory map
/// and read its pages again, and on PostgreSQL each commit waits for its log to reach the disk.
/// A change and its audit entry are never written here: they share their own transaction.
actor AuditWriter {
    private let db: @Sendable () -> any Database
    private var waiting: [(entries: Audit.Entries, done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    /// When the last write ended.
    private var lastWrite: ContinuousClock.Instant?
    /// How many writes have begun (for tests).
    private(set) var writes = 0
    /// The least time from the end of one write to the start of the next.
    let spacing: Duration

    init(db: @escaping @Sendable () -> any Database, spacing: Duration = .milliseconds(AuditWriter.defaultSpacingMilliseconds)) {
        self.db = db
        self.spacing = spacing
    }

    /// A write starts at least this long after the last one ended. Each commit on SQLite empties every
    /// other connection's page cache (the whole of it: SQLite cannot tell which pages changed), so the
    /// statements read next fetch their pages again, and on PostgreSQL each commit waits for its log; a
    /// reader who arrives sooner waits for the rest of the spacing, with everyone else's who arrives
    /// meanwhile. A lone reader, or the first after a quiet moment, is written at once.
    /// It was 10 ms until 4 December (an eleventh session): with pages reading less since, that wait was
    /// the server's limit under load, with a third of the machine idle under My work (`vmstat`).
    /// Served in turn with 10 and 3 ms on the 20,000 children of `bench/pages`, 32 connections: My
    /// work 731, 768 → 843, 886 requests/s and the register 802, 836 → 962, 1,023 on SQLite, My work
    /// 662 → 852 and the register 700 → 786 on PostgreSQL; the child page 1,605, 1,742 → 1,431, 1,501
    /// on SQLite (it gains from warmer caches) and alike on PostgreSQL. 2 ms and 5 ms were alike to 3.
    /// (`WAYPOINT_AUDIT_SPACING_MS` sets another, 0 to 1000.)
    static let defaultSpacingMilliseconds = 3

    func write(_ entries: Audit.Entries) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((entries, done))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes what waits, again and again, until nothing does.
    private func drain() async {
        while !waiting.isEmpty {
            if let last = lastWrite, last + spacing > .now {
                try? await Task.sleep(until: last + spacing, clock: .continuous)
            }
            writes += 1
            let batch = waiting
            waiting = []
            do {
                try await Audit.insert(batch.map(\.entries), on: db())
                lastWrite = .now
                for w in batch { w.done.resume() }
            } catch {
                lastWrite = .now
                for w in batch { w.done.resume(throwing: error) }
            }
        }
        writing = false
    }
}

extension Application {
    private struct AuditWriterKey: StorageKey { typealias Value = AuditWriter }

    /// The server's writer of read entries; nil where nothing set one up (commands write directly).
    var auditWriter: AuditWriter? {
        get { storage[AuditWriterKey.self] }
        set { storage[AuditWriterKey.self] = newValue }
    }
}
