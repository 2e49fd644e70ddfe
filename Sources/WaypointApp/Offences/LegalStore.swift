import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct OffenceRow: Decodable {
    let id: UUID
    let offence_date: String
    let category: String
    let description: String?
    let gravity: Int?
    let outcome: String
    let outcome_date: String?
}

struct HearingRow: Decodable {
    let id: UUID
    let hearing_date: String
    let court: String
    let result: String
}

struct ConsultationRow: Decodable {
    let id: UUID
    let held_on: String
    let known_to: String
    let discussion: String
    let outcome: String
}

enum LegalStore {
    static func insertOffence(_ o: OffenceInput, childID: UUID, serviceID: UUID, on db: Database, now: Date) async throws -> UUID {
        let id = UUID()
        try await db.sql.insert(into: "offences")
            .columns(
                "id", "service_id", "child_id", "offence_date", "category", "description", "gravity", "outcome", "outcome_date",
                "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(o.offenceDate.iso), SQLBind(o.category.rawValue),
                SQLBind(o.description), SQLBind(o.gravity), SQLBind(o.outcome), SQLBind(o.outcomeDate?.iso), SQLBind(now)
            )
            .run()
        return id
    }

    static func offences(_ childID: UUID, on db: Database) async throws -> [OffenceRow] {
        try await KeptStatements.statement("offences-of-child", on: db.sql, binds: [childID]) { db in
            db.select().columns("id", "offence_date", "category", "description", "gravity", "outcome", "outcome_date")
                .from("offences").where("child_id", .equal, SQLBind(childID)).orderBy("offence_date")
        }.all(decoding: OffenceRow.self)
    }

    static func insertHearing(_ h: HearingInput, childID: UUID, serviceID: UUID, on db: Database, now: Date) async throws {
        try await db.sql.insert(into: "court_hearings")
            .columns("id", "service_id", "child_id", "hearing_date", "court", "result", "created_at")
            .values(
                SQLBind(UUID()), SQLBind(serviceID), SQLBind(childID), SQLBind(h.hearingDate.iso), SQLBind(h.court), SQLBind(h.result),
                SQLBind(now)
            )
            .run()
    }

    static func hearings(_ childID: UUID, on db: Database) async throws -> [HearingRow] {
        try await KeptStatements.statement("hearings-of-child", on: db.sql, binds: [childID]) { db in
            db.select().columns("id", "hearing_date", "court", "result").from("court_hearings")
                .where("child_id", .equal, SQLBind(childID)).orderBy("hearing_date")
        }.all(decoding: HearingRow.self)
    }

    static func insertConsultation(_ c: ConsultationInput, childID: UUID, serviceID: UUID, by: UUID, on db: Database, now: Date)
        async throws
    {
        try await db.sql.insert(into: "case_consultations")
            .columns("id", "service_id", "child_id", "held_on", "known_to", "discussion", "outcome", "recorded_by", "created_at")
            .values(
                SQLBind(UUID()), SQLBind(serviceID), SQLBind(childID), SQLBind(c.heldOn.iso), SQLBind(c.knownTo), SQLBind(c.discussion),
                SQLBind(c.outcome), SQLBind(by), SQLBind(now)
            )
            .run()
    }

    static func consultations(_ childID: UUID, on db: Database) async throws -> [ConsultationRow] {
        try await KeptStatements.statement("consultations-of-child", on: db.sql, binds: [childID]) { db in
            db.select().columns("id", "held_on", "known_to", "discussion", "outcome").from("case_consultations")
                .where("child_id", .equal, SQLBind(childID)).orderBy("held_on", .descending)
        }.all(decoding: ConsultationRow.self)
    }
}
