import Fluent
import Foundation
import SQLKit
import WaypointDomain

struct AssessmentRow: Decodable {
    let id: UUID
    let service_id: UUID
    let child_id: UUID
    let intervention_id: UUID
    let type: String
    let stage: String
    let status: String
    let version: Int
    let created_by: UUID?
    let submitted_on: String?
    let submitted_by: UUID?
    let signed_off_on: String?
    let signed_off_by: UUID?
    let due_on: String?
    let personal_family_social: String?
    let offending_behaviour: String?
    let foundations_for_change: String?
    let explanations_conclusions: String?
    let pathways_planning: String?
    let child_views: String?
    let parent_views: String?
    let likelihood_of_reoffending: String?
    let risk_of_serious_harm: String?
    let safety_and_wellbeing: String?
    let manager_comments: String?

    var statusValue: AssessmentStatus { AssessmentStatus(rawValue: status) ?? .draft }

    func section(_ s: AssessmentSection) -> String? {
        switch s {
        case .personalFamilySocial: personal_family_social
        case .offendingBehaviour: offending_behaviour
        case .foundationsForChange: foundations_for_change
        case .explanationsConclusions: explanations_conclusions
        case .pathwaysPlanning: pathways_planning
        }
    }

    var formValues: FormValues {
        var v: [String: String] = [
            "type": type, "stage": stage, "child_views": child_views ?? "", "parent_views": parent_views ?? "",
            "likelihood_of_reoffending": likelihood_of_reoffending ?? "", "risk_of_serious_harm": risk_of_serious_harm ?? "",
            "safety_and_wellbeing": safety_and_wellbeing ?? "", "version": String(version)
        ]
        for s in AssessmentSection.allCases { v[s.rawValue] = section(s) ?? "" }
        return FormValues(v)
    }
}

enum AssessmentStore {
    static func columns(_ a: AssessmentInput) -> [(String, String?)] {
        AssessmentSection.allCases.map { ($0.rawValue, a.sections[$0]) } + [
            ("type", a.type.rawValue), ("stage", a.stage.rawValue), ("child_views", a.childViews), ("parent_views", a.parentViews),
            ("likelihood_of_reoffending", a.likelihoodOfReoffending?.rawValue), ("risk_of_serious_harm", a.riskOfSeriousHarm?.rawValue),
            ("safety_and_wellbeing", a.safetyAndWellbeing?.rawValue)
        ]
    }

    static func insert(_ a: AssessmentInput, intervention: InterventionRow, by: UUID, on db: Database, now: Date) async throws -> UUID {
        let id = UUID()
        let cols = columns(a)
        try await db.sql.insert(into: "assessments")
            .columns(
                ["id", "service_id", "child_id", "intervention_id", "status", "version", "created_by", "created_at", "updated_at"]
                    + cols.map(\.0)
            )
            .values(
                [
                    SQLBind(id), SQLBind(intervention.service_id), SQLBind(intervention.child_id), SQLBind(intervention.id),
                    SQLBind(AssessmentStatus.draft.rawValue), SQLBind(1), SQLBind(by), SQLBind(now), SQLBind(now)
                ] + cols.map { SQLBind($0.1) as any SQLExpression }
            )
            .run()
        return id
    }

    static func find(_ id: UUID, in services: [UUID], on db: Database) async throws -> AssessmentRow? {
        guard !services.isEmpty else { return nil }
        return try await db.sql.select().column("*").from("assessments").where("id", .equal, SQLBind(id))
            .where("service_id", .in, SQLBind.group(services)).first(decoding: AssessmentRow.self)
    }

    static func forIntervention(_ id: UUID, on db: Database) async throws -> [AssessmentRow] {
        try await db.sql.select().column("*").from("assessments").where("intervention_id", .equal, SQLBind(id))
            .orderBy("created_at", .descending).all(decoding: AssessmentRow.self)
    }

    /// Saves the content and moves the status, only if the row is still at `version`.
    static func save(
        _ id: UUID, version: Int, content: AssessmentInput?, set extra: [(String, (any SQLExpression))], on db: Database, now: Date
    ) async throws -> Bool {
        var u = db.sql.update("assessments").set("version", to: SQLBind(version + 1)).set("updated_at", to: SQLBind(now))
        if let content { for (c, v) in columns(content) { u = u.set(SQLIdentifier(c), to: SQLBind(v)) } }
        for (c, v) in extra { u = u.set(SQLIdentifier(c), to: v) }
        return !(try await u.where("id", .equal, SQLBind(id)).where("version", .equal, SQLBind(version)).returning("id").all()).isEmpty
    }
}
