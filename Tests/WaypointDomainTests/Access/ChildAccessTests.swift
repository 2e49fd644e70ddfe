import Testing
import WaypointDomain

@Suite struct ChildAccessTests {
    @Test func practitionersWriteOnTheirOwnReadTheirTeamsAndGiveAReasonForOthers() {
        #expect(ChildAccess.decide(.practitioner, .own, write: true, reasoned: false) == .allowed)
        #expect(ChildAccess.decide(.practitioner, .own, write: false, reasoned: false) == .allowed)
        #expect(ChildAccess.decide(.practitioner, .team, write: false, reasoned: false) == .allowed)
        #expect(ChildAccess.decide(.practitioner, .team, write: true, reasoned: false) == .refused)
        #expect(ChildAccess.decide(.practitioner, .service, write: false, reasoned: false) == .needsReason)
        #expect(ChildAccess.decide(.practitioner, .service, write: false, reasoned: true) == .allowed)
        #expect(
            ChildAccess.decide(.practitioner, .service, write: true, reasoned: true) == .refused, "a reason opens reading, never writing")
        #expect(ChildAccess.decide(.manager, .service, write: true, reasoned: false) == .allowed)
    }
}
