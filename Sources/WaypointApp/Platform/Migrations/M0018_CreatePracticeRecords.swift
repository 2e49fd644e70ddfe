import Fluent
import SQLKit

/// The practice records (plans, contacts, compliance, panels, victims, reparation, health, KPI
/// data, feedback, audits, custody): one table per kind with real columns. The columns are
/// written out here, frozen: a later field needs a later migration. `PracticeRecordTests`
/// checks every field of every spec has its column.
struct M0018_CreatePracticeRecords: AsyncMigration {
    /// table: columns, as `name` (text), `name:i` (integer) or `name:d` (double).
    static let tables: [(String, [String])] = [
        ("plan_targets", ["target", "action", "by_whom", "by_when", "status"]),
        ("plan_reviews", ["reviewed_on", "progress", "outcome", "child_views"]),
        ("exit_plans", ["planned_on", "onward_referral", "destination", "destination_service", "step_down", "notes"]),
        (
            "contacts",
            [
                "contact_on", "contact_time", "contact_type", "place", "workers", "attendance", "absence_acceptable", "notes",
                "rescheduled_count:i", "rescheduled_from", "group_id"
            ]
        ),
        ("warnings", ["warned_on", "reason", "contact_id"]),
        ("breaches", ["started_on", "action", "reason", "result", "result_on"]),
        ("panels", ["panel_type", "held_on", "panel_time", "place", "status", "yjs_member", "contract", "report", "child_words"]),
        ("contract_items", ["item", "agreed_on", "progress", "notes"]),
        (
            "victims",
            [
                "offence_id", "name", "victim_type", "address", "phone", "email", "contact_made_on", "consent", "views_sought", "views",
                "activity", "wants_progress", "progress_given", "satisfaction"
            ]
        ),
        ("reparation_requirements", ["hours_ordered:i", "supervisor", "planned_activities"]),
        ("reparation_sessions", ["done_on", "activity", "supervisor", "hours:d"]),
        (
            "health_records",
            [
                "health_assessment", "health_assessment_on", "health_assessment_by", "camhs_referral", "camhs_referred_on",
                "slcn_screening", "slcn_screened_on", "slcn_outcome", "substance_misuse_need", "substance_misuse_intervention"
            ]
        ),
        (
            "formulations",
            [
                "clinic_on", "attendees", "predisposing", "precipitating", "perpetuating", "presenting", "protective",
                "recommendation", "review_months:i"
            ]
        ),
        (
            "kpi_records",
            [
                "stage", "recorded_on", "accommodation", "accommodation_suitable", "ete_status", "ete_suitable", "ete_hours_offered:i",
                "ete_hours_attended:i", "send", "ehcp", "mental_health_need", "mental_health_offered", "mental_health_received",
                "substance_misuse_need", "substance_misuse_offered", "substance_misuse_received", "looked_after", "child_protection",
                "child_in_need", "early_help", "not_known_reason"
            ]
        ),
        ("feedback", ["respondent", "given_on", "helped", "respected", "listened_to", "involved", "improved", "comments"]),
        ("case_audits", ["audited_on", "auditor", "grade", "learning_points"]),
        (
            "custody_records",
            [
                "establishment", "establishment_type", "entered_on", "release_on", "resettlement_plan", "release_accommodation",
                "release_accommodation_suitable"
            ]
        )
    ]

    func prepare(on database: Database) async throws {
        for (table, columns) in Self.tables { try await Self.createRecordTable(table, columns, on: database) }
        try await database.schema("panel_members")
            .field("panel_id", .uuid, .required, .references("panels", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .compositeIdentifier(over: "panel_id", "user_id")
            .create()
        try await database.sql.create(index: "panel_members_user").on("panel_members").column("user_id").run()
    }

    /// One practice record table: the columns every kind has, then its own (as in `tables`).
    /// Later kinds' migrations make their tables the same way.
    static func createRecordTable(_ table: String, _ columns: [String], on database: Database) async throws {
        var schema = database.schema(table)
            .id()
            .field("service_id", .uuid, .required, .references("services", "id"))
            .field("child_id", .uuid, .required, .references("children", "id"))
            .field("intervention_id", .uuid, .references("interventions", "id"))
            .field("version", .int, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
        for c in columns {
            let parts = c.split(separator: ":")
            let type: DatabaseSchema.DataType = parts.count == 1 ? .string : (parts[1] == "i" ? .int : .double)
            schema = schema.field(.definition(name: .key(.string(String(parts[0]))), dataType: type, constraints: []))
        }
        try await schema.create()
        try await database.sql.create(index: "\(table)_intervention").on(table).column("intervention_id").run()
        try await database.sql.create(index: "\(table)_child").on(table).column("child_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema("panel_members").delete()
        for (table, _) in Self.tables.reversed() { try await database.schema(table).delete() }
    }
}
