import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain

/// Who managed what when (`ReportRunner.staffing`): a large run works its interventions out in two
/// halves at once, and gives each child the team of their latest intervention whichever half it
/// is in.
@Suite struct StaffingTests {
    @Test(arguments: TestDatabase.all)
    func aChildsLatestInterventionGivesTheTeamWhicheverHalfItIsIn(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            _ = try await ReportAgreementTests.demo(app)
            // Two case managers of different teams.
            struct U: Decodable { let id: UUID; let team_id: UUID }
            let users = try await app.db.sql.select().columns("id", "team_id").from("users").where("team_id", .isNot, SQLLiteral.null)
                .all(decoding: U.self)
            let first = try #require(users.first)
            let second = try #require(users.first { $0.team_id != first.team_id })
            struct T: Decodable { let id: UUID; let name: String }
            let names = Dictionary(
                uniqueKeysWithValues: try await app.db.sql.select().columns("id", "name").from("teams").all(decoding: T.self).map {
                    ($0.id, $0.name)
                })
            let day = { (iso: String) in LocalDate(iso: iso)! }
            func iv(_ child: String, _ start: String, _ manager: UUID) -> ReportRunner.Iv {
                ReportRunner.Iv(
                    key: child, id: UUID(), type: .referralOrder, start: day(start), end: nil, closureReason: nil, manager: manager,
                    allocatedOn: day(start), history: nil, service: DemoData.serviceCode)
            }
            // Child 0's later intervention is last (the second half), child 1's first (the first half).
            let ivs = [
                iv("0", "2024-01-10", first.id), iv("1", "2024-03-01", second.id), iv("1", "2024-01-05", first.id),
                iv("0", "2024-02-20", second.id)
            ]
            let period = try #require(ReportPeriod(from: day("2023-04-01"), to: day("2024-03-31")))
            let filter = ReportRunner.ServiceFilter(ids: [], all: true)
            for large in [true, false] {
                let staff = try await ReportRunner.$largeReads.withValue(large) {
                    try await ReportRunner.staffing(ivs, filter: filter, period: period, on: app.db)
                }
                let teams = Dictionary(uniqueKeysWithValues: staff.teamOf.map { ($0.child, $0.team) })
                #expect(teams == ["0": names[second.team_id], "1": names[second.team_id]], "large: \(large)")
                #expect(staff.managerAtEnd == ivs.map { $0.manager?.uuidString.lowercased() }, "large: \(large)")
                #expect(staff.firstAllocated == ivs.map(\.allocatedOn), "large: \(large)")
            }
        }
    }
}
