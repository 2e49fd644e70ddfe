import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// The demo's care histories, offences at a placement, exploitation concerns and achievements
/// (issue 19), so the children-in-care report and the portfolio have something to show: a care
/// episode for every child whose details say looked after or care leaver (own in area, own placed
/// out of area, or placed here by another authority), the protocol followed at some placements,
/// concerns for the children flagged at risk of exploitation, and achievements for about half the
/// children worked with. Deterministic (seeded), written through the use cases by the manager.
enum DemoCare {
    static let awards = [
        ("Food safety in the kitchen", "unit_award", "AQA Unit Award Scheme", "Entry 3"),
        ("Introduction to boxing fitness", "unit_award", "AQA Unit Award Scheme", "Level 1"),
        ("Emergency first aid at work", "certificate", "St John Ambulance", ""),
        ("Functional skills English", "qualification", "City & Guilds", "Entry 3"),
        ("Construction skills: bricklaying taster", "unit_award", "AQA Unit Award Scheme", "Level 1"),
        ("Bikeability", "certificate", "Bikeability Trust", "Level 2"),
        ("Functional skills maths", "qualification", "Pearson Edexcel", "Level 1"),
        ("Duke of Edinburgh's Award", "certificate", "The Duke of Edinburgh's Award", "Bronze")
    ]
    static let authorities = ["Blackpool", "Cumbria", "Manchester", "Wigan", "Bolton"]

    static func load(on db: Database, serviceID: UUID, today: LocalDate, now: Date) async throws {
        var rng = SeededGenerator(seed: 1_919)
        guard let manager = try await User.query(on: db).filter(\.$email == DemoData.email(for: .manager)).first(),
            let managerID = manager.id
        else { return }
        func work(on day: LocalDate) -> CaseWork {
            CaseWork(
                Agent(userID: managerID, email: manager.email, role: .manager, serviceIDs: [serviceID], today: min(day, today), now: now),
                on: db)
        }
        func t(_ s: String) -> StoredValue { .text(s) }
        func d(_ x: LocalDate) -> StoredValue { .text(x.iso) }
        struct Child: Decodable { let id: UUID; let date_of_birth: String; let care_status: String; let alerts: String? }
        let children = try await db.sql.select().columns("id", "date_of_birth", "care_status", "alerts").from("children")
            .where("service_id", .equal, SQLBind(serviceID)).orderBy("external_id").all(decoding: Child.self)
        var episodes: [UUID: CareEpisode] = [:]
        for c in children {
            guard let dob = LocalDate(iso: c.date_of_birth) else { continue }
            var v: RecordValues = [
                "legal_basis": t(DemoData.pick(["care_order", "care_order", "voluntary", "interim_care_order"], &rng)),
                "placement_type": t(DemoData.pick(["foster", "foster", "childrens_home", "kinship", "supported_accommodation"], &rng))
            ]
            let start: LocalDate
            switch c.care_status {
            case "looked_after":
                start = max(dob.adding(years: 8), today.adding(days: -Int(90 + rng.next() % 900)))
                // About a quarter placed here by another authority, one in six of ours placed out of area.
                let roll = rng.next() % 12
                if roll < 3 {
                    v["responsible_authority"] = t("other_authority")
                    v["responsible_authority_name"] = t(DemoData.pick(authorities, &rng))
                    v["placement_area"] = t("in_area")
                } else {
                    v["responsible_authority"] = t("this_authority")
                    if roll < 5 {
                        v["placement_area"] = t("out_of_area")
                        v["placement_authority"] = t(DemoData.pick(authorities, &rng))
                    } else {
                        v["placement_area"] = t("in_area")
                    }
                }
            case "care_leaver":
                // Looked after from 14 (or later) until after their 16th birthday.
                let sixteen = dob.adding(years: 16)
                guard sixteen.adding(days: 30) < today else { continue }
                start = max(dob.adding(years: 14), sixteen.adding(days: -Int(120 + rng.next() % 400)))
                let end = min(today.adding(days: -1), sixteen.adding(days: Int(30 + rng.next() % 300)))
                v["ended_on"] = d(end)
                v["responsible_authority"] = t("this_authority")
                v["placement_area"] = t("in_area")
            default: continue
            }
            v["started_on"] = d(start)
            _ = try await work(on: start).recordPractice(v, RecordKind.careEpisode.spec, childID: c.id, interventionID: nil)
            episodes[c.id] = CareEpisode(v)
        }
        // Offences committed while looked after: most happened at the placement.
        struct O: Decodable { let id: UUID; let child_id: UUID; let offence_date: String }
        let offences = try await db.sql.select().columns("id", "child_id", "offence_date").from("offences")
            .where("service_id", .equal, SQLBind(serviceID)).orderBy("offence_date").orderBy("id").all(decoding: O.self)
        for o in offences {
            guard let e = episodes[o.child_id], let day = LocalDate(iso: o.offence_date), e.isOpen(on: day), DemoData.chance(0.6, &rng)
            else { continue }
            let followed = DemoData.chance(0.6, &rng)
            _ = try await work(on: day).recordPractice(
                [
                    "offence_id": t(o.id.uuidString.lowercased()), "police_called": t(followed ? "no" : "yes"),
                    "protocol_followed": t(followed ? "yes" : DemoData.pick(["no", "not_known"], &rng)),
                    "notes": t(
                        followed
                            ? "Staff used the home's restorative approach; the police were not called."
                            : "Staff called the police during the incident.")
                ], RecordKind.placementOffence.spec, childID: o.child_id, interventionID: nil)
        }
        // Exploitation concerns for the children flagged at risk, some referred to the NRM.
        for c in children where (c.alerts ?? "").contains(AlertFlag.exploitationRisk.rawValue) {
            let identified = today.adding(days: -Int(20 + rng.next() % 500))
            var v: RecordValues = [
                "identified_on": d(identified),
                "concern_type": t(
                    DemoData.pick(["criminal_exploitation", "criminal_exploitation", "county_lines", "sexual_exploitation"], &rng)),
                "details": t("Seen with older young people from outside the area; new phone and clothes; missing overnight twice."),
                "nrm_referral": t("no")
            ]
            if DemoData.chance(0.5, &rng) {
                let referred = min(today, identified.adding(days: Int(3 + rng.next() % 20)))
                v["nrm_referral"] = t("yes")
                v["nrm_referred_on"] = d(referred)
                let decided = referred.adding(days: Int(5 + rng.next() % 60))
                if decided < today {
                    v["nrm_decision"] = t(
                        DemoData.pick(["reasonable_grounds_positive", "conclusive_grounds_positive", "reasonable_grounds_negative"], &rng))
                    v["nrm_decision_on"] = d(decided)
                } else {
                    v["nrm_decision"] = t("awaiting")
                }
            }
            if DemoData.chance(0.3, &rng) { v["closed_on"] = d(min(today, identified.adding(days: 180))) }
            _ = try await work(on: identified).recordPractice(v, RecordKind.exploitation.spec, childID: c.id, interventionID: nil)
        }
        // Achievements during the work with the child.
        struct I: Decodable { let child_id: UUID; let start_date: String; let end_date: String? }
        let interventions = try await db.sql.select().columns("child_id", "start_date", "end_date").from("interventions")
            .where("service_id", .equal, SQLBind(serviceID)).orderBy("start_date").orderBy("id").all(decoding: I.self)
        var done: Set<UUID> = []
        for i in interventions where !done.contains(i.child_id) && DemoData.chance(0.5, &rng) {
            done.insert(i.child_id)
            guard let start = LocalDate(iso: i.start_date), start < today else { continue }
            let end = min(today, i.end_date.flatMap(LocalDate.init(iso:)) ?? today)
            let span = max(1, end.dayNumber - start.dayNumber)
            for _ in 0..<Int(1 + rng.next() % 3) {
                let a = DemoData.pick(awards, &rng)
                let on = start.adding(days: Int(rng.next() % UInt64(span)))
                var v: RecordValues = ["title": t(a.0), "achievement_type": t(a.1), "awarding_body": t(a.2), "achieved_on": d(on)]
                if !a.3.isEmpty { v["level"] = t(a.3) }
                _ = try await work(on: on).recordPractice(v, RecordKind.achievement.spec, childID: i.child_id, interventionID: nil)
            }
        }
    }
}

/// The demo's joint out-of-court panels: offences screened and decided at three panels over the
/// last two months (written to the legal history and started as work through the use case), four
/// offences still waiting for a panel, and a scrutiny panel with most of its findings recorded.
enum DemoPanels {
    static func load(on db: Database, serviceID: UUID, today: LocalDate, now: Date) async throws {
        var rng = SeededGenerator(seed: 2_002)
        guard let manager = try await User.query(on: db).filter(\.$email == DemoData.email(for: .manager)).first(),
            let managerID = manager.id
        else { return }
        func work(on day: LocalDate) -> CaseWork {
            CaseWork(
                Agent(userID: managerID, email: manager.email, role: .manager, serviceIDs: [serviceID], today: min(day, today), now: now),
                on: db)
        }
        struct C: Decodable { let id: UUID; let date_of_birth: String }
        // Children of 12 and over with no offence yet: their first, decided out of court.
        let children = try await db.sql.select().columns("id", "date_of_birth").from("children")
            .where("service_id", .equal, SQLBind(serviceID))
            .where(SQLRaw("id NOT IN (SELECT child_id FROM offences)"))
            .orderBy("external_id").all(decoding: C.self)
            .filter { LocalDate(iso: $0.date_of_birth).map { $0.age(on: today) >= 12 } ?? false }
        let categories: [OffenceCategory] = [.theftAndHandling, .criminalDamage, .publicOrder, .violenceAgainstThePerson, .drugs]
        var offences: [(UUID, LocalDate)] = []
        for (n, c) in children.prefix(16).enumerated() {
            let day = today.adding(days: -Int(15 + rng.next() % 90))
            let o = OffenceInput(
                offenceDate: day, category: categories[n % categories.count], description: nil, gravity: Int(1 + rng.next() % 3),
                outcome: "pending", outcomeDate: nil)
            offences.append((try await work(on: day).recordOffence(o, for: c.id), day))
        }
        let members: [PanelAgency: String] = [
            .police: "PS Dawn Fletcher (Youth Justice Officer)", .youthJustice: "Martin Okafor (Team Manager), Aisha Patel (Case Manager)",
            .health: "Jo Grant (Youth Justice Nurse)"
        ]
        let screenings = [
            "First offence; lives with mum; engaged well at screening and is sorry for what happened. No exploitation concerns.",
            "Says older friends pressured them; school attendance dropping. Speech and language screen suggested.",
            "Looked after; the incident happened at the children's home. Staff want a restorative response."
        ]
        var decided = 0
        for (n, daysAgo) in [60, 32, 12].enumerated() {
            let held = today.adding(days: -daysAgo)
            let panel = try await work(on: held).recordDisposalPanel(
                DisposalPanelInput(heldOn: held, place: "Westfield Youth Justice office", members: members), serviceID: serviceID)
            for (id, day) in offences where day <= held && decided < 12 && DemoData.chance(0.8, &rng) {
                guard try await OutOfCourtStore.pendingOffences(service: serviceID, by: held, on: db).contains(where: { $0.id == id })
                else {
                    continue
                }
                let outcome = DemoData.pick(
                    [PanelOutcome.communityResolution, .outcome22, .outcome22, .youthCaution, .youthConditionalCaution, .noFurtherAction],
                    &rng)
                _ = try await work(on: held).decide(
                    PanelDecisionInput(
                        offenceID: id.uuidString.lowercased(), screening: screenings[(n + decided) % screenings.count], outcome: outcome,
                        rationale: outcome == .youthCaution || outcome == .youthConditionalCaution
                            ? "Second incident this year and the harm was significant; the child accepted responsibility."
                            : "A first incident; the child accepted responsibility and support will address the reasons behind it.",
                        conditions: outcome == .youthConditionalCaution
                            ? "Attend six sessions with the youth justice service; letter of apology." : nil),
                    panelID: panel)
                decided += 1
            }
        }
        // A scrutiny panel of last month's decisions, most findings recorded.
        let held = today.adding(days: -5)
        guard
            let scrutiny = try await work(on: held).startScrutiny(
                ScrutinyInput(heldOn: held, from: today.adding(days: -90), to: today.adding(days: -20), sampleSize: 5), serviceID: serviceID
            )
        else { return }
        let sample = try await OutOfCourtStore.decisions(
            ids: try await OutOfCourtStore.findings(scrutiny, on: db).map(\.decision_id), in: [serviceID], on: db)
        for (n, d) in sample.dropLast().enumerated() {
            let finding: ScrutinyFinding = n == 1 ? .appropriateWithLearning : .appropriate
            try await work(on: held).recordFinding(
                finding, learning: finding == .appropriate ? nil : "Record the child's own account in the screening summary.",
                scrutinyID: scrutiny, decision: d)
        }
    }
}
