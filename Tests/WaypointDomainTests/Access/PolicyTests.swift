import Testing
import WaypointDomain

@Suite struct PolicyTests {
    /// The whole matrix, written out: what each role may do.
    static let expected: [Role: Set<Action>] = [
        .practitioner: [
            .searchChildren, .viewChild, .createChild, .editChild, .viewPanelPapers, .recordReferral, .viewMyWork, .recordAssessment,
            .recordPractice,
            .viewCaseWork
        ],
        .manager: [
            .searchChildren, .viewChild, .createChild, .editChild, .viewChildAudit, .viewReports, .viewReportChildren,
            .screenReferral, .allocate, .closeIntervention, .viewVictimIdentity, .viewPanelPapers,
            .recordReferral, .viewMyWork, .viewServiceWork, .manageInterventions, .importBundle, .exportBundle, .transferChild,
            .recordAssessment, .signOffAssessment, .recordPractice, .recordVictimWork, .auditCase, .recordBoardMeeting, .saveReport,
            .viewCaseWork, .runOutOfCourtPanels
        ],
        .victimWorker: [.searchChildren, .viewChild, .viewVictimIdentity, .recordVictimWork],
        .volunteer: [.viewPanelPapers],
        .analyst: [.viewReports, .viewReportChildren, .exportBundle],
        .board: [.viewReports],
        .admin: [.manageUsers, .manageReferenceData]
    ]

    @Test(arguments: Role.allCases)
    func eachRoleMayDoExactlyWhatItsWorkNeeds(role: Role) {
        for action in Action.allCases {
            #expect(Policy.allows(role, action) == Self.expected[role]!.contains(action), "\(role.rawValue) × \(action.rawValue)")
        }
    }

    @Test func aRecordOutsideTheUsersServicesIsRefusedWhateverTheRole() {
        for role in Role.allCases {
            for action in Action.allCases {
                #expect(!Policy.allows(role, action, on: .notGranted))
                #expect(Policy.allows(role, action, on: .granted) == Policy.allows(role, action))
            }
        }
    }

    @Test func boardMembersNeverSeeAChild() {
        #expect(!Policy.allows(.board, .viewChild))
        #expect(!Policy.allows(.board, .viewReportChildren))
        #expect(!Policy.allows(.board, .searchChildren))
    }

    @Test func onlyManagersScreenAllocateAndClose() {
        for role in Role.allCases where role != .manager {
            #expect(!Policy.allows(role, .screenReferral))
            #expect(!Policy.allows(role, .allocate))
            #expect(!Policy.allows(role, .closeIntervention))
        }
    }
}

@Suite struct UserFormTests {
    @Test func validInputIsNormalised() throws {
        let r = UserForm.parse(
            FormValues(
                ["name": " Priya Shah ", "email": "Priya@Example.ORG", "role": "manager", "password": "twelve-chars"],
                lists: ["services": ["s1"]]), allowedServices: ["s1"], requirePassword: true)
        let input = try r.get()
        #expect(input.email == "priya@example.org")
        #expect(input.name == "Priya Shah")
        #expect(input.role == .manager)
    }

    @Test func everyProblemIsReportedInFieldOrder() {
        let r = UserForm.parse(
            FormValues(["email": "nope", "role": "wizard", "password": "short"], lists: ["services": ["other"]]),
            allowedServices: ["s1"], requirePassword: true)
        guard case .failure(let e) = r else { Issue.record("expected errors"); return }
        #expect(e.errors.map(\.field) == ["name", "email", "role", "services", "password"])
    }

    @Test func adminsNeedNoService() {
        let r = UserForm.parse(FormValues(["name": "A", "email": "a@b.org", "role": "admin"]), allowedServices: [], requirePassword: false)
        #expect((try? r.get()) != nil)
    }
}
