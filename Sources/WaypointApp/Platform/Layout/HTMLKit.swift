import Vapor

/// A piece of HTML. Views build it only through `el`, `voidEl`, `txt` and `group`, which escape all
/// text and every attribute value; `.raw` is for markup the code itself wrote (an SVG chart).
/// `renderDocument()` writes the whole page into one string in a single pass. (Until December 2026 this was
/// Plot's `Node`, whose renderer copies each element's markup once per level of nesting: rendering was
/// an eighth of the child page's time. The markup is byte for byte the same, as the snapshot tests show.)
indirect enum H: Sendable {
    /// Attribute values are escaped already; a nil or empty value renders the name alone.
    case element(String, attributes: [(name: String, value: String?)], children: [H])
    /// `<input …/>`.
    case void(String, attributes: [(name: String, value: String?)])
    case raw(String)
    case group([H])

    /// A whole page: the doctype, then this (the `html` element).
    func renderDocument() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32_768)
        out.append(contentsOf: "<!DOCTYPE html>".utf8)
        render(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Written as UTF-8 bytes: appending many short pieces to a `String` checks its capacity,
    /// uniqueness and ASCII flag at every piece, and took 2.4 times as long for a 19 kB worklist
    /// table (67 against 28 µs, measured outside the app on 4 December).
    func render(into out: inout [UInt8]) {
        switch self {
        case let .element(name, attributes, children):
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: name.utf8)
            Self.write(attributes, into: &out)
            out.append(UInt8(ascii: ">"))
            for child in children { child.render(into: &out) }
            out.append(UInt8(ascii: "<"))
            out.append(UInt8(ascii: "/"))
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ">"))
        case let .void(name, attributes):
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: name.utf8)
            Self.write(attributes, into: &out)
            out.append(UInt8(ascii: "/"))
            out.append(UInt8(ascii: ">"))
        case let .raw(text):
            out.append(contentsOf: text.utf8)
        case let .group(nodes):
            for node in nodes { node.render(into: &out) }
        }
    }

    private static func write(_ attributes: [(name: String, value: String?)], into out: inout [UInt8]) {
        for (name, value) in attributes {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: name.utf8)
            if let value, !value.isEmpty {
                out.append(UInt8(ascii: "="))
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: value.utf8)
                out.append(UInt8(ascii: "\""))
            }
        }
    }
}

enum HTMLEscape {
    /// Text with `& < > " '` written as entities. Most text has none of them and is returned as it
    /// is; otherwise the UTF-8 bytes are copied with those five replaced (each is one byte, and no
    /// byte of a multi-byte character can equal one of them).
    static func escape(_ s: String) -> String {
        var s = s
        // Read as one run of bytes (`withUTF8`): walking the string's UTF-8 view byte by byte was
        // the largest part of rendering a worklist (perf, 4 December).
        let clean = s.withUTF8 { bytes in !bytes.contains(where: needsEscape) }
        if clean { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&#39;".utf8
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One of the five bytes to escape: each is below 64, so a bit of one mask (`"` 34, `&` 38,
    /// `'` 39, `<` 60, `>` 62; `HTMLEscapeTests` checks the mask against the five).
    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        let mask: UInt64 = 1 << 34 | 1 << 38 | 1 << 39 | 1 << 60 | 1 << 62
        return b < 64 && (mask >> UInt64(b)) & 1 == 1
    }
}

/// An element's name. Only the names declared in `Tags.swift` compile, so a typo is caught by the
/// compiler, not by a user.
struct Tag: Sendable {
    let name: String
    fileprivate init(_ name: String) { self.name = name }
}

/// An attribute's name, declared the same way.
struct Attr: Sendable {
    let name: String
    fileprivate init(_ name: String) { self.name = name }
}

/// An attribute list: name and value (nil leaves it out; "" renders a boolean attribute).
typealias Attrs = KeyValuePairs<Attr, String?>

func el(_ tag: Tag, _ attrs: Attrs = [:], _ children: [H] = []) -> H {
    .element(tag.name, attributes: attributeList(attrs), children: children)
}

func el(_ tag: Tag, _ attrs: Attrs = [:], _ text: String) -> H {
    el(tag, attrs, [txt(text)])
}

func voidEl(_ tag: Tag, _ attrs: Attrs = [:]) -> H {
    .void(tag.name, attributes: attributeList(attrs))
}

/// The attributes in the order given, values escaped, nil values left out; a name given twice keeps
/// its first place and its last value.
private func attributeList(_ attrs: Attrs) -> [(name: String, value: String?)] {
    var list: [(name: String, value: String?)] = []
    list.reserveCapacity(attrs.count)
    for (attr, v) in attrs {
        guard let v else { continue }
        let value = HTMLEscape.escape(v)
        if let i = list.firstIndex(where: { $0.name == attr.name }) {
            list[i].value = value
        } else {
            list.append((attr.name, value))
        }
    }
    return list
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

/// The element and attribute names views may use (HTMLKit's `el` and `voidEl` take no other).

extension Tag {
    static let a = Tag("a")
    static let body = Tag("body")
    static let br = Tag("br")
    static let button = Tag("button")
    static let caption = Tag("caption")
    static let code = Tag("code")
    static let dd = Tag("dd")
    static let details = Tag("details")
    static let div = Tag("div")
    static let dl = Tag("dl")
    static let dt = Tag("dt")
    static let fieldset = Tag("fieldset")
    static let footer = Tag("footer")
    static let form = Tag("form")
    static let h1 = Tag("h1")
    static let h2 = Tag("h2")
    static let h3 = Tag("h3")
    static let head = Tag("head")
    static let header = Tag("header")
    static let html = Tag("html")
    static let img = Tag("img")
    static let input = Tag("input")
    static let label = Tag("label")
    static let legend = Tag("legend")
    static let li = Tag("li")
    static let link = Tag("link")
    static let main = Tag("main")
    static let meta = Tag("meta")
    static let nav = Tag("nav")
    static let ol = Tag("ol")
    static let option = Tag("option")
    static let p = Tag("p")
    static let progress = Tag("progress")
    static let script = Tag("script")
    static let section = Tag("section")
    static let select = Tag("select")
    static let span = Tag("span")
    static let strong = Tag("strong")
    static let summary = Tag("summary")
    static let table = Tag("table")
    static let tbody = Tag("tbody")
    static let td = Tag("td")
    static let textarea = Tag("textarea")
    static let th = Tag("th")
    static let thead = Tag("thead")
    static let title = Tag("title")
    static let tr = Tag("tr")
    static let ul = Tag("ul")
}

extension Attr {
    static let accept = Attr("accept")
    static let action = Attr("action")
    static let alt = Attr("alt")
    static let ariaCurrent = Attr("aria-current")
    static let ariaDescribedby = Attr("aria-describedby")
    static let ariaHidden = Attr("aria-hidden")
    static let ariaLabel = Attr("aria-label")
    static let ariaLabelledby = Attr("aria-labelledby")
    static let ariaLive = Attr("aria-live")
    static let autocomplete = Attr("autocomplete")
    static let charset = Attr("charset")
    static let checked = Attr("checked")
    static let `class` = Attr("class")
    static let content = Attr("content")
    static let dataModule = Attr("data-module")
    static let dataPrint = Attr("data-print")
    static let dataSecret = Attr("data-secret")
    static let `defer` = Attr("defer")
    static let enctype = Attr("enctype")
    static let `for` = Attr("for")
    static let height = Attr("height")
    static let hidden = Attr("hidden")
    static let href = Attr("href")
    static let id = Attr("id")
    static let inputmode = Attr("inputmode")
    static let lang = Attr("lang")
    static let max = Attr("max")
    static let method = Attr("method")
    static let name = Attr("name")
    static let novalidate = Attr("novalidate")
    static let rel = Attr("rel")
    static let role = Attr("role")
    static let rows = Attr("rows")
    static let scope = Attr("scope")
    static let selected = Attr("selected")
    static let spellcheck = Attr("spellcheck")
    static let src = Attr("src")
    static let tabindex = Attr("tabindex")
    static let title = Attr("title")
    static let type = Attr("type")
    static let value = Attr("value")
    static let width = Attr("width")
}
