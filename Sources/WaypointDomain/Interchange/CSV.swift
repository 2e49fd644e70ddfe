import Foundation

/// RFC 4180 CSV: quoted fields with doubled quotes, commas and newlines inside quotes,
/// CRLF or LF line ends, an optional UTF-8 byte order mark.
public enum CSV {
    public struct Record: Sendable {
        /// The physical line the record starts on (the header is line 1).
        public let line: Int
        public let fields: [String]
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notUTF8
        case unterminatedQuote(line: Int)
        case textAfterQuote(line: Int)
        case empty
        case fieldTooLong(line: Int)
        case tooManyFields(line: Int)

        public var description: String {
            switch self {
            case .notUTF8: "the file is not UTF-8 text: save it as 'CSV UTF-8' and try again"
            case .unterminatedQuote(let l): "line \(l): a quoted field is never closed"
            case .textAfterQuote(let l): "line \(l): text follows a closing quote; quotes inside a field must be doubled (\"\")"
            case .empty: "the file is empty: it needs at least a header row"
            case .fieldTooLong(let l):
                "line \(l): a field is longer than \(CSV.maxFieldBytes) bytes, more than any column of the format holds"
            case .tooManyFields(let l): "line \(l): more than \(CSV.maxFields) fields; the format's files have far fewer columns"
            }
        }
    }

    /// Bounds that hold whatever the file: no column of the format is longer, none has more columns.
    public static let maxFieldBytes = 20_000
    public static let maxFields = 200

    /// Parses the whole file. The first record is the header. A field past `maxFieldBytes` or a
    /// record past `maxFields` stops the parse with the line named.
    public static func parse(_ data: Data) throws(ParseError) -> (header: [String], records: [Record]) {
        var bytes = [UInt8](data)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var line = 1
        var recordLine = 1
        var i = 0
        let n = bytes.count
        var inQuotes = false
        var fieldWasQuoted = false
        var afterQuote = false
        var tooLong = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
            afterQuote = false
        }
        while i < n {
            if field.count > maxFieldBytes { tooLong = true; break }
            if fields.count > maxFields { throw .tooManyFields(line: recordLine) }
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                if b == UInt8(ascii: "\r") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endField()
                if !(fields.count == 1 && fields[0].isEmpty) {  // skip blank lines
                    records.append(Record(line: recordLine, fields: fields))
                }
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            case UInt8(ascii: "\""):
                if field.isEmpty && !fieldWasQuoted {
                    inQuotes = true
                    fieldWasQuoted = true
                } else {
                    throw .textAfterQuote(line: line)
                }
            default:
                if afterQuote { throw .textAfterQuote(line: line) }
                field.append(b)
            }
            i += 1
        }
        if tooLong { throw .fieldTooLong(line: line) }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
        }
        guard let header = records.first else { throw .empty }
        return (header.fields.map { $0.trimmingCharacters(in: .whitespaces) }, Array(records.dropFirst()))
    }

    /// One cell, quoted when needed. Cells that a spreadsheet would run as a formula
    /// (starting with = + - @, or a tab or carriage return) are neutralised with a leading '.
    public static func cell(_ s: String, neutralise: Bool = true) -> String {
        var v = s
        if neutralise, let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { v = "'" + v }
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if v.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v.hasPrefix(" ") || v.hasSuffix(" ")
        {
            // Scalar by scalar: a quote followed by a combining mark is one Character, which a
            // Character-level replace would leave undoubled (and the file would not read back).
            var out = String.UnicodeScalarView()
            out.append("\"")
            for u in v.unicodeScalars {
                out.append(u)
                if u == "\"" { out.append("\"") }
            }
            out.append("\"")
            return String(out)
        }
        return v
    }

    /// A whole file: UTF-8 with a byte order mark (so Excel reads it as UTF-8), CRLF line ends.
    public static func write(header: [String], rows: [[String]]) -> Data {
        var out = "\u{FEFF}"
        out += header.map { cell($0) }.joined(separator: ",") + "\r\n"
        for r in rows { out += r.map { cell($0) }.joined(separator: ",") + "\r\n" }
        return Data(out.utf8)
    }
}
