import Foundation
import Testing
import Vapor
import VaporTesting
@testable import WaypointApp

@Suite struct HealthRoutesTests {
    @Test(arguments: TestDatabase.all)
    func healthReportsTheDatabaseAfterARoundTrip(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let page = try await TestClient(app).get("/health")
            #expect(page.status == .ok)
            #expect(page.body == #"{"status":"ok","database":"\#(db.rawValue)"}"#)
        }
    }

    @Test func healthIs503WhenTheDatabaseDoesNotAnswer() async throws {
        var settings = Settings(database: .postgres(url: "postgres://nobody:nothing@127.0.0.1:1/none"))
        settings.logRequests = false
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        try await configure(app, settings)
        let page = try await TestClient(app).get("/health")
        #expect(page.status == .serviceUnavailable)
        #expect(page.body.contains(#""status":"unavailable""#))
        #expect(page.body.contains("the database did not answer"))
        try await app.asyncShutdown()
    }

    @Test(arguments: TestDatabase.all)
    func securityHeadersAndAssetsAreServedLocally(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = TestClient(app)
            let page = try await client.get("/sign-in")
            let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(csp.contains("script-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            // No external resources: every src/href is local.
            let urls = TestClient.allMatches(#"(?:src|href)="([^"]+)""#, in: page.body)
            #expect(!urls.isEmpty)
            #expect(urls.allSatisfy { $0.hasPrefix("/") || $0.hasPrefix("#") })
            let css = try await client.get("/assets/waypoint.css")
            #expect(css.status == .ok)
            #expect(css.body.contains(".error-summary"))
            let js = try await client.get("/assets/waypoint.js")
            #expect(js.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.all)
    func bankHolidaysShipAsData(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            struct Row: Decodable { let date: String }
            let rows = try await app.db.sql.select().column("date").from("bank_holidays").all(decoding: Row.self)
            let dates = Set(rows.map(\.date))
            #expect(dates.contains("2023-05-08"))  // coronation, one-off
            #expect(dates.contains("2027-12-27"))
            #expect(rows.count == 91)
        }
    }
}

import SQLKit
