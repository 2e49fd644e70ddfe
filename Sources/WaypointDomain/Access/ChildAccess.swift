/// How a user stands to a child: the facts access by relationship decides on (product.md:
/// practitioners write on the children allocated to them and read their team's children; any
/// other child of their services needs a stated reason, which is audited).
public enum ChildRelationship: String, Sendable {
    /// The user is case manager or co-worker on the child's open work, or recorded the child and
    /// nobody has been allocated yet.
    case own
    /// The child's case manager is in the user's team.
    case team
    /// Another child of one of the user's services.
    case service
}

/// What may happen when a user reaches a child's record.
public enum ChildAccessDecision: Equatable, Sendable {
    case allowed
    /// Reading needs a stated reason first ("break-glass"), recorded and shown to managers.
    case needsReason
    /// Not with this relationship (a practitioner changing a child who is not theirs).
    case refused
}

public enum ChildAccess {
    /// How long a stated reason opens a child's record for reading.
    public static let reasonHours = 8

    /// The decision for a role, a relationship, and whether the user is changing the record.
    /// `reasoned`: the user has stated a reason for this child recently.
    public static func decide(_ role: Role, _ relationship: ChildRelationship, write: Bool, reasoned: Bool) -> ChildAccessDecision {
        switch role {
        case .practitioner:
            if relationship == .own { return .allowed }
            if write { return .refused }
            return relationship == .team || reasoned ? .allowed : .needsReason
        default:
            // Managers work with every child of their services; what other roles may do at all is
            // the Policy's (victim workers, volunteers and the rest are limited there).
            return .allowed
        }
    }
}
