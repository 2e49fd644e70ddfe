import WaypointDomain

/// The one shape of a form page: the error summary, the heading with its caption (and a paragraph
/// that says what the form does, when it needs one), and a form that posts to `action` with its
/// CSRF field, the fields, and a submit button beside a cancel link. A form view is then its
/// fields and nothing else.
struct FormPage {
    var title: String
    var caption: String?
    /// The page's title in the browser, when it is not the heading.
    var pageTitle: String? = nil
    /// A quiet line under the heading (what the record is on).
    var note: String? = nil
    var intro: String? = nil
    var errors: [FieldError]
    var action: String
    var submit: String
    /// A red button, for an action that is hard to undo.
    var warning: Bool = false
    var cancel: String

    func render(_ ctx: PageContext, _ fields: [H]) -> String {
        Layout.page(
            title: pageTitle ?? title, ctx, hasErrors: !errors.isEmpty,
            [
                el(
                    .div, [.class: "grid-row"],
                    [
                        el(
                            .div, [.class: "column-two-thirds"],
                            [C.errorSummary(errors), C.h1(title, caption: caption)] + (note.map { [C.p($0, "body secondary-text")] } ?? [])
                                + (intro.map { [C.p($0)] } ?? []) + [
                                    el(
                                        .form, [.method: "post", .action: action, .novalidate: ""],
                                        [Layout.csrfField(ctx.csrf)] + fields + [
                                            el(
                                                .div, [.class: "button-group"],
                                                [C.button(submit, warning: warning), C.link("Cancel", cancel, "link")])
                                        ])
                                ])
                    ])
            ])
    }
}
