import Fluent

/// The one ordered list of migrations. Append only: never edit or reorder a landed migration.
enum Migrations {
    static let all: [any Migration] = [
        M0001_CreateServices(),
        M0002_CreateUsers(),
        M0003_CreateUserServices(),
        M0004_CreateSessions(),
        M0005_CreateSignInAttempts(),
        M0006_CreateAuditEvents(),
        M0007_CreateChildren(),
        M0008_CreateBankHolidays(),
        M0009_CreateTeams(),
        M0010_CreateOutcomeTypes(),
        M0011_CreateReferrals(),
        M0012_CreateInterventions(),
        M0013_CreateOffences(),
        M0014_CreateTimescaleSettings(),
        M0015_CreatePopulation(),
        M0016_IndexExternalIDs(),
        M0017_CreateAssessments(),
        M0018_CreatePracticeRecords(),
        M0019_CreateBoardMeetings(),
        M0020_ReportIndexes(),
        M0021_SignInThrottle(),
        M0022_AuditAppendOnly(),
        M0023_OutcomeDisposalGroups(),
        M0024_TeamMemberships(),
        M0025_SavedReports(),
        M0026_ChildAccessReasons(),
        M0027_ContactsByService(),
        M0028_Identity(),
        M0029_SingleSignOn(),
        M0030_CareExploitationAchievements(),
        M0031_OutOfCourtPanels(),
        M0032_AuditPending(),
        M0033_CoWorkerIndex(),
        M0034_ReferenceVersion(),
        M0035_RegisterOrderIndex(),
        M0036_ChildCreatorIndex(),
        M0037_ContactChildIndex()
    ]
}
