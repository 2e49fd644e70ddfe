import Foundation
import WaypointDomain

/// Typed links: views never write a literal href; routes register the matching patterns.
enum Paths {
    static let home = "/"
    static let signIn = "/sign-in"
    static let signOut = "/sign-out"
    static let health = "/health"
    static let stylesheet = "/assets/waypoint.css"
    static let script = "/assets/waypoint.js"

    static let children = "/children"
    static let newChild = "/children/new"
    static func child(_ id: UUID) -> String { "/children/\(id.uuidString.lowercased())" }
    /// The page where a practitioner states why they need a child who is not theirs or their team's.
    static func childAccess(_ id: UUID) -> String { child(id) + "/access" }
    static let accessReasons = "/service/access-reasons"
    static func editChild(_ id: UUID) -> String { child(id) + "/edit" }
    static func childAudit(_ id: UUID) -> String { child(id) + "/audit" }

    static let adminUsers = "/admin/users"
    static let newUser = "/admin/users/new"
    static func user(_ id: UUID) -> String { "/admin/users/\(id.uuidString.lowercased())" }
    static func deactivateUser(_ id: UUID) -> String { user(id) + "/deactivate" }
    static func reactivateUser(_ id: UUID) -> String { user(id) + "/reactivate" }
    static func unlockUser(_ id: UUID) -> String { user(id) + "/unlock" }
    static func resetPassword(_ id: UUID) -> String { user(id) + "/reset-password" }
    static func resetTwoFactor(_ id: UUID) -> String { user(id) + "/reset-two-factor" }
    static let signInSecurity = "/admin/sign-in-security"

    // Signing in, step by step, and the person's own account.
    static let signInWithCode = "/sign-in/code"
    static let signInSSO = "/sign-in/sso"
    static let ssoRequests = "/admin/sso-requests"
    static let newPassword = "/sign-in/new-password"
    static let twoFactor = "/sign-in/two-factor"
    static let twoFactorSetUp = "/sign-in/two-factor/set-up"
    static let account = "/account"
    static let changePassword = "/account/password"
    static let accountTwoFactor = "/account/two-factor"
    static let endOtherSessions = "/account/sessions/end-others"
    static let endAllSessions = "/account/sessions/end-all"

    /// A path with query items, encoded.
    static func with(_ path: String, _ items: [(String, String)]) -> String {
        let kept = items.filter { !$0.1.isEmpty }
        guard !kept.isEmpty else { return path }
        var c = URLComponents()
        c.queryItems = kept.map { URLQueryItem(name: $0.0, value: $0.1) }
        let q = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
        return path + "?" + q
    }

    /// Only local paths are allowed as a redirect target after sign-in.
    static func safeNext(_ next: String?) -> String {
        // Plain local paths only: printable ASCII with no space or backslash (browsers drop tabs
        // and newlines, so "/\t/evil.example" would become "//evil.example"), one leading slash.
        guard let next, next.count <= 2000, next.hasPrefix("/"), !next.hasPrefix("//"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return home }
        return next
    }
}

extension Paths {
    static let referralQueue = "/referrals"
    static func referral(_ id: UUID) -> String { "/referrals/\(id.uuidString.lowercased())" }
    static func screenReferral(_ id: UUID) -> String { referral(id) + "/screening" }
    static func newReferral(child: UUID) -> String { Paths.child(child) + "/referrals/new" }
    static func childReferrals(_ child: UUID) -> String { Paths.child(child) + "/referrals" }
    static func intervention(_ id: UUID) -> String { "/interventions/\(id.uuidString.lowercased())" }
    static func allocate(_ id: UUID) -> String { intervention(id) + "/allocate" }
    static func closeIntervention(_ id: UUID) -> String { intervention(id) + "/close" }
    static func newIntervention(child: UUID) -> String { Paths.child(child) + "/interventions/new" }
    static func childInterventions(_ child: UUID) -> String { Paths.child(child) + "/interventions" }
    static func newOffence(child: UUID) -> String { Paths.child(child) + "/offences/new" }
    static func childOffences(_ child: UUID) -> String { Paths.child(child) + "/offences" }
    static func newHearing(child: UUID) -> String { Paths.child(child) + "/hearings/new" }
    static func childHearings(_ child: UUID) -> String { Paths.child(child) + "/hearings" }
    static func newConsultation(child: UUID) -> String { Paths.child(child) + "/consultations/new" }
    static func childConsultations(_ child: UUID) -> String { Paths.child(child) + "/consultations" }
    static let myWork = "/my-work"
    static let serviceWork = "/service"
    static let adminOutcomes = "/admin/outcomes"
    /// An outcome code's page (codes are lower case letters, digits and underscores only).
    static func adminOutcome(_ code: String) -> String { "/admin/outcomes/\(code)" }
    static let adminBankHolidays = "/admin/bank-holidays"
    static let adminServices = "/admin/services"
    static let adminPopulation = "/admin/population"
    static let boardMeetings = "/board-meetings"
    static let newBoardMeeting = "/board-meetings/new"
    static func adminService(_ id: UUID) -> String { "/admin/services/\(id.uuidString.lowercased())" }
}

extension Paths {
    static let data = "/data"
    static let dataImport = "/data/import"
    static func dataExport(_ code: String) -> String { with("/data/export", [("service", code)]) }
    static func transferChild(_ id: UUID) -> String { child(id) + "/transfer" }
}

extension Paths {
    static let reports = "/reports"
    static let fteReport = report("first-time-entrants")
    static let fteChildren = reportChildren("first-time-entrants")
    static func report(_ name: String) -> String { "/reports/\(name)" }
    static func reportChildren(_ name: String) -> String { "/reports/\(name)/children" }
    static func saveReport(_ name: String) -> String { "/reports/\(name)/save" }
    static let savedReports = "/reports/saved"
    static func savedReport(_ id: UUID) -> String { "/reports/saved/\(id.uuidString.lowercased())" }
}

extension Paths {
    static func newAssessment(intervention: UUID) -> String { Paths.intervention(intervention) + "/assessments/new" }
    static func interventionAssessments(_ intervention: UUID) -> String { Paths.intervention(intervention) + "/assessments" }
    static func assessment(_ id: UUID) -> String { "/assessments/\(id.uuidString.lowercased())" }
    static func submitAssessment(_ id: UUID) -> String { assessment(id) + "/submit" }
    static func signOffAssessment(_ id: UUID) -> String { assessment(id) + "/sign-off" }

    // Practice records
    static func interventionRecords(_ id: UUID, _ kind: RecordKind) -> String { intervention(id) + "/records/\(kind.rawValue)" }
    static func newInterventionRecord(_ id: UUID, _ kind: RecordKind) -> String { interventionRecords(id, kind) + "/new" }
    static func childRecords(_ id: UUID, _ kind: RecordKind) -> String { child(id) + "/records/\(kind.rawValue)" }
    static func newChildRecord(_ id: UUID, _ kind: RecordKind) -> String { childRecords(id, kind) + "/new" }
    static func portfolio(_ id: UUID) -> String { child(id) + "/portfolio" }
    static let disposalPanels = "/out-of-court-panels"
    static let newDisposalPanel = disposalPanels + "/new"
    static func disposalPanel(_ id: UUID) -> String { disposalPanels + "/\(id.uuidString.lowercased())" }
    static func panelDecisions(_ id: UUID) -> String { disposalPanel(id) + "/decisions" }
    static let scrutinyPanels = "/scrutiny-panels"
    static let newScrutinyPanel = scrutinyPanels + "/new"
    static func scrutinyPanel(_ id: UUID) -> String { scrutinyPanels + "/\(id.uuidString.lowercased())" }
    static func scrutinyDecision(_ id: UUID, _ decision: UUID) -> String {
        scrutinyPanel(id) + "/decisions/\(decision.uuidString.lowercased())"
    }
    static func record(_ kind: RecordKind, _ id: UUID) -> String { "/records/\(kind.rawValue)/\(id.uuidString.lowercased())" }
    static func editRecord(_ kind: RecordKind, _ id: UUID) -> String { record(kind, id) + "/edit" }
    /// The id of a section heading on a page.
    static func anchor(_ section: String) -> String {
        section.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }
    static let groupSessions = "/group-sessions"
    static let newGroupSession = "/group-sessions/new"
    static func groupSession(_ id: UUID) -> String { "/group-sessions/\(id.uuidString.lowercased())" }
    static let panels = "/panels"
    static func panel(_ id: UUID) -> String { "/panels/\(id.uuidString.lowercased())" }
}
