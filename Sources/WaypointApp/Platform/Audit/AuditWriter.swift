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

    init(db: @escaping @Sendable () -> any Database) { self.db = db }

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
            let batch = waiting
            waiting = []
            do {
                try await Audit.insert(batch.map(\.entries), on: db())
                for w in batch { w.done.resume() }
            } catch {
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
