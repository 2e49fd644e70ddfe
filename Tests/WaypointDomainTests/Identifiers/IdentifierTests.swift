import Testing
import WaypointDomain

@Suite struct NHSNumberTests {
    @Test(arguments: [
        ("9434765919", "943 476 5919"), ("4010232137", "401 023 2137"), ("943 476 5919", "943 476 5919"), (" 401-023-2137 ", "401 023 2137")
    ])
    func valid(input: String, formatted: String) {
        #expect(NHSNumber(input)?.formatted == formatted)
    }

    @Test(arguments: [
        "9434765918", "943476591", "94347659190", "943476591X", "", "abcdefghij",
        "1000000010"
    ])  // check digit computes to 10: always invalid
    func invalid(input: String) {
        #expect(NHSNumber(input) == nil)
    }
}

@Suite struct UPNTests {
    @Test(arguments: ["B801200005001", "b801200005001", "P207000016049"])
    func valid(input: String) {
        #expect(UPN(input) != nil)
    }

    @Test(arguments: [
        "A801200005001", "Q207000016049",  // domain.md: the circulating example is wrong
        "B80120000500", "B8012000050011", "I801200005001", "B80120000500!", "1801200005001"
    ])
    func invalid(input: String) {
        #expect(UPN(input) == nil)
    }

    @Test func temporaryUPNEndsInALetter() throws {
        let rest = "80120000500A"
        let check = try #require(UPN.checkLetter(for: rest))
        #expect(UPN(String(check) + rest) != nil)
        let wrong: Character = check == "A" ? "B" : "A"
        #expect(UPN(String(wrong) + rest) == nil)
    }

    @Test func checkLetterMatchesTheTestValue() {
        #expect(UPN.checkLetter(for: "801200005001") == "B")
        #expect(UPN.checkLetter(for: "207000016049") == "P")
    }
}

@Suite struct PNCIDTests {
    @Test(arguments: [
        ("04/1234567F", "2004/1234567F"), ("2004/1234567F", "2004/1234567F"), ("2004/1234567f", "2004/1234567F"),
        (" 04 / 1234567F ", "2004/1234567F")
    ])
    func validIsStoredCanonical(input: String, canonical: String) {
        #expect(PNCID(input)?.canonical == canonical)
    }

    @Test func shortSerialsArePaddedToSeven() throws {
        let letter = try #require(PNCID.checkLetter(year: 2019, serial: "0000123"))
        #expect(PNCID("19/123\(letter)")?.canonical == "2019/0000123\(letter)")
    }

    @Test(arguments: ["04/1234567G", "2004/1234567", "2004-1234567F", "204/1234567F", "2004/12345678F", "", "2004/ABCDEFGF"])
    func invalid(input: String) {
        #expect(PNCID(input) == nil)
    }
}

@Suite struct PostcodeTests {
    @Test(arguments: [
        ("sw1a 1aa", "SW1A 1AA"), ("SW1A1AA", "SW1A 1AA"), ("  ls1   4ap ", "LS1 4AP"), ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"), ("gir0aa", "GIR 0AA")
    ])
    func validIsNormalised(input: String, stored: String) {
        #expect(Postcode(input)?.value == stored)
    }

    @Test(arguments: ["", "SW1A", "1AA SW1", "SW1A 1CA", "Q1 1AA1", "SW1A 1AAA", "NOT A CODE", "LS1 4A"])
    func invalid(input: String) {
        #expect(Postcode(input) == nil)
    }
}
