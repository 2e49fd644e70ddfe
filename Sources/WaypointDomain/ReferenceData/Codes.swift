/// A fixed vocabulary with stable snake_case codes and human labels.
public protocol CodedValue: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    var label: String { get }
}

public extension CodedValue {
    static func parse(_ code: String) -> Self? { Self(rawValue: code) }
    static var options: [(code: String, label: String)] { allCases.map { ($0.rawValue, $0.label) } }
}

public enum Sex: String, CodedValue {
    case female, male, other, unknown
    public var label: String {
        switch self {
        case .female: "Female"
        case .male: "Male"
        case .other: "Other"
        case .unknown: "Not known"
        }
    }
}

public enum EthnicityGroup: String, CodedValue {
    case white, mixed, asian, black, other, unknown
    public var label: String {
        switch self {
        case .white: "White"
        case .mixed: "Mixed or multiple ethnic groups"
        case .asian: "Asian or Asian British"
        case .black: "Black, Black British, Caribbean or African"
        case .other: "Other ethnic group"
        case .unknown: "Not stated"
        }
    }
}

/// ONS 2021 census detailed categories (domain.md), each with its broad group.
public enum Ethnicity: String, CodedValue {
    case whiteBritish = "white_british"
    case whiteIrish = "white_irish"
    case whiteGypsyIrishTraveller = "white_gypsy_irish_traveller"
    case whiteRoma = "white_roma"
    case whiteOther = "white_other"
    case mixedWhiteBlackCaribbean = "mixed_white_black_caribbean"
    case mixedWhiteBlackAfrican = "mixed_white_black_african"
    case mixedWhiteAsian = "mixed_white_asian"
    case mixedOther = "mixed_other"
    case asianIndian = "asian_indian"
    case asianPakistani = "asian_pakistani"
    case asianBangladeshi = "asian_bangladeshi"
    case asianChinese = "asian_chinese"
    case asianOther = "asian_other"
    case blackAfrican = "black_african"
    case blackCaribbean = "black_caribbean"
    case blackOther = "black_other"
    case otherArab = "other_arab"
    case otherAny = "other_any"
    case notStated = "not_stated"

    public var group: EthnicityGroup {
        switch self {
        case .whiteBritish, .whiteIrish, .whiteGypsyIrishTraveller, .whiteRoma, .whiteOther: .white
        case .mixedWhiteBlackCaribbean, .mixedWhiteBlackAfrican, .mixedWhiteAsian, .mixedOther: .mixed
        case .asianIndian, .asianPakistani, .asianBangladeshi, .asianChinese, .asianOther: .asian
        case .blackAfrican, .blackCaribbean, .blackOther: .black
        case .otherArab, .otherAny: .other
        case .notStated: .unknown
        }
    }

    public var label: String {
        switch self {
        case .whiteBritish: "English, Welsh, Scottish, Northern Irish or British"
        case .whiteIrish: "Irish"
        case .whiteGypsyIrishTraveller: "Gypsy or Irish Traveller"
        case .whiteRoma: "Roma"
        case .whiteOther: "Any other White background"
        case .mixedWhiteBlackCaribbean: "White and Black Caribbean"
        case .mixedWhiteBlackAfrican: "White and Black African"
        case .mixedWhiteAsian: "White and Asian"
        case .mixedOther: "Any other Mixed or multiple ethnic background"
        case .asianIndian: "Indian"
        case .asianPakistani: "Pakistani"
        case .asianBangladeshi: "Bangladeshi"
        case .asianChinese: "Chinese"
        case .asianOther: "Any other Asian background"
        case .blackAfrican: "African"
        case .blackCaribbean: "Caribbean"
        case .blackOther: "Any other Black, Black British or Caribbean background"
        case .otherArab: "Arab"
        case .otherAny: "Any other ethnic group"
        case .notStated: "Not stated"
        }
    }

    /// "Group: detail" for lists where the group is not shown separately.
    public var fullLabel: String { group == .unknown ? label : "\(group.label): \(label)" }
}

public enum CareStatus: String, CodedValue {
    case none
    case lookedAfter = "looked_after"
    case careLeaver = "care_leaver"
    public var label: String {
        switch self {
        case .none: "Not looked after"
        case .lookedAfter: "Looked after (child in care)"
        case .careLeaver: "Care leaver"
        }
    }
}

/// yes / no, where "not recorded" is the absence of a value.
public enum YesNo: String, CodedValue {
    case yes, no
    public var label: String { self == .yes ? "Yes" : "No" }
}

public enum ETEStatus: String, CodedValue {
    case fullTimeSchool = "full_time_school"
    case partTimeTimetable = "part_time_timetable"
    case alternativeProvision = "alternative_provision"
    case electiveHomeEducation = "elective_home_education"
    case college
    case training
    case employment
    case notInETE = "not_in_ete"
    public var label: String {
        switch self {
        case .fullTimeSchool: "Full-time school"
        case .partTimeTimetable: "School on a part-time timetable"
        case .alternativeProvision: "Alternative provision"
        case .electiveHomeEducation: "Elective home education"
        case .college: "College"
        case .training: "Training or apprenticeship"
        case .employment: "Employment"
        case .notInETE: "Not in education, training or employment"
        }
    }
}

public enum Accommodation: String, CodedValue {
    case withParents = "with_parents"
    case withRelatives = "with_relatives"
    case fosterCare = "foster_care"
    case childrensHome = "childrens_home"
    case supportedAccommodation = "supported_accommodation"
    case independent
    case custody
    case noFixedAbode = "no_fixed_abode"
    case other
    public var label: String {
        switch self {
        case .withParents: "With parents"
        case .withRelatives: "With relatives or friends"
        case .fosterCare: "Foster care"
        case .childrensHome: "Children's home"
        case .supportedAccommodation: "Supported accommodation"
        case .independent: "Independent living"
        case .custody: "In custody"
        case .noFixedAbode: "No fixed abode"
        case .other: "Other"
        }
    }
}

/// Alert flags shown prominently on a child's record.
public enum AlertFlag: String, CodedValue {
    case exploitationRisk = "exploitation_risk"
    case contextualSafeguarding = "contextual_safeguarding"
    case missingEpisodes = "missing_episodes"
    case childProtectionPlan = "child_protection_plan"
    case riskToStaff = "risk_to_staff"
    public var label: String {
        switch self {
        case .exploitationRisk: "Risk of exploitation"
        case .contextualSafeguarding: "Contextual safeguarding"
        case .missingEpisodes: "Missing episodes"
        case .childProtectionPlan: "Child protection plan"
        case .riskToStaff: "Risk to staff"
        }
    }
}
