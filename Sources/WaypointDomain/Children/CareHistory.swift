/// One period in care, from a care episode record.
public struct CareEpisode: Sendable, Equatable {
    public let start: LocalDate
    public let end: LocalDate?
    /// Looked after by the service's own local authority (false: placed here by another).
    public let ownAuthority: Bool
    /// Placed outside the service's area.
    public let placedOutOfArea: Bool

    public init(start: LocalDate, end: LocalDate?, ownAuthority: Bool, placedOutOfArea: Bool) {
        self.start = start
        self.end = end
        self.ownAuthority = ownAuthority
        self.placedOutOfArea = placedOutOfArea
    }

    public init?(_ v: RecordValues) {
        guard let start = v["started_on"]?.date else { return nil }
        self.init(
            start: start, end: v["ended_on"]?.date, ownAuthority: v["responsible_authority"]?.text != "other_authority",
            placedOutOfArea: v["placement_area"]?.text == "out_of_area")
    }

    public func isOpen(on d: LocalDate) -> Bool { start <= d && (end.map { $0 >= d } ?? true) }
}

/// What a child's care history says on a date: the facts the children-in-care report and the
/// child's page show, worked out one way.
public enum CareHistory {
    public enum Status: String, Sendable, CaseIterable {
        case lookedAfter = "looked_after"
        case careLeaver = "care_leaver"
        case notInCare = "not_in_care"

        public var label: String {
            switch self {
            case .lookedAfter: "Looked after"
            case .careLeaver: "Care leaver"
            case .notInCare: "Not looked after or a care leaver"
            }
        }
    }

    /// Who is responsible for a looked-after child, and where they are placed.
    public enum Placement: String, Sendable, CaseIterable {
        /// Looked after by this service's authority and placed in its area.
        case ownInArea = "own_in_area"
        /// Looked after by this service's authority, placed outside its area ("placed out of county").
        case ownOutOfArea = "own_out_of_area"
        /// Looked after by another authority and placed here ("out of area" children).
        case otherAuthority = "other_authority"
    }

    /// The episode open on a date (the latest started, should two overlap).
    public static func episode(_ episodes: [CareEpisode], on d: LocalDate) -> CareEpisode? {
        episodes.filter { $0.isOpen(on: d) }.max { $0.start < $1.start }
    }

    public static func placement(_ e: CareEpisode) -> Placement {
        e.ownAuthority ? (e.placedOutOfArea ? .ownOutOfArea : .ownInArea) : .otherAuthority
    }

    /// A care leaver on a date (the Children (Leaving Care) Act 2000 test): not looked after that
    /// day, and looked after for at least 13 weeks in all since their 14th birthday, some of it
    /// on or after their 16th birthday. Days are counted up to the day before `d`.
    public static func isCareLeaver(_ episodes: [CareEpisode], dateOfBirth: LocalDate, on d: LocalDate) -> Bool {
        guard episode(episodes, on: d) == nil else { return false }
        let fourteen = dateOfBirth.adding(years: 14), sixteen = dateOfBirth.adding(years: 16)
        var days = 0
        var after16 = false
        for e in episodes where e.start < d {
            let from = max(e.start, fourteen)
            let to = min(e.end ?? d.adding(days: -1), d.adding(days: -1))
            guard from <= to else { continue }
            days += to.dayNumber - from.dayNumber + 1
            if to >= sixteen { after16 = true }
        }
        return days >= 91 && after16
    }

    public static func status(_ episodes: [CareEpisode], dateOfBirth: LocalDate, on d: LocalDate) -> Status {
        if episode(episodes, on: d) != nil { return .lookedAfter }
        return isCareLeaver(episodes, dateOfBirth: dateOfBirth, on: d) ? .careLeaver : .notInCare
    }
}
