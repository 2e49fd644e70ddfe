import Testing
import WaypointDomain

@Suite struct DeadlineTests {
    let calendar = WorkingDayCalendar(
        holidays: Set(
            [
                "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-12-25", "2024-12-26",
                "2025-01-01"
            ].map { LocalDate(iso: $0)! }))
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    func due(_ f: InterventionFacts, _ t: Timescales = Timescales(), today: String) -> [DueItem] {
        Deadlines.outstanding(f, timescales: t, calendar: calendar, today: d(today))
    }

    @Test func assessmentIsDueTenWorkingDaysAfterAllocationSkippingEasterAndWeekends() throws {
        let f = InterventionFacts(
            type: .prevention, startDate: d("2024-03-27"), plannedEndDate: d("2024-06-19"), allocatedOn: d("2024-03-27"))
        let a = try #require(due(f, today: "2024-03-27").first { $0.kind == .assessmentAndPlan })
        #expect(a.due == d("2024-04-12"))
        #expect(a.workingDaysLeft == 10)
        #expect(!a.overdue)
        let later = try #require(due(f, today: "2024-04-15").first { $0.kind == .assessmentAndPlan })
        #expect(later.overdue)
        #expect(later.workingDaysLeft == -1)
    }

    @Test func noAssessmentDeadlineUntilAllocatedOrOnceDone() {
        var f = InterventionFacts(type: .prevention, startDate: d("2024-03-27"))
        #expect(!due(f, today: "2024-03-27").contains { $0.kind == .assessmentAndPlan })
        f.allocatedOn = d("2024-03-28")
        f.assessmentCompletedOn = d("2024-04-02")
        #expect(!due(f, today: "2024-04-03").contains { $0.kind == .assessmentAndPlan })
    }

    @Test func assessmentDaysAreSetPerServiceAndType() throws {
        var t = Timescales()
        t.assessmentWorkingDays = 15
        t.assessmentWorkingDaysByType[.youthCaution] = 5
        let caution = InterventionFacts(type: .youthCaution, startDate: d("2024-05-01"), allocatedOn: d("2024-05-01"))
        #expect(due(caution, t, today: "2024-05-01").first { $0.kind == .assessmentAndPlan }?.due == d("2024-05-09"))  // skips 6 May
        let prevention = InterventionFacts(type: .prevention, startDate: d("2024-05-01"), allocatedOn: d("2024-05-01"))
        #expect(due(prevention, t, today: "2024-05-01").first { $0.kind == .assessmentAndPlan }?.due == d("2024-05-23"))
    }

    @Test func referralOrderInitialPanelWithinTwentyWorkingDaysOfTheOrder() throws {
        let f = InterventionFacts(type: .referralOrder, startDate: d("2024-05-01"), plannedEndDate: d("2024-11-01"))
        let panel = try #require(due(f, today: "2024-05-01").first { $0.kind == .initialPanel })
        #expect(panel.due == d("2024-05-31"))  // 6 and 27 May are bank holidays
        var held = f
        held.initialPanelHeldOn = d("2024-05-20")
        #expect(!due(held, today: "2024-05-21").contains { $0.kind == .initialPanel })
        let prevention = InterventionFacts(type: .prevention, startDate: d("2024-05-01"))
        #expect(!due(prevention, today: "2024-05-01").contains { $0.kind == .initialPanel })
    }

    @Test func planReviewEveryThreeCalendarMonths() {
        let f = InterventionFacts(type: .youthRehabilitationOrder, startDate: d("2024-01-31"), plannedEndDate: d("2025-01-31"))
        #expect(due(f, today: "2024-02-01").first { $0.kind == .planReview }?.due == d("2024-04-30"))
        var reviewed = f
        reviewed.lastReviewOn = d("2024-04-29")
        #expect(due(reviewed, today: "2024-05-01").first { $0.kind == .planReview }?.due == d("2024-07-29"))
        var t = Timescales()
        t.reviewMonths = 2
        #expect(due(f, t, today: "2024-02-01").first { $0.kind == .planReview }?.due == d("2024-03-31"))
        t.reviewMonthsByType[.youthRehabilitationOrder] = 1
        #expect(due(f, t, today: "2024-02-01").first { $0.kind == .planReview }?.due == d("2024-02-29"))
    }

    @Test func plannedEndShowsWhenItIsNear() {
        let f = InterventionFacts(
            type: .prevention, startDate: d("2024-03-27"), plannedEndDate: d("2024-06-19"), allocatedOn: d("2024-03-27"))
        let items = due(f, today: "2024-04-01")
        #expect(items.contains { $0.kind == .plannedEnd && $0.due == d("2024-06-19") })
        #expect(!items.contains { $0.kind == .planReview })  // the end comes before a review would
        #expect(items.map(\.due) == items.map(\.due).sorted())
    }

    @Test func aClosedInterventionHasNothingDue() {
        let f = InterventionFacts(type: .prevention, startDate: d("2024-01-02"), endDate: d("2024-03-01"), allocatedOn: d("2024-01-02"))
        #expect(due(f, today: "2024-03-27").isEmpty)
    }

    @Test func plannedLengths() {
        #expect(Deadlines.plannedEnd(type: .prevention, start: d("2024-03-27"), lengthMonths: nil) == d("2024-06-19"))  // 12 weeks
        #expect(Deadlines.plannedEnd(type: .youthCaution, start: d("2024-03-27"), lengthMonths: nil) == d("2024-07-17"))  // 16 weeks
        #expect(Deadlines.plannedEnd(type: .referralOrder, start: d("2024-01-31"), lengthMonths: 3) == d("2024-04-30"))
        #expect(Deadlines.plannedEnd(type: .remand, start: d("2024-01-31"), lengthMonths: nil) == nil)
    }

    @Test(arguments: [(0, 25, false), (24, 25, false), (25, 25, true), (30, 25, true), (9, 10, false), (10, 10, true)])
    func caseloadCap(current: Int, cap: Int, exceeds: Bool) {
        #expect(Caseload.wouldExceedCap(current: current, cap: cap) == exceeds)
    }
}

@Suite struct JourneyFormTests {
    let today = LocalDate(iso: "2024-03-27")!
    func errors<T>(_ r: Result<T, FormErrors>) -> [String: String] {
        guard case .failure(let e) = r else { return [:] }
        return Dictionary(e.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }
    func dateFields(_ p: String, _ iso: String) -> [String: String] { Parse.dateValues(LocalDate(iso: iso)!, p) }

    @Test func referralNeedsSourceReasonsConsentAndAPastDate() {
        let e = errors(ReferralForm.parse(FormValues(dateFields("received", "2024-03-28")), today: today))
        #expect(e["source"] != nil)
        #expect(e["reasons"] != nil)
        #expect(e["consent"] != nil)
        #expect(e["received-day"] == "Date received must be today or in the past")
        let ok = ReferralForm.parse(
            FormValues(
                dateFields("received", "2024-03-20").merging(["source": "police", "reasons": "Found with older boys", "consent": "given"]) {
                    a, _ in a
                }), today: today)
        #expect((try? ok.get())?.source == .police)
    }

    @Test func screeningOutIsAsQuickAsAcceptingButNeedsItsDestination() throws {
        let received = LocalDate(iso: "2024-03-20")!
        var base = dateFields("decided", "2024-03-27")
        base["decision_reasons"] = "Needs are about family support"
        let out = try ScreeningForm.parse(
            FormValues(base.merging(["decision": "screened_out", "destination": "early_help"]) { a, _ in a }), receivedOn: received,
            today: today
        ).get()
        #expect(out.destination == .earlyHelp)
        #expect(out.interventionType == nil)
        #expect(
            errors(
                ScreeningForm.parse(
                    FormValues(base.merging(["decision": "screened_out"]) { a, _ in a }), receivedOn: received, today: today))[
                    "destination"] != nil)
        #expect(
            errors(
                ScreeningForm.parse(
                    FormValues(base.merging(["decision": "screened_out", "destination": "other_service"]) { a, _ in a }),
                    receivedOn: received, today: today))["destination_service"] != nil)
        let accepted = try ScreeningForm.parse(
            FormValues(base.merging(["decision": "accepted", "intervention_type": "turnaround", "destination": "camhs"]) { a, _ in a }),
            receivedOn: received, today: today
        ).get()
        #expect(accepted.interventionType == .turnaround)
        #expect(accepted.destination == nil)  // only kept for screen-outs
        #expect(
            errors(
                ScreeningForm.parse(FormValues(base.merging(["decision": "accepted"]) { a, _ in a }), receivedOn: received, today: today))[
                    "intervention_type"] != nil)
        #expect(
            errors(
                ScreeningForm.parse(FormValues(base.merging(["decision": "pending"]) { a, _ in a }), receivedOn: received, today: today))[
                    "decision"] == "Select a decision")
        var early = base
        early.merge(dateFields("decided", "2024-03-19")) { _, b in b }
        early["decision"] = "no_further_action"
        #expect(
            errors(ScreeningForm.parse(FormValues(early), receivedOn: received, today: today))["decided-day"]?.contains(
                "on or after the date the referral was received") == true)
    }

    @Test func ordersHaveTheirLengthsAndRequirements() throws {
        var v = dateFields("start", "2024-03-01")
        v["type"] = "referral_order"
        #expect(errors(InterventionForm.parse(FormValues(v), today: today))["length_months"] != nil)
        v["length_months"] = "13"
        #expect(errors(InterventionForm.parse(FormValues(v), today: today))["length_months"] == "A referral order lasts 3 to 12 months")
        v["length_months"] = "6"
        #expect(try InterventionForm.parse(FormValues(v), today: today).get().plannedEndDate == LocalDate(iso: "2024-09-01"))
        v["type"] = "youth_rehabilitation_order"
        #expect(errors(InterventionForm.parse(FormValues(v), today: today))["requirements"] != nil)
        let yro = try InterventionForm.parse(FormValues(v, lists: ["requirements": ["supervision", "curfew"]]), today: today).get()
        #expect(yro.requirements == [.supervision, .curfew])
        v["type"] = "detention_and_training_order"
        v["length_months"] = "4"
        let dto = try InterventionForm.parse(FormValues(v), today: today).get()
        #expect(dto.custodyEndDate == LocalDate(iso: "2024-05-01"))  // half of 1 March – 1 July
    }

    @Test func offencesAndTheirOutcomes() throws {
        let codes = Set(OutcomeType.national.map(\.code))
        var v = dateFields("offence", "2024-02-10")
        v["category"] = "robbery"
        v["outcome"] = "youth_caution"
        #expect(
            errors(OffenceForm.parse(FormValues(v), outcomes: codes, today: today))["outcome_date-day"] == "Enter the date of the outcome")
        v.merge(dateFields("outcome_date", "2024-03-01")) { _, b in b }
        v["gravity"] = "6"
        #expect(errors(OffenceForm.parse(FormValues(v), outcomes: codes, today: today))["gravity"] != nil)
        v["gravity"] = "3"
        let o = try OffenceForm.parse(FormValues(v), outcomes: codes, today: today).get()
        #expect(o.outcome == "youth_caution" && o.gravity == 3)
        v["outcome"] = "pending"
        #expect(
            errors(OffenceForm.parse(FormValues(v), outcomes: codes, today: today))["outcome_date-day"]?.contains(
                "blank while the outcome is pending") == true)
        v["outcome"] = "made_up"
        #expect(errors(OffenceForm.parse(FormValues(v), outcomes: codes, today: today))["outcome"] != nil)
        var before = v
        before["outcome"] = "fine"
        before.merge(dateFields("outcome_date", "2024-02-01")) { _, b in b }
        #expect(
            errors(OffenceForm.parse(FormValues(before), outcomes: codes, today: today))["outcome_date-day"]?.contains(
                "on or after the offence date") == true)
    }

    @Test func outcomeReferenceDataCarriesTheAttributesReportsUse() {
        let byCode = Dictionary(uniqueKeysWithValues: OutcomeType.national.map { ($0.code, $0) })
        #expect(byCode["community_resolution"]?.countsAsEntry == false)
        #expect(byCode["outcome_22"]?.countsAsEntry == false)
        #expect(byCode["youth_caution"]?.countsAsEntry == true)
        #expect(byCode["youth_caution"]?.conviction == false)
        #expect(byCode["referral_order"]?.conviction == true)
        #expect(byCode["detention_and_training_order"]?.custodial == true)
        #expect(byCode["fine"]?.custodial == false)
        let new = OutcomeTypeForm.parse(
            FormValues([
                "code": "youth_diversion_order", "label": "Youth diversion order", "tier": "pre_court",
                "counts_as_entry": "no", "conviction": "no", "custodial": "no", "disposal_group": "none"
            ]), existing: Set(byCode.keys))
        #expect((try? new.get())?.countsAsEntry == false)
        let dup = OutcomeTypeForm.parse(
            FormValues(["code": "fine", "label": "x", "tier": "none", "counts_as_entry": "no", "conviction": "no", "custodial": "no"]),
            existing: Set(byCode.keys))
        #expect(errors(dup)["code"] == "This code already exists")
    }
}
