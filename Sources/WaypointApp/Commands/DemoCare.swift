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
