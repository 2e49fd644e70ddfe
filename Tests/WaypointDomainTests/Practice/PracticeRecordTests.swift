import Testing
import WaypointDomain

@Suite struct ComplianceTests {
    let d = { (s: String) in LocalDate(iso: s)! }

    @Test func twoWarningsThenBreachWithinTwelveMonths() {
        #expect(Compliance.decide(priorWarnings: [], failureOn: d("2024-03-05")) == .warning(1))
        #expect(Compliance.decide(priorWarnings: [d("2024-03-05")], failureOn: d("2024-03-12")) == .warning(2))
        #expect(Compliance.decide(priorWarnings: [d("2024-03-05"), d("2024-03-12")], failureOn: d("2024-03-19")) == .breachDue)
    }

    @Test func warningsOlderThanTwelveMonthsNoLongerCount() {
        // 12 calendar months before 5 March 2025 is 5 March 2024: a warning on that day has lapsed.
        #expect(Compliance.decide(priorWarnings: [d("2024-03-05"), d("2024-09-01")], failureOn: d("2025-03-05")) == .warning(2))
        #expect(Compliance.decide(priorWarnings: [d("2024-03-06"), d("2024-09-01")], failureOn: d("2025-03-05")) == .breachDue)
    }

    @Test func breachActionOnOrAfterTheFailureClearsTheDueFlag() {
        #expect(Compliance.breachDue(unwarnedFailures: [d("2024-03-19")], breachesStarted: []) == d("2024-03-19"))
        #expect(Compliance.breachDue(unwarnedFailures: [d("2024-03-19")], breachesStarted: [d("2024-03-19")]) == nil)
        #expect(
            Compliance.breachDue(unwarnedFailures: [d("2024-03-19"), d("2024-05-01")], breachesStarted: [d("2024-03-20")])
                == d("2024-05-01"))
    }
}

@Suite struct RecordFormTests {
    let today = LocalDate(iso: "2024-03-27")!

    @Test func timesAreNormalisedAndBadOnesRefused() throws {
        let spec = RecordKind.contact.spec
        let base = ["contact_on-day": "1", "contact_on-month": "3", "contact_on-year": "2024", "contact_type": "group", "place": "school"]
        for (typed, stored) in [("9:05", "09:05"), ("16.30", "16:30"), ("00:00", "00:00")] {
            let v = try RecordForm.parse(spec, FormValues(base.merging(["contact_time": typed]) { $1 }), today: today).get()
            #expect(v["contact_time"] == .text(stored))
        }
        for bad in ["24:00", "9", "9:5", "noon", "12:60"] {
            guard case .failure(let e) = RecordForm.parse(spec, FormValues(base.merging(["contact_time": bad]) { $1 }), today: today) else {
                Issue.record("\(bad) accepted"); continue
            }
            #expect(e.errors.map(\.field) == ["contact_time"])
        }
    }

    @Test func everyMissingRequiredFieldIsReportedInPageOrder() {
        guard case .failure(let e) = RecordForm.parse(RecordKind.planTarget.spec, FormValues([:]), today: today) else {
            Issue.record("accepted"); return
        }
        #expect(e.errors.map(\.field) == ["target", "action", "by_whom", "status"])
    }

    @Test func kpiNotKnownNeedsAReasonAndAttendedHoursCannotExceedOffered() {
        var values: [String: String] = [
            "stage": "end", "recorded_on-day": "27", "recorded_on-month": "3", "recorded_on-year": "2024",
            "accommodation": "with_parents", "ete_status": "college", "ete_hours_offered": "10", "ete_hours_attended": "12"
        ]
        for f in KPIFields.answers where values[f.name] == nil && f.required != nil { values[f.name] = "yes" }
        values["ehcp"] = "not_known"
        guard case .failure(let e) = RecordForm.parse(RecordKind.kpi.spec, FormValues(values), today: today) else {
            Issue.record("accepted"); return
        }
        #expect(e.errors.map(\.field) == ["ete_hours_attended", "not_known_reason"])
        values["ete_hours_attended"] = "8"
        values["not_known_reason"] = "School has not replied"
        #expect((try? RecordForm.parse(RecordKind.kpi.spec, FormValues(values), today: today).get()) != nil)
    }

    @Test func decimalsAndChoicesAreChecked() {
        let spec = RecordKind.reparationSession.spec
        let base = ["done_on-day": "20", "done_on-month": "3", "done_on-year": "2024", "activity": "Litter pick"]
        #expect(
            (try? RecordForm.parse(spec, FormValues(base.merging(["hours": "1.5"]) { $1 }), today: today).get())?["hours"] == .double(1.5))
        for bad in ["0", "13", "1.234", "two", "nan"] {
            #expect((try? RecordForm.parse(spec, FormValues(base.merging(["hours": bad]) { $1 }), today: today).get()) == nil, "\(bad)")
        }
        guard
            case .failure(let e) = RecordForm.parse(
                RecordKind.victim.spec, FormValues(["consent": "maybe"]), today: today, lookups: ["offences": []])
        else { return }
        #expect(e.errors.contains { $0.field == "consent" && $0.message.hasPrefix("Select a valid option") })
    }

    @Test func restorativeActivityNeedsConsent() {
        let v = [
            "offence_id": "o1", "name": "A", "victim_type": "person", "consent": "no", "views_sought": "no", "activity": "direct_meeting"
        ]
        guard
            case .failure(let e) = RecordForm.parse(
                RecordKind.victim.spec, FormValues(v), today: today, lookups: ["offences": [("o1", "Theft")]])
        else {
            Issue.record("accepted"); return
        }
        #expect(e.errors.map(\.field) == ["activity"])
    }

    @Test func restrictedFieldsAreOnlyVictimIdentity() {
        for kind in RecordKind.allCases {
            let restricted = kind.spec.fields.filter(\.restricted).map(\.name)
            #expect(restricted == (kind == .victim ? ["name", "address", "phone", "email", "views"] : []), "\(kind.rawValue)")
        }
    }
}
