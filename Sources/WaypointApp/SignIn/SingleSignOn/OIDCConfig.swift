import Foundation
import WaypointDomain

/// Single sign-on with an OpenID Connect provider (Microsoft Entra ID, Google Workspace or any
/// other), from settings. See README "Single sign-on".
struct OIDCConfig: Sendable, Equatable {
    /// The provider's issuer: its discovery document is `issuer/.well-known/openid-configuration`.
    var issuer: String
    var clientID: String
    var clientSecret: String
    var scopes: String = "openid email profile"
    /// Where the provider sends people back: `https://waypoint.example/sign-in/sso/callback`.
    var redirectURL: String
    /// The claim that lists the person's groups (Entra ID: `groups`, or `roles` for app roles).
    var groupsClaim: String = "groups"
    /// Groups at the provider, in order: the first that a person is in decides their role,
    /// services and team. Empty: linked people keep the role and services an admin gave them.
    var groupMap: [GroupRule] = []
    /// Unknown people become pending accounts for an admin to approve (otherwise refused).
    var pendingAccounts: Bool = false
    /// The button's words ("Sign in with Microsoft").
    var label: String = "Sign in with your organisation account"

    struct GroupRule: Sendable, Equatable {
        let group: String
        let role: Role
        let serviceCodes: [String]
        let team: String?
    }

    /// Reads `WAYPOINT_OIDC_*`; nil when no issuer is set. Throws with a message for a setting
    /// that is present but wrong, so a misconfigured server does not start.
    static func fromEnvironment(_ env: [String: String]) throws -> OIDCConfig? {
        guard let issuer = env["WAYPOINT_OIDC_ISSUER"], !issuer.isEmpty else { return nil }
        func need(_ key: String) throws -> String {
            guard let v = env[key], !v.isEmpty else { throw OIDCConfigError("\(key) must be set when WAYPOINT_OIDC_ISSUER is") }
            return v
        }
        guard issuer.hasPrefix("https://") || issuer.hasPrefix("http://127.0.0.1") || issuer.hasPrefix("http://localhost") else {
            throw OIDCConfigError("WAYPOINT_OIDC_ISSUER must be an https address")
        }
        var c = OIDCConfig(
            issuer: issuer, clientID: try need("WAYPOINT_OIDC_CLIENT_ID"), clientSecret: try need("WAYPOINT_OIDC_CLIENT_SECRET"),
            redirectURL: try need("WAYPOINT_OIDC_REDIRECT_URL"))
        if let s = env["WAYPOINT_OIDC_SCOPES"], !s.isEmpty {
            guard s.split(separator: " ").contains("openid") else { throw OIDCConfigError("WAYPOINT_OIDC_SCOPES must include openid") }
            c.scopes = s
        }
        if let g = env["WAYPOINT_OIDC_GROUPS_CLAIM"], !g.isEmpty { c.groupsClaim = g }
        if let m = env["WAYPOINT_OIDC_GROUP_MAP"], !m.isEmpty { c.groupMap = try parseGroupMap(m) }
        c.pendingAccounts = env["WAYPOINT_OIDC_PENDING_ACCOUNTS"] == "true"
        if let l = env["WAYPOINT_OIDC_LABEL"], !l.isEmpty { c.label = String(l.prefix(80)) }
        return c
    }

    /// `group=role:SVC1,SVC2[:Team name]; group2=role` (admins need no service).
    static func parseGroupMap(_ text: String) throws -> [GroupRule] {
        try text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            guard let eq = entry.lastIndex(of: "=") else {
                throw OIDCConfigError("WAYPOINT_OIDC_GROUP_MAP: \"\(entry)\" needs group=role:SERVICES")
            }
            let group = entry[..<eq].trimmingCharacters(in: .whitespaces)
            let parts = entry[entry.index(after: eq)...].split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !group.isEmpty, let roleText = parts.first, let role = Role(rawValue: roleText) else {
                throw OIDCConfigError(
                    "WAYPOINT_OIDC_GROUP_MAP: \"\(entry)\" needs a role, one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let services =
                parts.count > 1
                ? parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty } : []
            if services.isEmpty && role != .admin {
                throw OIDCConfigError("WAYPOINT_OIDC_GROUP_MAP: \"\(entry)\" needs at least one service code")
            }
            return GroupRule(group: group, role: role, serviceCodes: services, team: parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil)
        }
    }

    /// The rule for a person in these groups: the first in the map's order.
    func rule(for groups: [String]) -> GroupRule? {
        let set = Set(groups)
        return groupMap.first { set.contains($0.group) }
    }
}

struct OIDCConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
