import Foundation
import RoutingKit
import Vapor
import WaypointDomain

/// A value that can stand in a path: ids in lower case, codes as they are.
protocol PathValue {
    var pathSegment: String { get }
}

extension UUID: PathValue {
    var pathSegment: String { UUIDText.string(self, lowercase: true) }
}

extension String: PathValue {
    var pathSegment: String { self }
}

extension RecordKind: PathValue {
    var pathSegment: String { rawValue }
}

/// One route, defined once: the pattern the app registers and the link views build come from the
/// same template ("/children/:childID/edit"), so a link cannot point where no route is. Routes
/// with no parameter are plain `String`s in `Paths` (a path is its own pattern).
protocol RouteTemplate: Sendable {
    var template: String { get }
    /// The template cut at its parameters, once (a page builds hundreds of links).
    var text: TemplateText { get }
}

/// A template's text around its parameters: `"/children/:childID/edit"` is `/children/`, then
/// the parameter, then `/edit`. Empty segments are dropped and the text starts with one "/".
struct TemplateText: Sendable {
    /// The text before each parameter, and after the last (one more than `parameters`).
    let literals: [String]
    /// Each parameter as written (":childID"), shown when no value is given for it.
    let parameters: [String]

    init(_ template: String) {
        var literals: [String] = []
        var parameters: [String] = []
        var current = ""
        for part in template.split(separator: "/") {
            current += "/"
            if part.hasPrefix(":") {
                literals.append(current)
                parameters.append(String(part))
                current = ""
            } else {
                current += part
            }
        }
        if literals.isEmpty && current.isEmpty { current = "/" }
        literals.append(current)
        self.literals = literals
        self.parameters = parameters
    }
}

extension RouteTemplate {
    /// The pattern to register.
    var pattern: [PathComponent] { template.pathComponents }

    /// The template with its parameters replaced in order.
    fileprivate func fill(_ values: [any PathValue]) -> String {
        var out = text.literals[0]
        for (i, parameter) in text.parameters.enumerated() {
            out += i < values.count ? values[i].pathSegment : parameter
            out += text.literals[i + 1]
        }
        return out
    }
}

/// A route with one parameter: `Paths.child(id)` is its link.
struct Route1<A: PathValue>: RouteTemplate {
    let template: String
    let text: TemplateText
    init(_ template: String) {
        self.template = template
        self.text = TemplateText(template)
    }
    func callAsFunction(_ a: A) -> String { fill([a]) }
}

/// A route with two parameters.
struct Route2<A: PathValue, B: PathValue>: RouteTemplate {
    let template: String
    let text: TemplateText
    init(_ template: String) {
        self.template = template
        self.text = TemplateText(template)
    }
    func callAsFunction(_ a: A, _ b: B) -> String { fill([a, b]) }
}

extension RoutesBuilder {
    /// Registers a route of the table for GET.
    @discardableResult
    func get<R: RouteTemplate>(_ route: R, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable)
        -> Vapor.Route
    {
        on(.GET, route.pattern, use: closure)
    }

    /// Registers a route of the table for POST.
    @discardableResult
    func post<R: RouteTemplate>(_ route: R, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable)
        -> Vapor.Route
    {
        on(.POST, route.pattern, use: closure)
    }

    /// Registers a parameterless path of the table for GET.
    @discardableResult
    func get(path: String, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Vapor.Route {
        on(.GET, path.pathComponents, use: closure)
    }

    /// Registers a parameterless path of the table for POST.
    @discardableResult
    func post(path: String, use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable) -> Vapor.Route {
        on(.POST, path.pathComponents, use: closure)
    }
}
