public struct ReferralInput: Equatable, Sendable {
    public var receivedOn: LocalDate
    public var source: ReferralSource
    public var referrerName: String?
    public var referrerOrganisation: String?
    public var reasons: String
    public var consent: Consent
    public var policeReference: String?

    public init(
        receivedOn: LocalDate, source: ReferralSource, referrerName: String?, referrerOrganisation: String?, reasons: String,
        consent: Consent, policeReference: String?
    ) {
        self.receivedOn = receivedOn
        self.source = source
        self.referrerName = referrerName
        self.referrerOrganisation = referrerOrganisation
        self.reasons = reasons
        self.consent = consent
        self.policeReference = policeReference
    }
}

/// A referral as received.
public enum ReferralForm {
    public static func parse(_ f: FormValues, today: LocalDate) -> Result<ReferralInput, FormErrors> {
        var e = FormErrors()
        let source = Parse.coded(f, "source", ReferralSource.self, missing: "Select who referred the child", errors: &e)
        let name = Parse.text(f, "referrer_name", label: "Referrer's name", max: 200, errors: &e)
        let org = Parse.text(f, "referrer_organisation", label: "Organisation", max: 200, errors: &e)
        let received = Parse.date(f, "received", label: "Date received", required: true, today: today, notFuture: true, errors: &e)
        let reasons = Parse.text(
            f, "reasons", label: "Reasons and concerns", required: "Enter the reasons for the referral and any concerns", errors: &e)
        let consent = Parse.coded(f, "consent", Consent.self, missing: "Select whether the child and family consent", errors: &e)
        let police = Parse.text(f, "police_reference", label: "Police incident or crime reference", max: 100, errors: &e)
        guard e.isEmpty, let source, let received, let reasons, let consent else { return .failure(e) }
        return .success(
            ReferralInput(
                receivedOn: received, source: source, referrerName: name, referrerOrganisation: org,
                reasons: reasons, consent: consent, policeReference: police))
    }
}

/// A screening (gatekeeping) decision with its reasons.
public struct ScreeningInput: Equatable, Sendable {
    public var decision: ScreeningDecision
    public var decidedOn: LocalDate
    public var reasons: String
    public var interventionType: InterventionType?
    public var destination: ScreenOutDestination?
    public var destinationService: String?

    public init(
        decision: ScreeningDecision, decidedOn: LocalDate, reasons: String, interventionType: InterventionType?,
        destination: ScreenOutDestination?, destinationService: String?
    ) {
        self.decision = decision
        self.decidedOn = decidedOn
        self.reasons = reasons
        self.interventionType = interventionType
        self.destination = destination
        self.destinationService = destinationService
    }
}

public enum ScreeningForm {
    public static func parse(_ f: FormValues, receivedOn: LocalDate, today: LocalDate) -> Result<ScreeningInput, FormErrors> {
        var e = FormErrors()
        var decision = Parse.coded(f, "decision", ScreeningDecision.self, missing: "Select a decision", errors: &e)
        if decision == .pending {
            e.add("decision", "Select a decision")
            decision = nil
        }
        var type: InterventionType?
        var destination: ScreenOutDestination?
        var destinationService: String?
        switch decision {
        case .accepted:
            type = Parse.coded(
                f, "intervention_type", InterventionType.self, missing: "Select the intervention the child is accepted to", errors: &e)
        case .screenedOut:
            destination = Parse.coded(
                f, "destination", ScreenOutDestination.self, missing: "Select the service the child is referred on to", errors: &e)
            destinationService = Parse.text(f, "destination_service", label: "Service name", max: 200, errors: &e)
            if destination == .otherService && destinationService == nil {
                e.add("destination_service", "Enter the name of the service the child is referred on to")
            }
        default:
            break
        }
        let decidedOn = Parse.date(
            f, "decided", label: "Date of decision", required: true, today: today, notFuture: true,
            notBefore: (receivedOn, "the date the referral was received"), errors: &e)
        let reasons = Parse.text(f, "decision_reasons", label: "Reasons", required: "Enter the reasons for the decision", errors: &e)
        guard e.isEmpty, let decision, let decidedOn, let reasons else { return .failure(e) }
        return .success(
            ScreeningInput(
                decision: decision, decidedOn: decidedOn, reasons: reasons, interventionType: type,
                destination: destination, destinationService: destinationService))
    }
}

/// A case consultation: a discussion about a child known to another service.
public struct ConsultationInput: Equatable, Sendable {
    public var heldOn: LocalDate
    public var knownTo: String
    public var discussion: String
    public var outcome: String
}

public enum ConsultationForm {
    public static func parse(_ f: FormValues, today: LocalDate) -> Result<ConsultationInput, FormErrors> {
        var e = FormErrors()
        let held = Parse.date(f, "held", label: "Date of the consultation", required: true, today: today, notFuture: true, errors: &e)
        let known = Parse.text(f, "known_to", label: "Service", required: "Enter the service the child is known to", max: 200, errors: &e)
        let discussion = Parse.text(f, "discussion", label: "Discussion", required: "Enter what was discussed", errors: &e)
        let outcome = Parse.text(f, "outcome", label: "Outcome", required: "Enter the outcome of the consultation", errors: &e)
        guard e.isEmpty, let held, let known, let discussion, let outcome else { return .failure(e) }
        return .success(ConsultationInput(heldOn: held, knownTo: known, discussion: discussion, outcome: outcome))
    }
}
