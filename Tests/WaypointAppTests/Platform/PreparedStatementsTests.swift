import Fluent
import Foundation
import PostgresKit
import SQLKit
import Testing
@testable import WaypointApp

/// On PostgreSQL a page's statements go by name, each text prepared once per connection, so it is
/// parsed and planned once rather than at every request; what cannot be kept is sent unnamed.
@Suite struct PreparedStatementsTests {
    @Test func aStatementIsNamedByItsTextAndItsValuesTypesAndLongListsAreNot() throws {
        try PreparedStatements.$names.withValue(.init([:])) { try namedByTextAndTypes() }
    }

    private func namedByTextAndTypes() throws {
        let (_, uuid) = try #require(PreparedStatements.bindings([UUID()]))
        let (_, text) = try #require(PreparedStatements.bindings(["x"]))
        let sql = "SELECT 1 FROM children WHERE id = $1"
        let a = try #require(PreparedStatements.name(for: sql, types: uuid))
        #expect(PreparedStatements.name(for: sql, types: uuid) == a)
        #expect(PreparedStatements.name(for: sql, types: text) != a)
        #expect(PreparedStatements.name(for: sql + " ", types: uuid) != a)
        // An `IN` list past the limit, and a value of a type not listed (an optional), go unnamed.
        let many = Array(repeating: UUID() as any Encodable & Sendable, count: PreparedStatements.maxBinds + 1)
        let (_, manyTypes) = try #require(PreparedStatements.bindings(many))
        #expect(PreparedStatements.name(for: sql, types: manyTypes) == nil)
        #expect(PreparedStatements.bindings([UUID?.none as any Encodable & Sendable]) == nil)
        // A report's statements are planned for their own values each run.
        PreparedStatements.$unnamed.withValue(true) { #expect(PreparedStatements.name(for: sql, types: uuid) == nil) }
    }

    @Test func onPostgreSQLAStatementRunTwiceIsPreparedOnceAndAnswersAsUnnamed() async throws {
        guard TestDatabase.all.contains(.postgres) else { return }
        try await preparedOnce()
    }

    @Test func noMoreThanTheLimitOfTextsAreNamed() {
        PreparedStatements.$names.withValue(.init([:])) {
            let types: [PostgresDataType] = [.uuid]
            for i in 0..<PreparedStatements.maxTexts { #expect(PreparedStatements.name(for: "SELECT \(i)", types: types) != nil) }
            #expect(PreparedStatements.name(for: "SELECT -1", types: types) == nil)
            // One named before the limit keeps its name.
            #expect(PreparedStatements.name(for: "SELECT 0", types: types) != nil)
        }
    }

    private func preparedOnce() async throws {
        try await withTestApp(.postgres) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            struct Row: Decodable { let email: String }
            // A name table of this test's own: the process's fills with every other test's texts.
            // (Bound inside: the pool hands the connection over on its event loop, outside this
            // task, so a value bound around `withConnection` does not reach its body.)
            try await app.db.withConnection { conn in
                try await PreparedStatements.$names.withValue(.init([:])) {
                    func read() async throws -> [String] {
                        try await conn.sql.select().column("email").from("users").where("role", .equal, SQLBind("manager")).all(
                            decoding: Row.self
                        ).map(\.email)
                    }
                    let first = try await read()
                    let second = try await read()
                    #expect(first == ["manager@test.waypoint.test"] && second == first)
                    // The same statement unnamed, as the driver sends it.
                    let plain = try await (conn as! any SQLDatabase).select().column("email").from("users").where(
                        "role", .equal, SQLBind("manager")
                    ).all(decoding: Row.self).map(\.email)
                    #expect(plain == first)
                    struct Prepared: Decodable { let statement: String }
                    let kept = try await (conn as! any SQLDatabase).raw("SELECT statement FROM pg_prepared_statements").all(
                        decoding: Prepared.self
                    ).map(\.statement)
                    #expect(kept.filter { $0.contains("FROM \"users\" WHERE \"role\"") }.count == 1, "\(kept)")
                }
            }
        }
    }
}
