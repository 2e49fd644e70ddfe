import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// The demo's practice records, so every report has realistic data to count: assessments,
/// plans and reviews, weekly contacts (some missed), warnings and breaches on orders, panels with
/// the demo volunteer, victims, reparation, health, formulations, KPI data at start and end,
/// exit plans, feedback, case audits and custody. Deterministic (seeded).
enum DemoPractice {
    static let targets = [
        "I want to get back into football on Saturdays", "Stay in lessons all week without walking out",
        "Stop hanging around with the older lads at the shops",
        "Get a place at college to do mechanics", "Be home by the time Mum says", "Find a way to calm down when I get angry",
        "Start boxing at the community gym", "Sort out my sleep so I can get up for school"
    ]
    static let words = [
        "It was alright, she actually listened", "Better than I thought it would be", "I didn't like having to come every week",
        "Helped me sort things with my mum", "The boxing was the best bit"
    ]

    static func load(on db: Database, serviceID: UUID, today: LocalDate, now: Date) async throws {
        var rng = SeededGenerator(seed: 4_242)
        struct I: Decodable {
            let id: UUID; let child_id: UUID; let type: String; let start_date: String; let end_date: String?; let allocated_on: String?;
            let case_manager_id: UUID?
        }
        let interventions = try await db.sql.select().columns(
            "id", "child_id", "type", "start_date", "end_date", "allocated_on", "case_manager_id"
        )
        .from("interventions").where("service_id", .equal, SQLBind(serviceID)).where("case_manager_id", .isNot, SQLLiteral.null)
        .orderBy("start_date").orderBy("id").all(decoding: I.self)
        let volunteer = try await User.query(on: db).filter(\.$email == DemoData.email(for: .volunteer)).first()!.id!
        let manager = try await User.query(on: db).filter(\.$email == DemoData.email(for: .manager)).first()!.id!
        let victimWorker = try await User.query(on: db).filter(\.$email == DemoData.email(for: .victimWorker)).first()!.id!
        let calendar = try await ServiceRules.calendar(on: db)
        // Each record is written through the use cases, by the person who would write it, on the
        // day it happened: the gate, the compliance hook and the audit trail all run as in life.
        var people: [UUID: (email: String, role: Role)] = [:]
        for u in try await User.query(on: db).all() { if let id = u.id, let role = Role(rawValue: u.role) { people[id] = (u.email, role) } }
        func work(_ who: UUID, on day: LocalDate) throws -> CaseWork {
            guard let p = people[who] else { throw WaypointError.badRequest("The demo has no user \(who).") }
            return CaseWork(
                Agent(userID: who, email: p.email, role: p.role, serviceIDs: [serviceID], today: min(day, today), now: now), on: db)
        }
        @discardableResult
        func add(_ kind: RecordKind, _ i: I, _ v: RecordValues, by who: UUID, on day: LocalDate, panel: [UUID] = []) async throws -> (
            id: UUID, notice: String?
        ) {
            let (id, notice) = try await work(who, on: day).recordPractice(
                v, kind.spec, childID: i.child_id, interventionID: kind.spec.parent == .child ? nil : i.id,
                panelMembers: panel)
            return (id, notice)
        }
        // KPI 7: a board meeting each quarter for the last two years, partners mostly present.
        for q in 1...8 {
            let held = today.adding(months: -3 * q).adding(days: 10)
            let id = UUID()
            try await db.sql.insert(into: "board_meetings").columns(
                "id", "service_id", "held_on", "notes", "version", "created_by", "created_at", "updated_at"
            )
            .values(
                SQLBind(id), SQLBind(serviceID), SQLBind(held.iso), SQLBind(nil as String?), SQLBind(1), SQLBind(manager), SQLBind(now),
                SQLBind(now)
            ).run()
            for a in BoardAgency.allCases {
                let attended = DemoData.chance(0.8, &rng)
                try await db.sql.insert(into: "board_attendance").columns("meeting_id", "agency", "attended", "senior", "contributed_data")
                    .values(
                        SQLBind(id), SQLBind(a.rawValue), SQLBind(attended ? "yes" : "no"),
                        SQLBind(attended && DemoData.chance(0.7, &rng) ? "yes" : "no"),
                        SQLBind(DemoData.chance(0.75, &rng) ? "yes" : "no")
                    ).run()
            }
        }
        func t(_ s: String) -> StoredValue { .text(s) }
        func d(_ x: LocalDate) -> StoredValue { .text(x.iso) }
        func yn(_ b: Bool) -> StoredValue { .text(b ? "yes" : "no") }
        func kpi(_ stage: String, on date: LocalDate, improved: Bool) -> RecordValues {
            let ete = DemoData.pick(["full_time_school", "part_time_timetable", "alternative_provision", "college", "not_in_ete"], &rng)
            let offered = ete == "not_in_ete" ? 0 : (ete == "part_time_timetable" ? 12 : 25)
            let needMH = DemoData.chance(0.45, &rng), needSM = DemoData.chance(0.25, &rng)
            var v: RecordValues = [
                "stage": t(stage), "recorded_on": d(date),
                "accommodation": t(
                    DemoData.pick(["with_parents", "with_parents", "with_parents", "with_relatives", "foster_care", "childrens_home"], &rng)
                ),
                "accommodation_suitable": yn(improved || DemoData.chance(0.85, &rng)), "ete_status": t(ete),
                "ete_suitable": yn(ete != "not_in_ete" && (improved || DemoData.chance(0.6, &rng))), "ete_hours_offered": .int(offered),
                "ete_hours_attended": .int(Int(Double(offered) * (improved ? 0.9 : 0.6))), "send": yn(DemoData.chance(0.3, &rng)),
                "ehcp": yn(DemoData.chance(0.12, &rng)),
                "mental_health_need": yn(needMH), "mental_health_offered": yn(needMH && (stage == "end" || DemoData.chance(0.4, &rng))),
                "mental_health_received": yn(needMH && stage == "end" && DemoData.chance(0.75, &rng)),
                "substance_misuse_need": yn(needSM), "substance_misuse_offered": yn(needSM && stage == "end"),
                "substance_misuse_received": yn(needSM && stage == "end" && DemoData.chance(0.6, &rng)),
                "looked_after": yn(DemoData.chance(0.1, &rng)), "child_protection": yn(DemoData.chance(0.06, &rng)),
                "child_in_need": yn(DemoData.chance(0.15, &rng)), "early_help": yn(DemoData.chance(0.3, &rng))
            ]
            if DemoData.chance(0.1, &rng) {
                v["child_in_need"] = t("not_known"); v["not_known_reason"] = t("Awaiting a reply from children's social care")
            }
            return v
        }

        var preventionGroup: [I] = []
        for (n, i) in interventions.enumerated() {
            guard let type = InterventionType(rawValue: i.type), let start = LocalDate(iso: i.start_date),
                let allocated = i.allocated_on.flatMap(LocalDate.init(iso:))
            else { continue }
            let end = i.end_date.flatMap(LocalDate.init(iso:))
            let until = min(today, end ?? today)
            guard let worker = i.case_manager_id else { continue }
            let statutory = RecordKind.warning.spec.appliesTo(type)
            // The start assessment: most are done, some late; a few still to do.
            let due = calendar.adding(workingDays: 10, to: allocated)
            if due <= today || DemoData.chance(0.4, &rng) {
                let done = min(
                    today,
                    calendar.adding(
                        workingDays: DemoData.chance(0.8, &rng) ? Int(4 + rng.next() % 6) : Int(11 + rng.next() % 8), to: allocated))
                let aType = AssessmentType.usual(for: type)
                var f: [String: String] = [
                    "type": aType.rawValue, "stage": "start", "child_views": DemoData.pick(words, &rng),
                    "likelihood_of_reoffending": DemoData.pick(["low", "medium", "high"], &rng),
                    "risk_of_serious_harm": DemoData.pick(["low", "medium", "high"], &rng),
                    "safety_and_wellbeing": DemoData.pick(["low", "medium", "high"], &rng)
                ]
                for s in AssessmentForm.sections(for: aType) { f[s.rawValue] = "Demo notes: " + s.label.lowercased() + "." }
                if let input = try? AssessmentForm.parse(FormValues(f), forSubmission: true).get() {
                    let id = try await work(worker, on: allocated).startAssessment(input, interventionID: i.id)
                    _ = try await work(worker, on: done).saveAssessment(id, version: 1, input, submit: true)
                    if done.adding(days: 2) <= today {
                        try await work(manager, on: done.adding(days: 2)).signOffAssessment(id, .signOff, comments: nil)
                    }
                }
            }
            let kpiDay = min(today, allocated.adding(days: 3))
            try await add(.kpi, i, kpi("start", on: kpiDay, improved: false), by: worker, on: kpiDay)
            var chosen = Set<String>()
            for _ in 0..<2 {
                var target = DemoData.pick(targets, &rng)
                while chosen.contains(target) { target = DemoData.pick(targets, &rng) }
                chosen.insert(target)
                try await add(
                    .planTarget, i,
                    [
                        "target": t(target), "action": t("Weekly sessions and a referral to a local club"),
                        "by_whom": t("The child and their case manager"),
                        "by_when": d(start.adding(months: 3)),
                        "status": t(end != nil ? DemoData.pick(["achieved", "achieved", "not_achieved"], &rng) : "in_progress")
                    ],
                    by: worker, on: kpiDay)
            }
            // Weekly contacts from the week after allocation; one arranged next week if still open.
            // An unacceptable absence on an order gets its warning from the compliance hook; when
            // breach action is due, the manager starts it (once in any 12 months).
            var lastBreach: LocalDate?
            var day = allocated.adding(days: 7)
            while day <= until {
                let r = rng.next() % 100
                let attendance =
                    r < 80 ? "attended" : (r < 92 ? "did_not_attend" : (r < 96 ? "cancelled_by_child" : "cancelled_by_service"))
                var v: RecordValues = [
                    "contact_on": d(day), "contact_time": t(DemoData.pick(["09:30", "13:00", "15:45", "16:30"], &rng)),
                    "contact_type": t(DemoData.pick(["one_to_one", "one_to_one", "home_visit", "phone_or_video"], &rng)),
                    "place": t(DemoData.pick(["school", "home", "community_centre", "yjs_office"], &rng)), "attendance": t(attendance)
                ]
                if attendance == "did_not_attend" || attendance == "cancelled_by_child" {
                    v["absence_acceptable"] = yn(!DemoData.chance(0.5, &rng))
                }
                let (_, notice) = try await add(.contact, i, v, by: worker, on: day)
                if statutory, notice == "breach", lastBreach.map({ $0.adding(months: 12) <= day }) ?? true {
                    let started = min(today, day.adding(days: 2))
                    lastBreach = started
                    try await add(
                        .breach, i,
                        [
                            "started_on": d(started), "action": t(type == .referralOrder ? "referral_back_to_panel" : "return_to_court"),
                            "reason": t("Third unacceptable failure to comply within 12 months"),
                            "result": t(started.adding(days: 14) <= today ? "order_continued" : "pending")
                        ].merging(
                            started.adding(days: 14) <= today ? ["result_on": d(started.adding(days: 14))] : [:]
                        ) { $1 }, by: manager, on: started)
                }
                day = day.adding(days: 7)
            }
            if end == nil {
                try await add(
                    .contact, i,
                    [
                        "contact_on": d(today.adding(days: 3 + Int(rng.next() % 5))), "contact_time": t("16:00"),
                        "contact_type": t("one_to_one"),
                        "place": t("yjs_office")
                    ], by: worker, on: today)
                if type == .prevention && preventionGroup.count < 5 { preventionGroup.append(i) }
            }
            // Plan reviews every 3 months.
            var review = start.adding(months: 3)
            while review <= until {
                try await add(
                    .planReview, i,
                    [
                        "reviewed_on": d(review),
                        "progress": t(DemoData.pick(["on_track", "on_track", "some_progress", "not_on_track"], &rng)),
                        "outcome": t("Targets reviewed with the child and their parent")
                    ], by: worker, on: review)
                review = review.adding(months: 3)
            }
            if DemoData.chance(0.6, &rng) {
                let when = min(today, allocated.adding(days: 20))
                let camhs = DemoData.chance(0.25, &rng), slcn = DemoData.chance(0.5, &rng)
                var v: RecordValues = [
                    "health_assessment": yn(true), "health_assessment_on": d(when), "health_assessment_by": t("YJS health practitioner"),
                    "camhs_referral": yn(camhs), "slcn_screening": yn(slcn), "substance_misuse_need": yn(DemoData.chance(0.25, &rng))
                ]
                if camhs { v["camhs_referred_on"] = d(when) }
                if slcn {
                    v["slcn_screened_on"] = d(when);
                    v["slcn_outcome"] = t(DemoData.pick(["no_need", "need_identified", "referred_to_salt"], &rng))
                }
                try await add(.health, i, v, by: worker, on: when)
            }
            if statutory && DemoData.chance(0.2, &rng) {
                let rec = DemoData.pick(["discharge", "review", "full_pathway"], &rng)
                var v: RecordValues = [
                    "clinic_on": d(min(today, allocated.adding(days: 30))), "attendees": t("Case manager, clinical psychologist"),
                    "predisposing": t("Early loss and unsettled care"), "precipitating": t("Exclusion from school"),
                    "perpetuating": t("Older peers offering money and status"), "presenting": t("Anger and missing episodes"),
                    "protective": t("Close bond with nan; loves boxing"), "recommendation": t(rec)
                ]
                if rec == "review" { v["review_months"] = .int(3) }
                try await add(.formulation, i, v, by: worker, on: min(today, allocated.adding(days: 30)))
            }
            if type == .referralOrder {
                let held = min(today, calendar.adding(workingDays: Int(8 + rng.next() % 14), to: start))
                try await add(
                    .panel, i,
                    [
                        "panel_type": t("initial"), "held_on": d(held), "panel_time": t("17:30"), "place": t("Riverside community centre"),
                        "status": t("held"), "yjs_member": t(worker.uuidString.lowercased()),
                        "contract": t("Letter of apology\nReparation: 10 hours\nAttend weekly sessions"),
                        "report": t("The child engaged well and agreed the contract."),
                        "child_words": t("I know I let people down and I want to put it right.")
                    ], by: worker, on: held, panel: [volunteer])
                for (item, progress) in [("Write a letter of apology", "achieved"), ("Complete 10 hours of reparation", "in_progress")] {
                    try await add(.contractItem, i, ["item": t(item), "agreed_on": d(held), "progress": t(progress)], by: worker, on: held)
                }
                if start.adding(months: 3) <= today {
                    try await add(
                        .panel, i,
                        [
                            "panel_type": t("review"), "held_on": d(start.adding(months: 3)), "status": t("held"),
                            "yjs_member": t(worker.uuidString.lowercased()), "report": t("Good progress on the contract.")
                        ], by: worker, on: start.adding(months: 3), panel: [volunteer])
                }
            }
            if type.kind != .voluntary && type != .remand && type != .bailSupport {
                try await add(
                    .reparationRequirement, i, ["hours_ordered": .int(10), "supervisor": t("Reparation coordinator")], by: worker,
                    on: allocated)
                var when = allocated.adding(days: 14)
                var k = 0
                while when <= until && k < 4 {
                    try await add(
                        .reparationSession, i,
                        [
                            "done_on": d(when),
                            "activity": t(DemoData.pick(["Community garden", "Food bank", "Litter pick", "Painting the youth club"], &rng)),
                            "supervisor": t("Reparation coordinator"), "hours": .double(DemoData.pick([1.5, 2, 2.5], &rng))
                        ], by: worker, on: when)
                    when = when.adding(days: 14)
                    k += 1
                }
            }
            if type == .detentionAndTrainingOrder {
                try await add(
                    .custody, i,
                    [
                        "establishment": t("Demo secure children's home"), "establishment_type": t("sch"), "entered_on": d(start),
                        "release_on": d(start.adding(months: 6)),
                        "resettlement_plan": t("Return home with daily contact for the first fortnight"),
                        "release_accommodation": t("with_parents"), "release_accommodation_suitable": yn(true)
                    ], by: worker, on: start)
            }
            if let end {
                try await add(.kpi, i, kpi("end", on: end, improved: true), by: worker, on: end)
                try await add(
                    .exitPlan, i,
                    [
                        "planned_on": d(end.adding(days: -7)), "onward_referral": yn(n % 3 == 0),
                        "destination": n % 3 == 0 ? t("early_help") : nil,
                        "step_down": t(DemoData.pick(["none", "early_help", "universal_services", "community_group"], &rng))
                    ].compactMapValues { $0 }, by: worker, on: end.adding(days: -7))
                for respondent in ["child", "parent_carer"] where DemoData.chance(0.6, &rng) {
                    try await add(
                        .feedback, i,
                        [
                            "respondent": t(respondent), "given_on": d(end), "helped": t(DemoData.pick(["3", "4", "4", "5", "5"], &rng)),
                            "respected": t("yes"), "listened_to": t(DemoData.pick(["yes", "yes", "not_sure"], &rng)), "involved": t("yes"),
                            "improved": t(DemoData.pick(["yes", "yes", "not_sure", "no"], &rng)), "comments": t(DemoData.pick(words, &rng))
                        ], by: worker, on: end)
                }
                if DemoData.chance(0.3, &rng) {
                    try await add(
                        .caseAudit, i,
                        [
                            "audited_on": d(min(today, end.adding(days: 10))), "auditor": t("Martin Okafor"),
                            "grade": t(DemoData.pick(["outstanding", "good", "good", "requires_improvement", "inadequate"], &rng)),
                            "learning_points": t("Record the child's words in the plan; review sooner after missed sessions")
                        ], by: manager, on: min(today, end.adding(days: 10)))
                }
            }
        }
        // Victims of offences that came to the service (about half).
        struct O: Decodable { let id: UUID; let child_id: UUID; let offence_date: String }
        let offences = try await db.sql.select().columns("id", "child_id", "offence_date").from("offences").where(
            "service_id", .equal, SQLBind(serviceID)
        )
        .orderBy("offence_date").orderBy("id").all(decoding: O.self)
        let victimNames = ["Margaret Hale", "Corner Shop Ltd", "Daniel Price", "Northbrook Academy", "Susan Clarke", "Imran Shah"]
        for o in offences where DemoData.chance(0.5, &rng) {
            let consent = DemoData.pick(["yes", "yes", "no", "not_yet_asked"], &rng)
            let activity =
                consent == "yes"
                ? DemoData.pick(["direct_meeting", "indirect", "letter_of_apology", "shuttle_mediation", "none"], &rng) : "none"
            let name = DemoData.pick(victimNames, &rng)
            var v: RecordValues = [
                "offence_id": t(o.id.uuidString.lowercased()), "name": t(name),
                "victim_type": t(name.contains("Ltd") || name.contains("Academy") ? "business" : "person"),
                "consent": t(consent), "views_sought": yn(DemoData.chance(0.7, &rng)), "activity": t(activity),
                "wants_progress": yn(DemoData.chance(0.5, &rng)), "progress_given": yn(DemoData.chance(0.4, &rng)),
                "phone": t("07700 900\(100 + Int(rng.next() % 800))")
            ]
            let contacted = LocalDate(iso: o.offence_date).map { min(today, $0.adding(days: 20)) } ?? today
            v["contact_made_on"] = d(contacted)
            if activity != "none" { v["satisfaction"] = t(DemoData.pick(["very_satisfied", "satisfied", "neither", "dissatisfied"], &rng)) }
            try await work(victimWorker, on: contacted).recordPractice(v, RecordKind.victim.spec, childID: o.child_id, interventionID: nil)
        }
        // Two group sessions for open prevention work: the whole group two days ago, and the first
        // two of them the week before.
        if preventionGroup.count >= 2 {
            for (members, daysAgo) in [(preventionGroup, 2), (Array(preventionGroup.prefix(2)), 9)] {
                let group = UUID().uuidString.lowercased()
                for i in members {
                    try await add(
                        .contact, i,
                        [
                            "contact_on": d(today.adding(days: -daysAgo)), "contact_time": t("18:00"), "contact_type": t("group"),
                            "place": t("community_centre"),
                            "attendance": t("attended"), "group_id": t(group)
                        ], by: i.case_manager_id ?? manager, on: today.adding(days: -daysAgo))
                }
            }
        }
    }
}
