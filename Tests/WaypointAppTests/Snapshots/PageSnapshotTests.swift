import Foundation
import Testing
@testable import WaypointApp
import WaypointDomain

/// The main pages rendered from fixed models, compared with their checked-in HTML: a change to a
/// component, a label or the escaping shows as a diff here before a user sees it.
@Suite struct PageSnapshotTests {
    static let service = UUID(uuidString: "00000000-0000-0000-0000-00000000005e")!
    static let manager = CurrentUser(
        id: UUID(uuidString: "00000000-0000-0000-0000-0000000000aa")!, email: "martin@example.test", name: "Martin Okafor",
        role: .manager, serviceIDs: [service], sessionID: UUID(uuidString: "00000000-0000-0000-0000-0000000000bb")!,
        csrfToken: "csrf-token")
    static let ctx = PageContext(user: manager, csrf: "csrf-token")
    static let today = LocalDate(year: 2026, month: 12, day: 2)!
    static let child = ChildRecord(
        id: UUID(uuidString: "00000000-0000-0000-0000-0000000000c1")!, serviceID: service, version: 3,
        details: ChildDetails(
            givenName: "Zoë", familyName: "O'Brien <script>", preferredName: "Zo", dateOfBirth: LocalDate(year: 2011, month: 4, day: 9)!,
            sex: .female, ethnicity: .mixedWhiteBlackCaribbean, careStatus: .lookedAfter, send: .yes, ehcp: .no,
            postcode: Postcode("NB1 2AB"), district: "Northbrook", nhsNumber: NHSNumber("9434765919"), school: "Northbrook Academy",
            eteStatus: .fullTimeSchool, accommodation: .fosterCare, whatMatters: "Boxing at the community gym.",
            strengths: "Caring towards younger siblings.", alerts: [.exploitationRisk]),
        createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))

    @Test func theRegisterSearch() throws {
        let rows = [
            ChildListRow(
                id: Self.child.id, service_id: Self.service, given_name: "Zoë", family_name: "O'Brien <script>", preferred_name: "Zo",
                date_of_birth: "2011-04-09", district: "Northbrook", nhs_number: "9434765919", pnc_id: nil, alerts: "exploitation_risk"),
            ChildListRow(
                id: UUID(uuidString: "00000000-0000-0000-0000-0000000000c2")!, service_id: Self.service, given_name: "Kai",
                family_name: "Mensah", preferred_name: nil, date_of_birth: "2009-11-30", district: nil, nhs_number: nil,
                pnc_id: "2024/1234567X", alerts: nil)
        ]
        let html = ChildIndexView.render(
            Self.ctx,
            ChildIndexModel(
                values: FormValues(["q": "o'b"]), errors: [], searched: true, rows: rows, total: 2, page: 1, today: Self.today,
                openable: [Self.child.id], canCreate: true))
        try HTMLSnapshot.check(html, named: "register-search")
    }

    @Test func theAddChildFormWithErrorsKeepsWhatWasTyped() throws {
        let html = ChildFormView.render(
            Self.ctx,
            ChildFormModel(
                mode: .create,
                values: FormValues(["given_name": "Zoë", "family_name": "", "dob-day": "31", "dob-month": "2", "dob-year": "2012"]),
                errors: [
                    FieldError(field: "family_name", message: "Enter the child's family name"),
                    FieldError(field: "dob-day", message: "Date of birth must be a real date")
                ],
                services: [ServiceOption(id: Self.service, code: "DEMO", name: "Demo Youth Justice Service")], today: Self.today))
        try HTMLSnapshot.check(html, named: "add-child-form-errors")
    }

    @Test func theChildPage() throws {
        let html = ChildShowView.render(
            PageContext(user: Self.manager, csrf: "csrf-token", notice: "Changes saved"),
            ChildShow(
                record: Self.child, serviceName: "Demo Youth Justice Service", today: Self.today, canEdit: true, canSeeAudit: true,
                canRecord: true, canStartIntervention: true))
        try HTMLSnapshot.check(html, named: "child-page")
    }

    @Test func theReferralFormWithAnError() throws {
        let html = ReferralViews.form(
            Self.ctx,
            FormAboutChild(
                Self.child, values: FormValues(["received-day": "2", "received-month": "12", "received-year": "2026"]),
                errors: [FieldError(field: "reasons", message: "Enter why the child is referred")]))
        try HTMLSnapshot.check(html, named: "referral-form-error")
    }

    @Test func theReferralQueue() throws {
        let html = ReferralViews.queue(
            Self.ctx,
            ReferralQueue(
                referrals: [
                    .init(
                        id: UUID(uuidString: "00000000-0000-0000-0000-0000000000e1")!, childID: Self.child.id,
                        childName: "Zoë O'Brien <script>",
                        received: "2 November 2026", source: "Police", workingDaysWaiting: 21),
                    .init(
                        id: UUID(uuidString: "00000000-0000-0000-0000-0000000000e2")!, childID: Self.child.id, childName: "Kai Mensah",
                        received: "1 December 2026", source: "School", workingDaysWaiting: 1)
                ], total: 27, page: 2, totalPages: 2))
        try HTMLSnapshot.check(html, named: "referral-queue")
    }

    @Test func anOutOfCourtPanelWithADecisionAndTheFormWithAnError() throws {
        let html = DisposalPanelViews.panel(
            Self.ctx,
            PanelShow(
                id: UUID(uuidString: "00000000-0000-0000-0000-0000000000d1")!, held: "25 November 2026", place: "Northbrook police station",
                members: [("Police", "PS Amir Khan"), ("Youth justice service", "Martin Okafor"), ("Health", nil)],
                decisions: [
                    .init(
                        childID: Self.child.id, childName: "Zoë O'Brien", offence: "Theft on 1 October 2026", outcome: "Youth caution",
                        rationale: "First offence.\nShe has made amends.", conditions: nil)
                ],
                pending: [("00000000-0000-0000-0000-0000000000f1", "Kai Mensah: Criminal damage on 3 November 2026")],
                form: FormState(
                    values: FormValues(["offence_id": "00000000-0000-0000-0000-0000000000f1", "outcome": "youth_conditional_caution"]),
                    errors: [FieldError(field: "conditions", message: "Enter the conditions of the youth conditional caution")])))
        try HTMLSnapshot.check(html, named: "disposal-panel-error")
    }

    @Test func aManagersHomePage() throws {
        let html = HomeView.render(Self.ctx, HomePage(Self.manager, services: ["Demo Youth Justice Service"]))
        try HTMLSnapshot.check(html, named: "home-manager")
    }
}
