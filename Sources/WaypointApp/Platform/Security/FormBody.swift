import Foundation
import Vapor
import WaypointDomain

/// Reads a url-encoded form into `FormValues` (repeated `name[]` fields become lists).
func formValues(_ req: Request) throws -> FormValues {
    guard let body = req.body.string else { return FormValues() }
    var values: [String: String] = [:]
    var lists: [String: [String]] = [:]
    for pair in body.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        // NUL is dropped: PostgreSQL text cannot hold it, and no field of ours means it.
        func decode(_ s: Substring) -> String {
            (String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "").replacingOccurrences(of: "\u{0}", with: "")
        }
        let key = decode(kv[0])
        let value = kv.count > 1 ? decode(kv[1]) : ""
        if key.hasSuffix("[]") { lists[String(key.dropLast(2)), default: []].append(value) } else { values[key] = value }
    }
    return FormValues(values, lists: lists)
}
