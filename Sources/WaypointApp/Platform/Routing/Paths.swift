import Foundation
import WaypointDomain

/// The one table of routes. Each entry is both the pattern a controller registers
/// (`routes.get(Paths.child, use: show)`) and the link a view builds (`Paths.child(id)`), so a
/// link cannot point where no route is; a path with no parameter is a plain string that is its own
/// pattern (`routes.get(path: Paths.children, use: index)`). Views never write a literal href, and
/// `LinkResolutionTests` follows every link the app renders to a registered route.
enum Paths {
    static let home = "/"
    static let signIn = "/sign-in"
    static let signOut = "/sign-out"
    static let health = "/health"
    static let asset = Route1<String>("/assets/:name")
    static let stylesheet = asset("waypoint.css")
    static let script = asset("waypoint.js")

    static let children = "/children"
    static let newChild = "/children/new"
    static let child = Route1<UUID>("/children/:childID")
    /// The page where a practitioner states why they need a child who is not theirs or their team's.
    static let childAccess = Route1<UUID>("/children/:childID/access")
    static let accessReasons = "/service/access-reasons"
    static let editChild = Route1<UUID>("/children/:childID/edit")
    static let childAudit = Route1<UUID>("/children/:childID/audit")

    static let adminUsers = "/admin/users"
    static let newUser = "/admin/users/new"
    static let user = Route1<UUID>("/admin/users/:userID")
    static let deactivateUser = Route1<UUID>("/admin/users/:userID/deactivate")
    static let reactivateUser = Route1<UUID>("/admin/users/:userID/reactivate")
    static let unlockUser = Route1<UUID>("/admin/users/:userID/unlock")
    static let resetPassword = Route1<UUID>("/admin/users/:userID/reset-password")
    static let resetTwoFactor = Route1<UUID>("/admin/users/:userID/reset-two-factor")
    static let signInSecurity = "/admin/sign-in-security"

    // Signing in, step by step, and the person's own account.
    static let signInWithCode = "/sign-in/code"
    static let signInSSO = "/sign-in/sso"
    static let signInSSOCallback = "/sign-in/sso/callback"
    static let ssoRequests = "/admin/sso-requests"
    static let approveSSORequest = Route1<UUID>("/admin/sso-requests/:requestID/approve")
    static let linkSSORequest = Route1<UUID>("/admin/sso-requests/:requestID/link")
    static let refuseSSORequest = Route1<UUID>("/admin/sso-requests/:requestID/refuse")
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
    static let referral = Route1<UUID>("/referrals/:referralID")
    static let screenReferral = Route1<UUID>("/referrals/:referralID/screening")
    static let newReferral = Route1<UUID>("/children/:childID/referrals/new")
    static let childReferrals = Route1<UUID>("/children/:childID/referrals")
    static let intervention = Route1<UUID>("/interventions/:interventionID")
    static let allocate = Route1<UUID>("/interventions/:interventionID/allocate")
    static let closeIntervention = Route1<UUID>("/interventions/:interventionID/close")
    static let newIntervention = Route1<UUID>("/children/:childID/interventions/new")
    static let childInterventions = Route1<UUID>("/children/:childID/interventions")
    static let newOffence = Route1<UUID>("/children/:childID/offences/new")
    static let childOffences = Route1<UUID>("/children/:childID/offences")
    static let newHearing = Route1<UUID>("/children/:childID/hearings/new")
    static let childHearings = Route1<UUID>("/children/:childID/hearings")
    static let newConsultation = Route1<UUID>("/children/:childID/consultations/new")
    static let childConsultations = Route1<UUID>("/children/:childID/consultations")
    static let myWork = "/my-work"
    static let serviceWork = "/service"
    static let adminOutcomes = "/admin/outcomes"
    /// An outcome code's page (codes are lower case letters, digits and underscores only).
    static let adminOutcome = Route1<String>("/admin/outcomes/:code")
    static let adminBankHolidays = "/admin/bank-holidays"
    static let adminServices = "/admin/services"
    static let adminService = Route1<UUID>("/admin/services/:serviceID")
    static let serviceTeams = Route1<UUID>("/admin/services/:serviceID/teams")
    static let adminPopulation = "/admin/population"
    static let boardMeetings = "/board-meetings"
    static let newBoardMeeting = "/board-meetings/new"
}

extension Paths {
    static let data = "/data"
    static let dataImport = "/data/import"
    static let dataExportPath = "/data/export"
    static func dataExport(_ code: String) -> String { with(dataExportPath, [("service", code)]) }
    static let transferChild = Route1<UUID>("/children/:childID/transfer")
}

extension Paths {
    static let reports = "/reports"
    static let report = Route1<String>("/reports/:report")
    static let reportChildren = Route1<String>("/reports/:report/children")
    static let reportTrend = Route1<String>("/reports/:report/trend")
    static let saveReport = Route1<String>("/reports/:report/save")
    static let savedReports = "/reports/saved"
    static let savedReport = Route1<UUID>("/reports/saved/:savedID")
    static let fteReport = report("first-time-entrants")
    static let fteChildren = reportChildren("first-time-entrants")
}

extension Paths {
    static let newAssessment = Route1<UUID>("/interventions/:interventionID/assessments/new")
    static let interventionAssessments = Route1<UUID>("/interventions/:interventionID/assessments")
    static let assessment = Route1<UUID>("/assessments/:assessmentID")
    static let signOffAssessment = Route1<UUID>("/assessments/:assessmentID/sign-off")

    // Practice records
    static let interventionRecords = Route2<UUID, RecordKind>("/interventions/:interventionID/records/:kind")
    static let newInterventionRecord = Route2<UUID, RecordKind>("/interventions/:interventionID/records/:kind/new")
    static let interventionRecordsCSV = Route2<UUID, RecordKind>("/interventions/:interventionID/records/:kind/csv")
    static let childRecords = Route2<UUID, RecordKind>("/children/:childID/records/:kind")
    static let newChildRecord = Route2<UUID, RecordKind>("/children/:childID/records/:kind/new")
    static let childRecordsCSV = Route2<UUID, RecordKind>("/children/:childID/records/:kind/csv")
    static let portfolio = Route1<UUID>("/children/:childID/portfolio")
    static let record = Route2<RecordKind, UUID>("/records/:kind/:recordID")
    static let editRecord = Route2<RecordKind, UUID>("/records/:kind/:recordID/edit")
    static let disposalPanels = "/out-of-court-panels"
    static let newDisposalPanel = "/out-of-court-panels/new"
    static let disposalPanel = Route1<UUID>("/out-of-court-panels/:disposalPanelID")
    static let panelDecisions = Route1<UUID>("/out-of-court-panels/:disposalPanelID/decisions")
    static let scrutinyPanels = "/scrutiny-panels"
    static let newScrutinyPanel = "/scrutiny-panels/new"
    static let scrutinyPanel = Route1<UUID>("/scrutiny-panels/:scrutinyID")
    static let scrutinyDecision = Route2<UUID, UUID>("/scrutiny-panels/:scrutinyID/decisions/:decisionID")
    /// The id of a section heading on a page.
    static func anchor(_ section: String) -> String {
        section.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }
    static let groupSessions = "/group-sessions"
    static let newGroupSession = "/group-sessions/new"
    static let groupSession = Route1<UUID>("/group-sessions/:groupID")
    static let panels = "/panels"
    static let panel = Route1<UUID>("/panels/:panelID")
}
