import Vapor

/// Numbers taken from a request are range-checked here before any arithmetic sees them
/// (`page=9223372036854775807` once overflowed the offset and ended the process).
enum RequestNumbers {
    /// No list in Waypoint is longer than this many pages.
    static let maxPage = 10_000
    /// Versions of an edited record count saves; far below any overflow.
    static let maxVersion = 1_000_000_000

    /// The `page` query parameter (or another page parameter, for a page with two lists): 1 when
    /// absent or blank, otherwise a whole number from 1 to `maxPage`, or a 400 that says so.
    static func page(_ req: Request, _ name: String = "page") throws -> Int {
        guard let raw = req.query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return 1 }
        guard raw.count <= 6, let n = Int(raw), (1...maxPage).contains(n) else {
            throw WaypointError.badRequest(
                "The page number must be a whole number from 1 to \(maxPage). Go back to the first page of the list.")
        }
        return n
    }

    /// The hidden `version` field of an edit form, or nil when it is missing or out of range.
    static func version(_ raw: String?) -> Int? {
        guard let raw, raw.count <= 10, let n = Int(raw), (0...maxVersion).contains(n) else { return nil }
        return n
    }
}

extension Request {
    /// The page of a paginated list (see `RequestNumbers.page`).
    func pageNumber(_ name: String = "page") throws -> Int { try RequestNumbers.page(self, name) }
}
