import Foundation

/// A user account's details after validation.
public struct UserInput: Equatable, Sendable {
    public var name: String
    public var email: String
    public var role: Role
    public var serviceIDs: [String]
    public var password: String?
}

public enum UserForm {
    public static let minimumPasswordLength = 12
    public static let maximumPasswordBytes = 1024

    public static func isEmail(_ s: String) -> Bool {
        s.utf8.count <= 254 && s.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) != nil
    }

    /// `allowedServices`: the service ids that may be chosen. `requirePassword` on create.
    public static func parse(_ form: FormValues, allowedServices: Set<String>, requirePassword: Bool) -> Result<UserInput, FormErrors> {
        var errors = FormErrors()
        let name = form.trimmed("name")
        if name == nil {
            errors.add("name", "Enter the person's full name")
        } else if name!.count > 100 {
            errors.add("name", "Name must be 100 characters or fewer")
        }
        let email = form.trimmed("email")?.lowercased()
        if email == nil {
            errors.add("email", "Enter an email address")
        } else if !isEmail(email!) {
            errors.add("email", "Enter an email address in the correct format, like name@example.org")
        }
        let role = form.trimmed("role").flatMap(Role.init(rawValue:))
        if role == nil { errors.add("role", "Select a role") }
        let services = form.list("services").filter { !$0.isEmpty }
        if services.contains(where: { !allowedServices.contains($0) }) {
            errors.add("services", "Select services from the list")
        } else if services.isEmpty, let role, role != .admin {
            errors.add("services", "Select at least one service this person works in")
        }
        var password: String?
        if requirePassword {
            let p = form["password"]
            if p.isEmpty {
                errors.add("password", "Enter a password")
            } else if p.count < minimumPasswordLength {
                errors.add("password", "Password must be at least \(minimumPasswordLength) characters")
            } else if p.utf8.count > maximumPasswordBytes {
                errors.add("password", "Password must be \(maximumPasswordBytes) characters or fewer")
            } else {
                password = p
            }
        }
        guard errors.isEmpty, let name, let email, let role else { return .failure(errors) }
        return .success(UserInput(name: name, email: email, role: role, serviceIDs: services, password: password))
    }
}
