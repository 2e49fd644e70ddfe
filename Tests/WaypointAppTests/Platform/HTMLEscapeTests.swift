import Testing

@testable import WaypointApp

@Suite struct HTMLEscapeTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("", ""),
        ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        ("Tom & \"Jerry\"", "Tom &amp; &quot;Jerry&quot;"),
        ("Zoë <Ó Briain> 👩🏽‍⚖️ & café", "Zoë &lt;Ó Briain&gt; 👩🏽‍⚖️ &amp; café"),
        ("&amp;", "&amp;amp;"),
        ("a\u{0}b<", "a\u{0}b&lt;")
    ])
    func writesTheFiveAsEntities(text: String, escaped: String) {
        #expect(HTMLEscape.escape(text) == escaped)
    }

    /// Every character of a mixed text survives, only the five replaced.
    @Test func keepsEveryOtherCharacter() {
        var scalars = String.UnicodeScalarView()
        for i in 0..<2_000 {
            let value = UInt32(32 + (i * 37) % 0x2FFF)
            scalars.append(UnicodeScalar(value) ?? "?")
        }
        let text = String(scalars)
        let expected = text.map { c -> String in
            switch c {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: String(c)
            }
        }.joined()
        #expect(HTMLEscape.escape(text) == expected)
    }
}

@Suite struct HTMLEscapeMaskTests {
    /// The mask's bits name exactly the five bytes, and a text of any one byte is escaped only when
    /// it is one of them.
    @Test func theMaskHoldsTheFiveBytesAndNoOther() {
        let five = Set("&<>\"'".utf8)
        for b in UInt8.min...UInt8.max {
            #expect(HTMLEscape.needsEscape(b) == five.contains(b), "byte \(b)")
        }
        for b in UInt8.min...0x7F {
            let text = String(decoding: [b], as: UTF8.self)
            #expect((HTMLEscape.escape(text) != text) == five.contains(b), "byte \(b)")
        }
    }
}
