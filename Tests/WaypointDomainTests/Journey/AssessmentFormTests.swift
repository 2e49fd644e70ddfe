import Testing
import WaypointDomain

@Suite struct AssessmentFormTests {
    func errors<T>(_ r: Result<T, FormErrors>) -> [String: String] {
        guard case .failure(let e) = r else { return [:] }
        return Dictionary(e.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func aDraftMayBeIncompleteButASubmissionMayNot() throws {
        let draft = FormValues(["type": "statutory", "stage": "start", "personal_family_social": "Lives with mum and two brothers"])
        #expect(
            (try? AssessmentForm.parse(draft, forSubmission: false).get())?.sections[.personalFamilySocial]
                == "Lives with mum and two brothers")
        let e = errors(AssessmentForm.parse(draft, forSubmission: true))
        #expect(e["offending_behaviour"] == "Complete ‘Offending and anti-social behaviour’ before submitting")
        #expect(e["foundations_for_change"] != nil && e["explanations_conclusions"] != nil && e["pathways_planning"] != nil)
        #expect(e["personal_family_social"] == nil)
        #expect(e["child_views"] != nil && e["likelihood_of_reoffending"] != nil && e["safety_and_wellbeing"] != nil)
        #expect(e["risk_of_serious_harm"] == "Rate the risk of serious harm before submitting")
    }

    @Test func preventionAssessmentsUseFewerSectionsAndNoHarmRating() throws {
        var v = [
            "type": "prevention_diversion", "stage": "start", "personal_family_social": "a", "explanations_conclusions": "b",
            "pathways_planning": "c", "child_views": "I want to stay at school", "likelihood_of_reoffending": "low",
            "safety_and_wellbeing": "medium"
        ]
        #expect((try? AssessmentForm.parse(FormValues(v), forSubmission: true).get()) != nil)
        v["risk_of_serious_harm"] = "extreme"
        #expect(errors(AssessmentForm.parse(FormValues(v), forSubmission: true))["risk_of_serious_harm"] == "Select a valid option")
        #expect(AssessmentType.usual(for: .prevention) == .preventionDiversion)
        #expect(AssessmentType.usual(for: .youthCaution) == .outOfCourt)
        #expect(AssessmentType.usual(for: .referralOrder) == .statutory)
    }

    @Test func returningNeedsComments() {
        #expect(errors(SignOffForm.parse(FormValues(["decision": "return"])))["comments"] != nil)
        #expect(errors(SignOffForm.parse(FormValues([:])))["decision"] != nil)
        #expect((try? SignOffForm.parse(FormValues(["decision": "sign_off"])).get())?.0 == .signOff)
        #expect(Timeliness.onTime(completed: LocalDate(iso: "2024-04-12")!, due: LocalDate(iso: "2024-04-12")!))
        #expect(!Timeliness.onTime(completed: LocalDate(iso: "2024-04-15")!, due: LocalDate(iso: "2024-04-12")!))
    }
}
