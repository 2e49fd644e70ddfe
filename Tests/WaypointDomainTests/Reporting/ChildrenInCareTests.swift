import Testing
import WaypointDomain

/// The `children-in-care` definition pinned on hand-built children: own and placed in area, own
/// placed out of county, placed here by another authority, a care leaver, and children who are not.
@Suite struct ChildrenInCareTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    let outcomes = Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) })
    let year = ReportPeriod(from: LocalDate(iso: "2025-04-01")!, to: LocalDate(iso: "2026-03-31")!)!

    func child(_ key: String, born: String = "2010-06-01", care: CareStatus = .none) -> ChildFacts {
        ChildFacts(
            key: key, service: "WF", dateOfBirth: d(born), sex: .male, ethnicityGroup: .white, careStatus: care, send: nil, ehcp: nil,
            district: "North")
    }
    func episode(
        _ child: String, _ from: String, _ to: String? = nil, other: Bool = false, outOfArea: Bool = false
    ) -> PracticeFact {
        var v: RecordValues = [
            "started_on": .text(from), "legal_basis": .text("care_order"), "placement_type": .text("foster"),
            "responsible_authority": .text(other ? "other_authority" : "this_authority"),
            "placement_area": .text(outOfArea ? "out_of_area" : "in_area")
        ]
        if let to { v["ended_on"] = .text(to) }
        return PracticeFact(child: child, intervention: nil, values: v)
    }
    func open(_ child: String, _ from: String = "2025-01-01") -> InterventionSpan {
        InterventionSpan(child: child, type: .referralOrder, start: d(from), end: nil)
    }
    func offence(_ child: String, _ id: String, _ on: String, _ outcome: String, _ outcomeOn: String?) -> OffenceFacts {
        var o = OffenceFacts(child: child, offenceDate: d(on), outcome: outcome, outcomeDate: outcomeOn.map { d($0) })
        o.id = id
        return o
    }
    func value(_ r: ReportResult, _ measure: String, _ breakdown: String = "all", _ group: String = "all") -> Double? {
        r.rows.first { $0.measure == measure && $0.breakdown == breakdown && $0.group == group }?.value
    }
    func children(_ r: ReportResult, _ measure: String, _ breakdown: String = "all", _ group: String = "all") -> [String]? {
        r.rows.first { $0.measure == measure && $0.breakdown == breakdown && $0.group == group }?.children
    }

    func facts() -> ReportFacts {
        let kids = [
            child("OWN"), child("OUT"), child("HERE"),
            child("LEAVER", born: "2008-01-10"),  // 16 on 10 Jan 2024
            child("SHORT", born: "2008-01-10"),  // in care after 16, but under 13 weeks in all
            child("YOUNG"),  // in care for a year before 14: never a care leaver
            child("NONE"), child("LABEL", care: .lookedAfter),  // a care status, no history
            child("CLOSED")  // looked after, but nothing open with the service on the last day
        ]
        var f = ReportFacts(
            children: Dictionary(uniqueKeysWithValues: kids.map { ($0.key, $0) }),
            offences: [
                // OWN: first entry while looked after (and an informal outcome before it).
                offence("OWN", "o1", "2025-05-01", "community_resolution", "2025-05-10"),
                offence("OWN", "o2", "2025-06-01", "youth_caution", "2025-06-20"),
                // NONE: first time entrant, not in care; then custody.
                offence("NONE", "o3", "2025-05-01", "youth_caution", "2025-05-15"),
                offence("NONE", "o4", "2025-07-01", "detention_and_training_order", "2025-09-01"),
                // LEAVER: Outcome 22 as a care leaver.
                offence("LEAVER", "o5", "2025-08-01", "outcome_22", "2025-08-20"),
                // HERE: an offence at the placement, the police called; informal outcome.
                offence("HERE", "o6", "2025-10-01", "community_resolution", "2025-10-05"),
                // OUT: an offence at the placement before the period: not counted.
                offence("OUT", "o7", "2025-03-01", "pending", nil)
            ],
            outcomes: outcomes, population: Population(byYear: [:]), today: d("2026-11-01"))
        f.interventions = ["OWN", "OUT", "HERE", "LEAVER", "SHORT", "YOUNG", "NONE", "LABEL"].map { open($0) }
        f.practice[.careEpisode] = [
            episode("OWN", "2024-02-01"),
            episode("OUT", "2025-01-15", outOfArea: true),
            episode("HERE", "2025-02-01", other: true),
            // 14 Jan 2022 (aged 14) to 1 Mar 2024: well over 13 weeks, and after 16.
            episode("LEAVER", "2022-01-14", "2024-03-01"),
            // 10 weeks, all after 16: not enough.
            episode("SHORT", "2024-02-01", "2024-04-10"),
            episode("YOUNG", "2020-01-01", "2021-01-01"),
            episode("CLOSED", "2024-01-01")
        ]
        f.practice[.placementOffence] = [
            PracticeFact(
                child: "HERE", intervention: nil,
                values: ["offence_id": .text("o6"), "police_called": .text("yes"), "protocol_followed": .text("no")]),
            PracticeFact(
                child: "OUT", intervention: nil,
                values: ["offence_id": .text("o7"), "police_called": .text("no"), "protocol_followed": .text("yes")])
        ]
        f.practice[.exploitation] = [
            PracticeFact(
                child: "HERE", intervention: nil,
                values: [
                    "identified_on": .text("2025-09-01"), "concern_type": .text("county_lines"), "nrm_referral": .text("yes"),
                    "nrm_referred_on": .text("2025-09-05"), "nrm_decision": .text("reasonable_grounds_positive")
                ]),
            PracticeFact(
                child: "NONE", intervention: nil,
                values: ["identified_on": .text("2024-09-01"), "concern_type": .text("criminal_exploitation"), "nrm_referral": .text("no")])
        ]
        return f
    }

    @Test func theCaseloadSplitsOwnPlacedOutOfCountyAndPlacedHere() {
        let r = ChildrenInCare.compute(facts(), period: year)
        #expect(value(r, "caseload") == 8)
        #expect(children(r, "looked_after") == ["HERE", "OUT", "OWN"])
        #expect(children(r, "looked_after", "placement", "own_in_area") == ["OWN"])
        #expect(children(r, "looked_after", "placement", "own_out_of_area") == ["OUT"])
        #expect(children(r, "looked_after", "placement", "other_authority") == ["HERE"])
        #expect(value(r, "looked_after_share") == 37.5)  // 3 of 8
        #expect(children(r, "own_looked_after") == ["OUT", "OWN"])
        #expect(value(r, "own_looked_after_share") == 25)
        #expect(children(r, "care_leavers") == ["LEAVER"])
        #expect(value(r, "care_leaver_share") == 12.5)
        #expect(children(r, "care_status_without_history") == ["LABEL"])
        #expect(r.notes.contains { $0.contains("1 child on the caseload has a care status recorded but no care episode") })
    }

    @Test func outcomesAreComparedByCareStatusOnTheirDate() {
        let r = ChildrenInCare.compute(facts(), period: year)
        #expect(children(r, "first_time_entrants") == ["NONE", "OWN"])
        #expect(children(r, "first_time_entrants", "care", "looked_after") == ["OWN"])
        #expect(children(r, "first_time_entrants", "care", "not_in_care") == ["NONE"])
        #expect(value(r, "first_time_entrants_in_care_share") == 50)
        #expect(children(r, "children_sentenced_to_custody") == ["NONE"])
        #expect(value(r, "children_sentenced_to_custody_in_care_share") == 0)
        // Informal: OWN's community resolution, LEAVER's Outcome 22, HERE's community resolution.
        #expect(value(r, "informal_outcomes") == 3)
        #expect(children(r, "informal_outcomes", "care", "looked_after") == ["HERE", "OWN"])
        #expect(children(r, "informal_outcomes", "care", "care_leaver") == ["LEAVER"])
        // Outcomes given: 3 informal + 3 proven (two cautions, one custodial order).
        #expect(value(r, "informal_outcome_share") == 50)
        #expect(value(r, "informal_outcome_share", "care", "looked_after") == 66.7)  // 2 of OWN's and HERE's 3
        #expect(value(r, "informal_outcome_share", "care", "care_leaver") == 100)
        #expect(value(r, "informal_outcome_share", "care", "not_in_care") == 0)
    }

    @Test func offencesAtAPlacementAndExploitationCountInThePeriod() {
        let r = ChildrenInCare.compute(facts(), period: year)
        #expect(children(r, "offences_in_placement") == ["HERE"])
        #expect(value(r, "police_called_by_placement") == 1)
        #expect(value(r, "police_called_share") == 100)
        #expect(value(r, "protocol_followed") == 0)
        #expect(children(r, "children_with_exploitation_concerns") == ["HERE"])
        #expect(children(r, "children_with_exploitation_concerns", "concern", "county_lines") == ["HERE"])
        #expect(children(r, "nrm_referrals", "decision", "reasonable_grounds_positive") == ["HERE"])
    }

    @Test func careLeaverStatusComesFromTheHistory() {
        let born = d("2008-01-10")
        func e(_ a: String, _ b: String?) -> CareEpisode {
            CareEpisode(start: d(a), end: b.map { d($0) }, ownAuthority: true, placedOutOfArea: false)
        }
        // 91 days from the 14th birthday… but none after 16: not a care leaver.
        #expect(!CareHistory.isCareLeaver([e("2022-01-10", "2022-04-10")], dateOfBirth: born, on: d("2025-01-01")))
        // 91 days ending on the 16th birthday: a care leaver; 90 days: not.
        #expect(CareHistory.isCareLeaver([e("2023-10-12", "2024-01-10")], dateOfBirth: born, on: d("2025-01-01")))
        #expect(!CareHistory.isCareLeaver([e("2023-10-13", "2024-01-10")], dateOfBirth: born, on: d("2025-01-01")))
        // Two short episodes add up.
        #expect(
            CareHistory.isCareLeaver([e("2022-06-01", "2022-07-30"), e("2024-01-01", "2024-02-15")], dateOfBirth: born, on: d("2025-01-01"))
        )
        // Looked after today is not a care leaver, and the day after it ends they are.
        let open = [e("2023-06-01", nil)]
        #expect(CareHistory.status(open, dateOfBirth: born, on: d("2025-01-01")) == .lookedAfter)
        let ended = [e("2023-06-01", "2025-01-01")]
        #expect(CareHistory.status(ended, dateOfBirth: born, on: d("2025-01-01")) == .lookedAfter)
        #expect(CareHistory.status(ended, dateOfBirth: born, on: d("2025-01-02")) == .careLeaver)
    }
}
