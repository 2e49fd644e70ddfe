import Foundation
import SQLKit
import Testing
import FluentSQLiteDriver

@testable import WaypointApp

/// Ids are written as the text Foundation gives and read as Foundation reads them.
@Suite struct UUIDTextTests {
    @Test func writesWhatFoundationWrites() {
        var ids = (0..<2_000).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for id in ids {
            #expect(UUIDText.string(id) == id.uuidString)
            #expect(UUIDText.string(id, lowercase: true) == id.uuidString.lowercased())
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
            #expect(UUIDText.lowercased(id.uuidString) == id.uuidString.lowercased())
        }
        // Any text lowers as `lowercased()` lowers it, ASCII byte by byte and the rest by Unicode's rules.
        for text in ["", "ABC-xyz-09", "@[`{", "ÉCOLE-ß-İ", "E621E1F8-C36C-495A-93FC-0C247A3E6E5\u{0}", "Ω-A"] {
            #expect(UUIDText.lowercased(text) == text.lowercased(), "\(text)")
        }
    }

    /// Ids compared without their text come in the order of their text (reports break ties by it).
    @Test func comparesAsTheTextSorts() {
        var ids = (0..<500).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        ids.append(ids[0])
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)))
        for (a, b) in Array(zip(ids, ids.shuffled())) + Array(zip(ids, ids)) {
            let text = (UUIDText.string(a, lowercase: true), UUIDText.string(b, lowercase: true))
            #expect(UUIDText.precedes(a, b) == (text.0 < text.1))
            // As two numbers too (`KeyMap` searches them), which give the id back.
            #expect((UUIDText.order(a) < UUIDText.order(b)) == (text.0 < text.1))
            #expect((UUIDText.order(a) == UUIDText.order(b)) == (a == b))
            #expect(UUIDText.id(UUIDText.order(a)) == a)
        }
    }

    @Test func readsWhatFoundationReads() {
        let id = "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"
        var texts = [
            "", "E621E1F8", String(id.dropLast()), id + "0", id + " ", " " + id, "{\(id)}",
            id.replacingOccurrences(of: "-", with: ""), id.replacingOccurrences(of: "-", with: "_"),
            "E621E1F8C-36C-495A-93FC-0C247A3E6E5F", "G621E1F8-C36C-495A-93FC-0C247A3E6E5F",
            "E621E1F8-C36C-495A-93FC-0C247A3E6E5g", "e621e1f8-c36c-495a-93fc-0c247a3e6e5f", "É621E1F8-C36C-495A-93FC-0C247A3E6E5F",
            "+621E1F8-C36C-495A-93FC-0C247A3E6E5F", "E621E1F8-C36C-495A-93FC-0C247A3E6E5\u{0}"
        ]
        // Every single-character change of a valid id.
        for i in 0..<id.count {
            // (Each byte either side of the digits and letters too: "/", ":", "@", "G", "`", "g".)
            for c in ["-", "x", "0", "9", "f", "F", "a", "A", " ", "ß", "/", ":", "@", "G", "`", "g"] {
                var chars = Array(id)
                chars[i] = Character(c)
                texts.append(String(chars))
            }
        }
        for text in texts {
            // The fast parser takes only the canonical form; Foundation's (`sscanf`) also takes
            // some oddities ("-621E1F8-…" reads as FA21E1F8-…), which reach it unchanged.
            if let ours = UUIDText.parse(text) { #expect(ours == UUID(uuidString: text), "\(text)") }
            #expect(UUID(sqliteData: .text(text)) == UUID(uuidString: text), "\(text)")
        }
        #expect(UUIDText.parse(String(id.dropLast()) + "g") == nil)
        #expect(UUIDText.parse("-621E1F8-C36C-495A-93FC-0C247A3E6E5F") == nil)
    }

    /// On SQLite an id is stored as Foundation's upper-case text, as before, and read back.
    @Test func storedAsBefore() async throws {
        try await withTestApp(.sqlite) { app in
            let id = UUID()
            try await app.db.sql.raw("CREATE TABLE uuid_text_test (id TEXT)").run()
            try await app.db.sql.insert(into: "uuid_text_test").columns("id").values(SQLBind(id)).run()
            struct Stored: Decodable { let id: String }
            struct Read: Decodable { let id: UUID }
            let stored = try await app.db.sql.raw("SELECT id FROM uuid_text_test").all(decoding: Stored.self)
            #expect(stored.map(\.id) == [id.uuidString])
            let read = try await app.db.sql.raw("SELECT id FROM uuid_text_test").all(decoding: Read.self)
            #expect(read.map(\.id) == [id])
            // Lower-case text (a hand-written row) reads as the same id; anything else is an error.
            try await app.db.sql.raw("UPDATE uuid_text_test SET id = \(unsafeRaw: "'" + id.uuidString.lowercased() + "'")").run()
            #expect(try await app.db.sql.raw("SELECT id FROM uuid_text_test").all(decoding: Read.self).map(\.id) == [id])
            try await app.db.sql.raw("UPDATE uuid_text_test SET id = 'not an id'").run()
            await #expect(throws: (any Error).self) {
                try await app.db.sql.raw("SELECT id FROM uuid_text_test").all(decoding: Read.self)
            }
        }
    }
}
