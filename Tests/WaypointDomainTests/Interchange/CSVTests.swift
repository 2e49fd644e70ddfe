import Foundation
import Testing
import WaypointDomain

@Suite struct CSVTests {
    @Test func quotesCommasAndNewlinesInsideFields() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nplain,,end\n"
        let (header, records) = try CSV.parse(Data(text.utf8))
        #expect(header == ["a", "b", "c"])
        #expect(records.map(\.fields) == [["x, y", "say \"hi\"", "two\nlines"], ["plain", "", "end"]])
        #expect(records.map(\.line) == [2, 4])  // the second record starts after the embedded newline
    }

    @Test func lastLineWithoutNewlineAndBlankLines() throws {
        let (_, records) = try CSV.parse(Data("a,b\n\n1,2".utf8))
        #expect(records.map(\.fields) == [["1", "2"]])
        #expect(records[0].line == 3)
    }

    @Test func badFilesSayWhatIsWrong() {
        #expect(throws: CSV.ParseError.notUTF8) { try CSV.parse(Data([0x61, 0x2C, 0x62, 0x0A, 0xFF, 0xFE, 0x0A])) }
        #expect(throws: CSV.ParseError.unterminatedQuote(line: 2)) { try CSV.parse(Data("a\n\"open\n".utf8)) }
        #expect(throws: CSV.ParseError.textAfterQuote(line: 2)) { try CSV.parse(Data("a\n\"x\"y\n".utf8)) }
        #expect(throws: CSV.ParseError.empty) { try CSV.parse(Data()) }
    }

    @Test func writingQuotesAndNeutralisesFormulas() throws {
        #expect(CSV.cell("plain") == "plain")
        #expect(CSV.cell("a,b") == "\"a,b\"")
        #expect(CSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.cell("+44") == "'+44")
        #expect(CSV.cell("-1") == "'-1")
        #expect(CSV.cell("@SUM(A1)") == "'@SUM(A1)")
        let data = CSV.write(header: ["a", "b"], rows: [["1", "two\nlines"]])
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: data, as: UTF8.self) == "\u{FEFF}a,b\r\n1,\"two\nlines\"\r\n")
        let (_, back) = try CSV.parse(data)
        #expect(back[0].fields == ["1", "two\nlines"])
    }
}
