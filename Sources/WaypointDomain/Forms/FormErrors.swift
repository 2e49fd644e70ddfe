/// Per-field errors from parsing a form, in the order the fields appear on the page.
/// `field` is the id of the input the error summary links to.
public struct FieldError: Hashable, Sendable {
    public let field: String
    public let message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

public struct FormErrors: Error, Sendable, Equatable {
    public private(set) var errors: [FieldError] = []
    public init(_ errors: [FieldError] = []) { self.errors = errors }

    public mutating func add(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }
    public var isEmpty: Bool { errors.isEmpty }
    public func message(for field: String) -> String? {
        errors.first { $0.field == field }?.message
    }
}

/// Raw string values of a submitted form, as typed.
public struct FormValues: Sendable, Equatable {
    public var values: [String: String]
    public var lists: [String: [String]]
    public init(_ values: [String: String] = [:], lists: [String: [String]] = [:]) {
        self.values = values
        self.lists = lists
    }
    public subscript(_ key: String) -> String { values[key] ?? "" }
    /// The value with surrounding whitespace removed, or nil when blank.
    public func trimmed(_ key: String) -> String? {
        let v = (values[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return v.isEmpty ? nil : v
    }
    public func list(_ key: String) -> [String] { lists[key] ?? [] }
}

import Foundation
