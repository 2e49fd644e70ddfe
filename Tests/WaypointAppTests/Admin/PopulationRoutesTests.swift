import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

@Suite struct PopulationRoutesTests {
    func upload(_ client: TestClient, _ csv: String) async throws -> TestClient.Page {
        let boundary = "----waypoint-population"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(client.csrf)\r\n".utf8)
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"population.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                .utf8)
        body += Data(csv.utf8) + Data("\r\n--\(boundary)--\r\n".utf8)
        return try await client.raw(.POST, "/admin/population", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test(arguments: TestDatabase.all)
    func anAdminUploadsPopulationAndReportsUseIt(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .admin, services: [])
            try await Fixtures.user(app, .manager, services: [s])
            let admin = TestClient(app)
            try await admin.signIn("admin@test.waypoint.test")
            var page = try await admin.get("/admin/population")
            #expect(page.body.contains("No population figures yet."))
            // A wrong row: nothing is written, every problem is listed with its line.
            let bad =
                "service_code,year,age,sex,ethnicity_group,count\nWF,2024,10,female,white,1000\nWF,2024,19,male,white,900\nXX,2024,11,male,white,10\n"
            page = try await upload(admin, bad)
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("population.csv:3: age"))
            #expect(page.body.contains("population.csv:4"))
            #expect(page.body.contains("No population figures yet."))
            page = try await upload(
                admin, "service_code,year,age,sex,ethnicity_group,count\nWF,2024,10,female,white,1000\nWF,2024,11,male,asian,1500\n")
            #expect(page.status == .ok)
            #expect(page.body.contains("Population figures imported"))
            #expect(page.body.contains("2,500"))
            // The manager's report now has a rate (0 entrants ÷ 2,500), and nobody else may upload.
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let report = try await manager.get(
                "/reports/first-time-entrants?from-day=1&from-month=1&from-year=2024&to-day=27&to-month=3&to-year=2024")
            #expect(!report.body.contains("No population figures for 2024"))
            #expect(try await manager.get("/admin/population").status == .forbidden)
            #expect(try await AuditRows.actions(app).contains("import_population"))
        }
    }
}
