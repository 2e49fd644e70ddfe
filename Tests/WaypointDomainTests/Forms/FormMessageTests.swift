import Testing
import WaypointDomain

/// The messages a form shows read as a person would write them.
@Suite struct FormMessageTests {
    static let today = LocalDate(year: 2026, month: 12, day: 2)!

    @Test func anEmptyScrutinyFormAsksForEachDateOnce() throws {
        guard case .failure(let e) = DisposalPanelForms.scrutiny(FormValues([:]), today: Self.today) else {
            Issue.record("an empty form was accepted")
            return
        }
        #expect(e.message(for: "held_on-day") == "Enter the date of the scrutiny panel")
        #expect(e.message(for: "from-day") == "Enter the first decision date")
        #expect(e.message(for: "to-day") == "Enter the last decision date")
        #expect(e.message(for: "sample_size") == "Enter the sample size")
        for x in e.errors { #expect(!x.message.lowercased().contains("the the"), "\(x.field): \(x.message)") }
    }

    @Test func aLabelWithoutTheStillGetsIt() throws {
        var e = FormErrors()
        _ = DateInput.parse(FormValues([:]), prefix: "dob", label: "Date of birth", today: Self.today, errors: &e)
        #expect(e.message(for: "dob-day") == "Enter the date of birth")
    }
}
