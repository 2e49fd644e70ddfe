import Foundation

/// A child's register details after validation: every value typed and checked.
public struct ChildDetails: Equatable, Sendable {
    public var givenName: String
    public var familyName: String
    public var preferredName: String?
    public var dateOfBirth: LocalDate
    public var sex: Sex
    public var ethnicity: Ethnicity
    public var careStatus: CareStatus
    public var send: YesNo?
    public var ehcp: YesNo?
    public var postcode: Postcode?
    public var district: String?
    public var pncID: PNCID?
    public var upn: UPN?
    public var nhsNumber: NHSNumber?
    public var school: String?
    public var eteStatus: ETEStatus?
    public var accommodation: Accommodation?
    public var whatMatters: String?
    public var strengths: String?
    public var alerts: [AlertFlag]

    public init(
        givenName: String, familyName: String, preferredName: String? = nil,
        dateOfBirth: LocalDate, sex: Sex, ethnicity: Ethnicity, careStatus: CareStatus = .none,
        send: YesNo? = nil, ehcp: YesNo? = nil, postcode: Postcode? = nil, district: String? = nil,
        pncID: PNCID? = nil, upn: UPN? = nil, nhsNumber: NHSNumber? = nil, school: String? = nil,
        eteStatus: ETEStatus? = nil, accommodation: Accommodation? = nil,
        whatMatters: String? = nil, strengths: String? = nil, alerts: [AlertFlag] = []
    ) {
        self.givenName = givenName
        self.familyName = familyName
        self.preferredName = preferredName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.ethnicity = ethnicity
        self.careStatus = careStatus
        self.send = send
        self.ehcp = ehcp
        self.postcode = postcode
        self.district = district
        self.pncID = pncID
        self.upn = upn
        self.nhsNumber = nhsNumber
        self.school = school
        self.eteStatus = eteStatus
        self.accommodation = accommodation
        self.whatMatters = whatMatters
        self.strengths = strengths
        self.alerts = alerts
    }

    public var fullName: String { "\(givenName) \(familyName)" }

    /// Text searched by name: given, preferred and family names, folded.
    public var searchName: String {
        SearchText.fold([givenName, preferredName, familyName].compactMap { $0 }.joined(separator: " "))
    }

    /// Every stored field as (column, label, value): the one list used to write the record,
    /// to describe what an edit changed in the audit log, and to show the record.
    public var fields: [(column: String, label: String, value: String?)] {
        [
            ("given_name", "Given name", givenName),
            ("family_name", "Family name", familyName),
            ("preferred_name", "Preferred name", preferredName),
            ("date_of_birth", "Date of birth", dateOfBirth.iso),
            ("sex", "Sex", sex.rawValue),
            ("ethnicity", "Ethnicity", ethnicity.rawValue),
            ("ethnicity_group", "Ethnicity group", ethnicity.group.rawValue),
            ("care_status", "Care status", careStatus.rawValue),
            ("send", "SEND", send?.rawValue),
            ("ehcp", "EHCP", ehcp?.rawValue),
            ("postcode", "Postcode", postcode?.value),
            ("district", "District", district),
            ("pnc_id", "PNC ID", pncID?.canonical),
            ("upn", "UPN", upn?.value),
            ("nhs_number", "NHS number", nhsNumber?.digits),
            ("school", "School or ETE provider", school),
            ("ete_status", "ETE status", eteStatus?.rawValue),
            ("accommodation", "Accommodation", accommodation?.rawValue),
            ("what_matters", "What matters to the child", whatMatters),
            ("strengths", "Strengths", strengths),
            ("alerts", "Alerts", alerts.isEmpty ? nil : alerts.map(\.rawValue).joined(separator: ",")),
            ("search_name", "Search name", searchName)
        ]
    }

    /// Every recorded value of a newly created record, as changes from nothing.
    public var asCreated: [FieldChange] {
        fields.compactMap { f in
            guard f.column != "search_name", f.column != "ethnicity_group", let v = f.value else { return nil }
            return FieldChange(field: f.column, from: nil, to: v)
        }
    }

    /// The changes from `old` to `self`, for the audit log (search_name is derived, so left out).
    public func changes(from old: ChildDetails) -> [FieldChange] {
        let before = Dictionary(uniqueKeysWithValues: old.fields.map { ($0.column, $0.value) })
        return fields.compactMap { f in
            guard f.column != "search_name", f.column != "ethnicity_group" else { return nil }
            let was = before[f.column] ?? nil
            return was == f.value ? nil : FieldChange(field: f.column, from: was, to: f.value)
        }
    }
}

public struct FieldChange: Codable, Equatable, Sendable {
    public let field: String
    public let from: String?
    public let to: String?
    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}
