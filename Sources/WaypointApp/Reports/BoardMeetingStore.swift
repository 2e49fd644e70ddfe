import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// KPI 7's board meetings as stored: read by the meetings page and by the report engine.
enum BoardMeetingStore {
    /// A meeting with its attendance.
    struct Meeting {
        let id: UUID
        let serviceName: String
        let heldOn: LocalDate
        let notes: String?
        var attendance: [BoardAgency: AgencyAttendance] = [:]
    }

    /// Meetings of these services, newest first.
    static func meetings(in services: [UUID], from: LocalDate? = nil, to: LocalDate? = nil, on db: Database) async throws -> [Meeting] {
        guard !services.isEmpty else { return [] }
        let q = db.sql.select().column(SQLColumn("id", table: "board_meetings")).column(SQLColumn("held_on", table: "board_meetings"))
            .column(SQLColumn("notes", table: "board_meetings")).column(SQLColumn("name", table: "services"), as: "service_name").from(
                "board_meetings"
            )
            .join("services", on: SQLColumn("id", table: "services"), .equal, SQLColumn("service_id", table: "board_meetings"))
            .where(SQLColumn("service_id", table: "board_meetings"), .in, SQLBind.group(services))
        if let from { q.where(SQLColumn("held_on", table: "board_meetings"), .greaterThanOrEqual, SQLBind(from.iso)) }
        if let to { q.where(SQLColumn("held_on", table: "board_meetings"), .lessThanOrEqual, SQLBind(to.iso)) }
        struct M: Decodable { let id: UUID; let held_on: String; let notes: String?; let service_name: String }
        var out = try await q.orderBy(SQLColumn("held_on", table: "board_meetings") as any SQLExpression, SQLDirection.descending).all(
            decoding: M.self
        ).compactMap { m in
            LocalDate(iso: m.held_on).map { Meeting(id: m.id, serviceName: m.service_name, heldOn: $0, notes: m.notes) }
        }
        struct A: Decodable {
            let meeting_id: UUID; let agency: String; let attended: String; let senior: String; let contributed_data: String
        }
        var index: [UUID: Int] = [:]
        for (i, m) in out.enumerated() { index[m.id] = i }
        for chunk in out.map(\.id).chunked() {
            for a in try await db.sql.select().columns("meeting_id", "agency", "attended", "senior", "contributed_data").from(
                "board_attendance"
            )
            .where("meeting_id", .in, SQLBind.group(chunk)).all(decoding: A.self) {
                guard let i = index[a.meeting_id], let agency = BoardAgency(rawValue: a.agency) else { continue }
                out[i].attendance[agency] = AgencyAttendance(
                    attended: a.attended == "yes", senior: a.senior == "yes", contributedData: a.contributed_data == "yes")
            }
        }
        return out
    }
}
