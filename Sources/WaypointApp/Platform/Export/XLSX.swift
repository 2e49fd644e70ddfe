import Foundation
import Vapor
import WaypointDomain

/// A minimal Office Open XML workbook (what Excel and LibreOffice open): one sheet per table,
/// numbers as numbers, dates as real dates (serial numbers with a date format), text as inline
/// strings. Text that looks like a formula is only ever text here: cells are never formulas.
enum XLSX {
    enum Cell: Equatable {
        case text(String)
        case number(Double)
        case date(LocalDate)
        case empty
    }

    struct Sheet {
        let name: String
        let rows: [[Cell]]
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                // Characters XML 1.0 cannot hold are dropped.
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A sheet name Excel accepts: at most 31 characters, none of []:*?/\ , unique in the book.
    static func sheetName(_ s: String, taken: Set<String>) -> String {
        var n = String(s.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
        if n.isEmpty { n = "Sheet" }
        var k = 2
        let base = n
        while taken.contains(n.lowercased()) { n = String(base.prefix(27)) + " (\(k))"; k += 1 }
        return n
    }

    /// Days since 30 December 1899 (Excel's 1900 date system, as LibreOffice reads it too).
    static func serial(_ d: LocalDate) -> Int { d.dayNumber - LocalDate(year: 1899, month: 12, day: 30)!.dayNumber }

    static func column(_ i: Int) -> String {
        var n = i + 1
        var s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }

    static func sheetXML(_ sheet: Sheet) -> String {
        var x =
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in sheet.rows.enumerated() {
            x += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = "\(column(c))\(r + 1)"
                switch cell {
                case .text(let s):
                    x +=
                        "<c r=\"\(ref)\" t=\"inlineStr\"\(r == 0 ? " s=\"2\"" : "")><is><t xml:space=\"preserve\">\(escape(s))</t></is></c>"
                case .number(let d): x += "<c r=\"\(ref)\"><v>\(Rounding.format(d))</v></c>"
                case .date(let d): x += "<c r=\"\(ref)\" s=\"1\"><v>\(serial(d))</v></c>"
                case .empty: break
                }
            }
            x += "</row>"
        }
        return x + "</sheetData></worksheet>"
    }

    static func workbook(_ sheets: [Sheet]) throws -> Data {
        var taken = Set<String>()
        var named: [Sheet] = []
        for s in sheets {
            let n = sheetName(s.name, taken: taken)
            taken.insert(n.lowercased())
            named.append(Sheet(name: n, rows: s.rows))
        }
        var files: [(String, Data)] = []
        func add(_ name: String, _ s: String) { files.append((name, Data(s.utf8))) }
        add(
            "[Content_Types].xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
                + named.indices.map {
                    "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                }.joined() + "</Types>")
        add(
            "_rels/.rels",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        )
        add(
            "xl/workbook.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
                + named.enumerated().map {
                    "<sheet name=\"\(escape($0.element.name))\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>"
                }.joined() + "</sheets></workbook>")
        add(
            "xl/_rels/workbook.xml.rels",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
                + named.indices.map {
                    "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
                }.joined()
                + "<Relationship Id=\"rId\(named.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>"
        )
        add(
            "xl/styles.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#
        )
        for (i, s) in named.enumerated() { add("xl/worksheets/sheet\(i + 1).xml", sheetXML(s)) }
        return try BundleIO.zip(files)
    }

    static func download(_ data: Data, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
