import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct ReferralRow: Decodable {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let received_on: String
    let source: String
    let referrer_name: String?
    let referrer_organisation: String?
    let reasons: String
    let consent: String
    let police_reference: String?
    let decision: String
    let decided_on: String?
    let decided_by: UUID?
    let decision_reasons: String?
    let destination: String?
    let destination_service: String?
    let intervention_type: String?
    let intervention_id: UUID?

    var receivedOn: LocalDate? { LocalDate(iso: received_on) }
}

/// A pending referral on the manager's queue, with the child's name.
struct QueueRow: Decodable {
    let id: UUID
    let child_id: UUID
    let given_name: String
    let family_name: String
    let received_on: String
    let source: String
}

extension QueueRow {
    /// A row as read by `Rows` (nil only without the queue's required columns).
    init?(_ r: RowReader) {
        guard let id = r.uuid("id"), let child = r.uuid("child_id"), let given = r.string("given_name"),
            let family = r.string("family_name"), let received = r.string("received_on"), let source = r.string("source")
        else { return nil }
        self.init(id: id, child_id: child, given_name: given, family_name: family, received_on: received, source: source)
    }
}

enum ReferralStore {
    static let pageSize = 25

    static func insert(_ r: ReferralInput, childID: UUID, serviceID: UUID, recordedBy: UUID?, on db: Database, now: Date) async throws
        -> UUID
    {
        let id = UUID()
        try await db.sql.insert(into: "referrals")
            .columns(
                "id", "service_id", "child_id", "received_on", "source", "referrer_name", "referrer_organisation", "reasons",
                "consent", "police_reference", "decision", "recorded_by", "created_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(childID), SQLBind(r.receivedOn.iso), SQLBind(r.source.rawValue),
                SQLBind(r.referrerName), SQLBind(r.referrerOrganisation), SQLBind(r.reasons), SQLBind(r.consent.rawValue),
                SQLBind(r.policeReference), SQLBind(ScreeningDecision.pending.rawValue), SQLBind(recordedBy), SQLBind(now)
            )
            .run()
        return id
    }

    static func find(_ id: UUID, in services: [UUID], on db: Database) async throws -> ReferralRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("referrals")
            .where("id", .equal, SQLBind(id)).where("service_id", .in, SQLBind.group(services))
            .first(decoding: ReferralRow.self)
    }

    static func forChild(_ childID: UUID, on db: Database) async throws -> [ReferralRow] {
        try await KeptStatements.statement("referrals-of-child", on: db.sql, binds: [childID]) { db in
            db.select().column("*").from("referrals").where("child_id", .equal, SQLBind(childID)).orderBy("received_on", .descending)
        }.all(decoding: ReferralRow.self)
    }

    /// Pending referrals, oldest first.
    static func queue(in services: [UUID], page: Int, on db: Database) async throws -> (rows: [QueueRow], total: Int) {
        guard !services.isEmpty else { return ([], 0) }
        func pending(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            b.where(SQLColumn("service_id", table: "referrals"), .in, SQLBind.group(services))
                .where(SQLColumn("decision", table: "referrals"), .equal, SQLBind(ScreeningDecision.pending.rawValue))
        }
        // Counted from the referrals' own index: every referral names its child (a required
        // foreign key), so joining the children only made PostgreSQL hash all of the service's
        // (7.9 ms for 2,420 pending referrals among 20,000 children, 0.45 ms without).
        let total =
            try await pending(db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("referrals")).first(
                decoding: Count.self)?.n ?? 0
        let query = pending(
            db.sql.select()
                .column(SQLColumn("id", table: "referrals")).column(SQLColumn("child_id", table: "referrals"))
                .column(SQLColumn("given_name", table: "children")).column(SQLColumn("family_name", table: "children"))
                .column(SQLColumn("received_on", table: "referrals")).column(SQLColumn("source", table: "referrals"))
                .from("referrals")
                .join("children", on: SQLColumn("child_id", table: "referrals"), .equal, SQLColumn("id", table: "children"))
        )
        .orderBy(SQLColumn("received_on", table: "referrals")).orderBy(SQLColumn("id", table: "referrals"))
        .limit(pageSize).offset((page - 1) * pageSize)
        return (try await Rows.collect(query) { QueueRow($0) }, total)
    }

    /// Records the decision; an acceptance starts the intervention (unallocated). Returns its id.
    static func screen(_ referral: ReferralRow, _ s: ScreeningInput, by userID: UUID, on db: Database, now: Date) async throws -> UUID? {
        var interventionID: UUID?
        if s.decision == .accepted, let type = s.interventionType {
            interventionID = try await InterventionStore.insert(
                InterventionInput(
                    type: type, startDate: s.decidedOn,
                    plannedEndDate: Deadlines.plannedEnd(type: type, start: s.decidedOn, lengthMonths: nil),
                    requirements: [], custodyEndDate: nil),
                childID: referral.child_id, serviceID: referral.service_id, referralID: referral.id, on: db, now: now)
        }
        let updated = try await db.sql.update("referrals")
            .set("decision", to: SQLBind(s.decision.rawValue))
            .set("decided_on", to: SQLBind(s.decidedOn.iso))
            .set("decided_at", to: SQLBind(now))
            .set("decided_by", to: SQLBind(userID))
            .set("decision_reasons", to: SQLBind(s.reasons))
            .set("destination", to: SQLBind(s.destination?.rawValue))
            .set("destination_service", to: SQLBind(s.destinationService))
            .set("intervention_type", to: SQLBind(s.interventionType?.rawValue))
            .set("intervention_id", to: SQLBind(interventionID))
            .where("id", .equal, SQLBind(referral.id))
            .where("decision", .equal, SQLBind(ScreeningDecision.pending.rawValue))
            .returning("id").all()
        guard !updated.isEmpty else {
            throw WaypointError.conflict("This referral has already been screened by someone else. Open it again to see the decision.")
        }
        return interventionID
    }
}
