import Plot
import Vapor

/// Every view builds `Node<HTML.BodyContext>` through these helpers, which escape all text
/// and all attribute values. (Plot 0.14 does not escape attribute values, and its text
/// escaping lets entity-like input through, so user data must never reach Plot unescaped.)
typealias H = Node<HTML.BodyContext>

enum HTMLEscape {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// An attribute list: name and value (nil leaves it out; "" renders a boolean attribute).
typealias Attrs = KeyValuePairs<String, String?>

func el(_ name: String, _ attrs: Attrs = [:], _ children: [H] = []) -> H {
    var nodes: [H] = []
    for (k, v) in attrs {
        guard let v else { continue }
        if v.isEmpty && ["required", "checked", "selected", "disabled", "hidden", "multiple", "open", "novalidate", "autofocus"].contains(k)
        {
            nodes.append(.attribute(named: k))
        } else {
            nodes.append(.attribute(named: k, value: HTMLEscape.escape(v), ignoreIfValueIsEmpty: false))
        }
    }
    return .element(named: name, nodes: nodes + children)
}

func el(_ name: String, _ attrs: Attrs = [:], _ text: String) -> H {
    el(name, attrs, [txt(text)])
}

func voidEl(_ name: String, _ attrs: Attrs = [:]) -> H {
    var nodes: [Attribute<HTML.BodyContext>] = []
    for (k, v) in attrs {
        guard let v else { continue }
        if v.isEmpty && ["required", "checked", "selected", "disabled", "hidden", "autofocus"].contains(k) {
            nodes.append(Attribute(name: k, value: nil, ignoreIfValueIsEmpty: false))
        } else {
            nodes.append(Attribute(name: k, value: HTMLEscape.escape(v), ignoreIfValueIsEmpty: false))
        }
    }
    return .selfClosedElement(named: name, attributes: nodes)
}

/// Escaped text.
func txt(_ s: String) -> H { .raw(HTMLEscape.escape(s)) }

func group(_ nodes: [H]) -> H { .group(nodes) }

func cls(_ names: String?...) -> String { names.compactMap { $0 }.joined(separator: " ") }

enum HTMLResponse {
    static func make(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}
