/// The roles of product.md. Codes are stored in the database.
public enum Role: String, CodedValue {
    case practitioner, manager
    case victimWorker = "victim_worker"
    case volunteer, analyst, board, admin

    public var label: String {
        switch self {
        case .practitioner: "Practitioner"
        case .manager: "Manager"
        case .victimWorker: "Victim worker"
        case .volunteer: "Volunteer (panel member)"
        case .analyst: "Analyst"
        case .board: "Management board member"
        case .admin: "Administrator"
        }
    }
}

/// Everything a user can ask to do. Routes ask the policy with one of these.
public enum Action: String, CaseIterable, Sendable {
    case searchChildren  // the children register
    case viewChild  // a child's record (identity and details)
    case createChild
    case editChild
    case viewChildAudit  // a child's audit trail
    case manageUsers  // admin: users, roles, services
    case manageReferenceData  // admin: reference data, bank holidays, population
    case viewReports  // aggregate figures
    case viewReportChildren  // the children behind a figure
    case screenReferral
    case allocate
    case closeIntervention
    case viewVictimIdentity
    case viewPanelPapers
    case recordReferral  // record a referral, an offence, a hearing, a consultation
    case viewMyWork  // the practitioner's worklist
    case viewServiceWork  // the manager's service worklist and referral queue
    case manageInterventions  // start an intervention directly (e.g. a court order)
    case importBundle  // import case data in the interchange format (within one's own services)
    case exportBundle  // export case data in the interchange format (within one's own services)
    case transferChild  // move a child and their records to another service
    case recordAssessment  // write and submit assessments
    case signOffAssessment  // sign off or return a submitted assessment
    case recordPractice  // plans, contacts, panels, reparation, health, KPI data, feedback
    case recordVictimWork  // victims' details and restorative justice
    case auditCase  // case audits (quality assurance)
    case recordBoardMeeting  // management board meetings and attendance by agency (KPI 7)
    case saveReport  // save a report's figures as submitted (to the board or the YJB)
    case viewCaseWork  // interventions, assessments and practice records (victim workers see victims only)
    case runOutOfCourtPanels  // joint out-of-court decision panels and their scrutiny
}

/// Facts about a record that a decision may depend on.
public struct RecordContext: Sendable {
    /// The record belongs to a service the user is granted.
    public var inGrantedService: Bool
    public init(inGrantedService: Bool) { self.inGrantedService = inGrantedService }
    public static let granted = RecordContext(inGrantedService: true)
    public static let notGranted = RecordContext(inGrantedService: false)
}

/// Role × action × record, decided in one place (design.md). Every route asks this.
public enum Policy {
    /// What each role may do at all, regardless of the record.
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        switch action {
        case .searchChildren, .viewChild:
            // Case workers. Victim workers need the child to link victims to offences.
            return [.practitioner, .manager, .victimWorker].contains(role)
        case .createChild, .editChild:
            return [.practitioner, .manager].contains(role)
        case .viewChildAudit, .screenReferral, .allocate, .closeIntervention:
            return role == .manager
        case .manageUsers, .manageReferenceData:
            return role == .admin
        case .viewReports:
            return [.manager, .analyst, .board].contains(role)
        case .viewReportChildren:
            // Board members see aggregate figures only, never a child's identity.
            return [.manager, .analyst].contains(role)
        case .viewVictimIdentity:
            return [.victimWorker, .manager].contains(role)
        case .viewPanelPapers:
            return [.volunteer, .practitioner, .manager].contains(role)
        case .recordReferral, .viewMyWork, .recordAssessment, .recordPractice, .viewCaseWork:
            return [.practitioner, .manager].contains(role)
        case .signOffAssessment, .auditCase, .recordBoardMeeting, .saveReport, .runOutOfCourtPanels:
            return role == .manager
        case .recordVictimWork:
            return [.victimWorker, .manager].contains(role)
        case .viewServiceWork, .manageInterventions, .transferChild:
            return role == .manager
        case .importBundle:
            return role == .manager
        case .exportBundle:
            return [.manager, .analyst].contains(role)
        }
    }

    /// A decision on a particular record: the role must allow it and, for any record that
    /// holds personal data, the record must be in one of the user's services.
    public static func allows(_ role: Role, _ action: Action, on record: RecordContext) -> Bool {
        allows(role, action) && record.inGrantedService
    }
}
