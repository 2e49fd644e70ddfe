import Foundation
import WaypointDomain

/// Pages for signing in step by step, the person's own account, and the admin's resets.
enum IdentityViews {
    static func narrow(_ title: String, _ ctx: PageContext, errors: [FieldError] = [], _ content: [H]) -> String {
        Layout.page(
            title: title, ctx, hasErrors: !errors.isEmpty,
            [
                el(.div, [.class: "grid-row"], [el(.div, [.class: "column-two-thirds"], [C.errorSummary(errors)] + content)])
            ])
    }

    static func err(_ errors: [FieldError], _ f: String) -> String? { FieldMessages(errors)(f) }

    static let passwordHint =
        "At least \(PasswordRules.minimumLength) characters. Three or four unrelated words make a strong password that is easy to remember. Common passwords are refused."

    /// The code sign-in form: the address typed, and the last attempt's messages.
    struct CodeSignIn {
        let email: String
        let errors: [FieldError]
    }

    static func codeSignIn(_ ctx: PageContext, _ m: CodeSignIn) -> String {
        let (email, errors) = (m.email, m.errors)
        return narrow(
            "Sign in with a one-time code", ctx, errors: errors,
            [
                C.h1("Sign in with a one-time code"),
                C.p(
                    "Your administrator gives you a one-time code when your account is created or your password is reset. It works once, for 72 hours. You then choose your own password."
                ),
                el(
                    .form, [.method: "post", .action: Paths.signInWithCode, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.textInput(
                            "email", label: "Email address", value: email, error: err(errors, "email"), type: "text",
                            autocomplete: "username", spellcheck: false, inputmode: "email"),
                        C.textInput(
                            "code", label: "One-time code", value: "", error: err(errors, "code"),
                            hint: "12 letters and numbers, like ABCD-EFGH-JKMN",
                            width: "input--width-20", autocomplete: "off", spellcheck: false),
                        C.button("Continue")
                    ]),
                C.link("Sign in with your password instead", Paths.signIn)
            ])
    }

    /// Choosing a password after a one-time code: the person's name, and the last attempt's messages.
    struct NewPassword {
        let name: String
        let errors: [FieldError]
    }

    static func newPassword(_ ctx: PageContext, _ m: NewPassword) -> String {
        let (name, errors) = (m.name, m.errors)
        return narrow(
            "Choose your password", ctx, errors: errors,
            [
                C.h1("Choose your password"),
                C.p("\(name), choose a password only you know. Nobody at your service will ever ask you for it."),
                el(
                    .form, [.method: "post", .action: Paths.newPassword, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.textInput(
                            "password", label: "New password", value: "", error: err(errors, "password"), hint: passwordHint,
                            width: "input--width-20", type: "password", autocomplete: "new-password"),
                        C.textInput(
                            "confirm", label: "Type the new password again", value: "", error: err(errors, "confirm"),
                            width: "input--width-20", type: "password", autocomplete: "new-password"),
                        C.button("Save password and continue")
                    ]),
                signOutForm(ctx, "Cancel and sign out")
            ])
    }

    static func signOutForm(_ ctx: PageContext, _ label: String) -> H {
        el(.form, [.method: "post", .action: Paths.signOut], [Layout.csrfField(ctx.csrf), C.button(label, secondary: true)])
    }

    static func twoFactor(_ ctx: PageContext, errors: [FieldError]) -> String {
        narrow(
            "Enter your code", ctx, errors: errors,
            [
                C.h1("Enter the code from your authenticator app"),
                el(
                    .form, [.method: "post", .action: Paths.twoFactor, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.textInput(
                            "code", label: "Code", value: "", error: err(errors, "code"),
                            hint:
                                "The 6-digit code your app shows for Waypoint. If you have lost your phone, enter one of your recovery codes instead.",
                            width: "input--width-10", autocomplete: "off", spellcheck: false),
                        C.button("Sign in")
                    ]),
                C.p("No phone and no recovery codes? Ask your administrator to reset your two-factor sign-in."),
                signOutForm(ctx, "Cancel and sign out")
            ])
    }

    /// Setting up an authenticator: the account and its new secret, where the form posts, whether the role requires it, whether it replaces one.
    struct SetUp {
        let email: String
        let secret: [UInt8]
        let action: String
        let required: Bool
        var replacing: Bool = false
        let errors: [FieldError]
    }

    static func setUp(_ ctx: PageContext, _ m: SetUp) -> String {
        let (email, secret, action, required, replacing, errors) = (m.email, m.secret, m.action, m.required, m.replacing, m.errors)
        let uri = TOTP.uri(secret: secret, account: email)
        let svg = QRCode(uri)?.svg(label: "QR code to set up Waypoint in an authenticator app") ?? ""
        let image = "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
        let title = replacing ? "Replace your authenticator" : "Set up two-factor sign-in"
        var intro: [H] = []
        if required {
            intro.append(
                C.p(
                    "Your role sees children's records, so you sign in with your password and a code from an authenticator app on your phone."
                ))
        }
        if replacing { intro.append(C.p("Your current authenticator and recovery codes stop working once this one is confirmed.")) }
        return narrow(
            title, ctx, errors: errors,
            [C.h1(title)] + intro + [
                el(
                    .ol, [.class: "list list--number"],
                    [
                        el(.li, [:], "Open an authenticator app (for example Microsoft Authenticator, Google Authenticator or FreeOTP)."),
                        el(.li, [:], "Add an account and scan this QR code, or type the key below."),
                        el(.li, [:], "Enter the 6-digit code the app then shows.")
                    ]),
                voidEl(
                    .img,
                    [
                        .src: image, .alt: "QR code for your authenticator app. If you cannot scan it, type the key shown below.",
                        .class: "qr-code", .width: "220", .height: "220"
                    ]),
                C.summaryList([
                    ("Key", el(.code, [.class: "secret-key", .dataSecret: Base32.encode(secret)], Base32.grouped(secret))),
                    ("Account", txt(email)), ("Type", txt("Time-based, 6 digits"))
                ]),
                el(
                    .form, [.method: "post", .action: action, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.textInput(
                            "code", label: "Code from the app", value: "", error: err(errors, "code"), width: "input--width-10",
                            autocomplete: "off", spellcheck: false, inputmode: "numeric"),
                        C.button("Confirm")
                    ]),
                required ? signOutForm(ctx, "Cancel and sign out") : C.link("Cancel", Paths.account)
            ])
    }

    /// The recovery codes, shown once, and where to go next.
    struct RecoveryCodes {
        let codes: [String]
        let next: String
    }

    static func recoveryCodes(_ ctx: PageContext, _ m: RecoveryCodes) -> String {
        let (codes, next) = (m.codes, m.next)
        return narrow(
            "Your recovery codes", ctx,
            [
                C.h1("Two-factor sign-in is set up"),
                C.p(
                    "Keep these recovery codes somewhere safe, away from your phone. Each works once, in place of a code from the app, if you lose your phone. They are shown only now."
                ),
                el(.ul, [.class: "recovery-codes", .ariaLabel: "Recovery codes"], codes.map { el(.li, [:], [el(.code, [:], $0)]) }),
                C.buttonLink("I have kept my recovery codes: continue", next)
            ])
    }

    static func changePassword(_ ctx: PageContext, errors: [FieldError]) -> String {
        narrow(
            "Change your password", ctx, errors: errors,
            [
                C.h1("Change your password"),
                el(
                    .form, [.method: "post", .action: Paths.changePassword, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.textInput(
                            "current", label: "Current password", value: "", error: err(errors, "current"), width: "input--width-20",
                            type: "password", autocomplete: "current-password"),
                        C.textInput(
                            "password", label: "New password", value: "", error: err(errors, "password"), hint: passwordHint,
                            width: "input--width-20", type: "password", autocomplete: "new-password"),
                        C.textInput(
                            "confirm", label: "Type the new password again", value: "", error: err(errors, "confirm"),
                            width: "input--width-20", type: "password", autocomplete: "new-password"),
                        el(.div, [.class: "button-group"], [C.button("Change password"), C.link("Cancel", Paths.account, "link")])
                    ]),
                C.p(
                    "Your other sessions are signed out when you change it. Passwords do not expire: change yours if you think someone else knows it."
                )
            ])
    }

    static func account(_ ctx: PageContext, _ m: AccountPage) -> String {
        let (sessions, hours) = (m.sessions, m.lifetimeHours)
        let factor: H =
            m.enrolled
            ? txt(
                "Authenticator app, set up \(m.enrolledAt.map(DateFormatting.londonDateTime) ?? "earlier"); \(m.recoveryLeft) recovery code\(m.recoveryLeft == 1 ? "" : "s") left"
            )
            : txt(m.required ? "Not set up yet: your role needs it, so you will set it up at your next sign-in" : "Not set up")
        return Layout.page(
            title: "Your account", ctx,
            [
                C.h1("Your account"),
                C.summaryList([("Name", txt(m.name)), ("Email address", txt(m.email)), ("Role", txt(m.role))]),
                el(.h2, [.class: "heading-m"], "Password"),
                C.p("Passwords do not expire. Change yours if you think someone else knows it."),
                C.buttonLink("Change your password", Paths.changePassword, secondary: true),
                el(.h2, [.class: "heading-m"], "Two-factor sign-in"),
                C.summaryList([("Second factor", factor)]),
                C.buttonLink(
                    m.enrolled ? "Replace your authenticator (new recovery codes)" : "Set up an authenticator app",
                    Paths.accountTwoFactor, secondary: true),
                el(.h2, [.class: "heading-m"], "Where you are signed in"),
                C.p("A session ends after a period of inactivity, and always \(hours) hours after signing in."),
                C.table(
                    caption: "\(sessions.count) session\(sessions.count == 1 ? "" : "s")", headers: ["Signed in", "Last active", ""],
                    rows: sessions.map { s in
                        [
                            txt(DateFormatting.londonDateTime(s.signedIn)), txt(DateFormatting.londonDateTime(s.lastActive)),
                            s.isThis
                                ? C.tag("This session", colour: "green")
                                : (s.partWay ? C.tag("Part-way through signing in", colour: "grey") : txt(""))
                        ]
                    }),
                el(
                    .div, [.class: "button-group"],
                    [
                        el(
                            .form, [.method: "post", .action: Paths.endOtherSessions, .class: "inline-form"],
                            [Layout.csrfField(ctx.csrf), C.button("Sign out of every other session", secondary: true)]),
                        el(
                            .form, [.method: "post", .action: Paths.endAllSessions, .class: "inline-form"],
                            [Layout.csrfField(ctx.csrf), C.button("Sign out everywhere", warning: true)])
                    ])
            ])
    }

    // MARK: Admin

    /// A one-time code an administrator hands over: for whom, until when, and whether the account is new.
    struct OneTimeCode {
        let name: String
        let email: String
        let code: String
        let expires: Date
        let created: Bool
    }

    static func oneTimeCode(_ ctx: PageContext, _ m: OneTimeCode) -> String {
        let (name, email, code, expires, created) = (m.name, m.email, m.code, m.expires, m.created)
        return narrow(
            created ? "User added" : "Password reset", ctx,
            [
                C.h1(created ? "\(name) has been added" : "\(name)'s password has been reset"),
                C.p("Give \(name) this one-time code, in person or by phone: not by email."),
                el(.p, [.class: "one-time-code"], [el(.code, [.id: "one-time-code"], code)]),
                C.summaryList([
                    ("Email address", txt(email)), ("Code expires", txt(DateFormatting.londonDateTime(expires))),
                    ("Where to use it", el(.code, [:], Paths.signInWithCode))
                ]),
                C.p(
                    "They sign in with it once and then choose their own password. You never know their password. "
                        + (created ? "" : "Their old password no longer works and their sessions have been signed out.")),
                C.buttonLink("Back to users", Paths.adminUsers)
            ])
    }

    /// A question before a hard-to-undo action: its words, where it posts, and the way back.
    struct Confirmation {
        let title: String
        let text: String
        let action: String
        let button: String
        let back: String
    }

    static func confirm(_ ctx: PageContext, _ m: Confirmation) -> String {
        let (title, text, action, button, back) = (m.title, m.text, m.action, m.button, m.back)
        return narrow(
            title, ctx,
            [
                C.h1(title),
                C.p(text),
                el(
                    .form, [.method: "post", .action: action],
                    [
                        Layout.csrfField(ctx.csrf),
                        el(.div, [.class: "button-group"], [C.button(button, warning: true), C.link("No, go back", back, "link")])
                    ])
            ])
    }

    /// The sign-in security settings: the roles that need two factors, single sign-on when configured, and the people waiting.
    struct SignInSecurity {
        let required: [Role: Bool]
        let sso: (label: String, required: Bool)?
        let pending: Int
        let errors: [FieldError]
    }

    static func signInSecurity(_ ctx: PageContext, _ m: SignInSecurity) -> String {
        let (required, sso, pending, errors) = (m.required, m.sso, m.pending, m.errors)
        return narrow(
            "Sign-in security", ctx, errors: errors,
            [
                C.h1("Sign-in security"),
                el(
                    .form, [.method: "post", .action: Paths.signInSecurity, .novalidate: ""],
                    [
                        Layout.csrfField(ctx.csrf),
                        C.checkboxes(
                            "required", legend: "Roles that must use two-factor sign-in",
                            options: Role.allCases.map {
                                ($0.rawValue, $0.label + (SecondFactor.requiredByDefault($0) ? " (sees case data)" : ""))
                            },
                            selected: Role.allCases.filter { required[$0] == true }.map(\.rawValue), error: err(errors, "required"),
                            hint:
                                "People in these roles set up an authenticator app at their next sign-in. Every role that sees case data should."
                        ),
                        sso.map { sso in
                            C.checkboxes(
                                "require_sso", legend: "Single sign-on",
                                options: [("yes", "Everyone except administrators must sign in with single sign-on (\(sso.label))")],
                                selected: sso.required ? ["yes"] : [],
                                hint:
                                    "Administrators keep their password (and second factor) as break-glass accounts, for when the provider is down."
                            )
                        } ?? group([]),
                        C.button("Save")
                    ]),
                sso.map { _ in
                    group([
                        el(.h2, [.class: "heading-m"], "People waiting"),
                        C.p(
                            pending == 0
                                ? "Nobody is waiting for an account."
                                : "\(pending) \(pending == 1 ? "person has" : "people have") signed in with single sign-on and \(pending == 1 ? "is" : "are") waiting for an account."
                        ),
                        C.link("Single sign-on requests", Paths.ssoRequests)
                    ])
                } ?? group([])
            ])
    }
}
