import WaypointDomain

/// GOV.UK Design System patterns, as functions returning escaped nodes.
enum C {
    static func h1(_ text: String, caption: String? = nil) -> H {
        group([
            caption.map { el(.span, [.class: "caption-l"], $0) } ?? group([]),
            el(.h1, [.class: "heading-l"], text)
        ])
    }

    static func p(_ text: String, _ cls: String = "body") -> H { el(.p, [.class: cls], text) }

    static func link(_ text: String, _ href: String, _ cls: String? = nil) -> H {
        el(.a, [.href: href, .class: cls], text)
    }

    static func button(_ text: String, secondary: Bool = false, warning: Bool = false, name: String? = nil, value: String? = nil) -> H {
        el(
            .button,
            [
                .type: "submit", .class: cls("button", secondary ? "button--secondary" : nil, warning ? "button--warning" : nil),
                .name: name, .value: value
            ], text)
    }

    static func buttonLink(_ text: String, _ href: String, secondary: Bool = false) -> H {
        el(.a, [.href: href, .role: "button", .class: cls("button", secondary ? "button--secondary" : nil)], text)
    }

    /// The error summary at the top of a form page: links to each field in error.
    static func errorSummary(_ errors: [FieldError]) -> H {
        guard !errors.isEmpty else { return group([]) }
        return el(
            .div,
            [
                .class: "error-summary", .dataModule: "error-summary", .tabindex: "-1",
                .ariaLabelledby: "error-summary-title", .role: "alert"
            ],
            [
                el(.h2, [.class: "error-summary__title", .id: "error-summary-title"], "There is a problem"),
                el(
                    .ul, [.class: "error-summary__list"],
                    errors.map { e in
                        el(.li, [:], [el(.a, [.href: "#\(e.field)"], e.message)])
                    })
            ])
    }

    static func errorMessage(_ field: String, _ message: String?) -> H {
        guard let message else { return group([]) }
        return el(
            .p, [.class: "error-message", .id: "\(field)-error"],
            [
                el(.span, [.class: "visually-hidden"], "Error: "), txt(message)
            ])
    }

    static func hintNode(_ id: String, _ hint: String?) -> H {
        guard let hint else { return group([]) }
        return el(.div, [.class: "hint", .id: "\(id)-hint"], hint)
    }

    static func describedBy(_ id: String, hint: String?, error: String?) -> String? {
        let parts = [hint != nil ? "\(id)-hint" : nil, error != nil ? "\(id)-error" : nil].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    static func textInput(
        _ name: String, label: String, value: String, error: String? = nil, hint: String? = nil,
        width: String? = nil, type: String = "text", autocomplete: String? = nil,
        spellcheck: Bool? = nil, labelIsHeading: Bool = false, inputmode: String? = nil
    ) -> H {
        el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(.label, [.class: "label", .for: name], label),
                hintNode(name, hint),
                errorMessage(name, error),
                voidEl(
                    .input,
                    [
                        .class: cls("input", width, error != nil ? "input--error" : nil), .id: name, .name: name,
                        .type: type, .value: value, .autocomplete: autocomplete, .inputmode: inputmode,
                        .spellcheck: spellcheck.map { $0 ? "true" : "false" },
                        .ariaDescribedby: describedBy(name, hint: hint, error: error)
                    ])
            ])
    }

    static func textarea(_ name: String, label: String, value: String, error: String? = nil, hint: String? = nil, rows: Int = 4) -> H {
        el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(.label, [.class: "label", .for: name], label),
                hintNode(name, hint),
                errorMessage(name, error),
                el(
                    .textarea,
                    [
                        .class: cls("textarea", error != nil ? "textarea--error" : nil), .id: name, .name: name,
                        .rows: String(rows), .ariaDescribedby: describedBy(name, hint: hint, error: error)
                    ], value)
            ])
    }

    /// Day, month, year inputs in a fieldset (GOV.UK date input). Errors link to `prefix-day`.
    static func dateInput(_ prefix: String, legend: String, values: FormValues, error: String? = nil, hint: String? = nil) -> H {
        func part(_ p: String, _ label: String, _ width: String) -> H {
            el(
                .div, [.class: "date-input__item"],
                [
                    el(.label, [.class: "label date-input__label", .for: "\(prefix)-\(p)"], label),
                    voidEl(
                        .input,
                        [
                            .class: cls("input", width, error != nil ? "input--error" : nil), .id: "\(prefix)-\(p)",
                            .name: "\(prefix)-\(p)", .type: "text", .inputmode: "numeric",
                            .value: values["\(prefix)-\(p)"]
                        ])
                ])
        }
        return el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(
                    .fieldset, [.class: "fieldset", .role: "group", .ariaDescribedby: describedBy(prefix, hint: hint, error: error)],
                    [
                        el(.legend, [.class: "fieldset__legend"], legend),
                        hintNode(prefix, hint),
                        errorMessage(prefix, error),
                        el(
                            .div, [.class: "date-input"],
                            [
                                part("day", "Day", "input--width-2"),
                                part("month", "Month", "input--width-2"),
                                part("year", "Year", "input--width-4")
                            ])
                    ])
            ])
    }

    static func select(
        _ name: String, label: String, options: [(code: String, label: String)], selected: String,
        error: String? = nil, hint: String? = nil, blank: String? = "Select an option"
    ) -> H {
        var opts: [H] = []
        if let blank { opts.append(el(.option, [.value: ""], blank)) }
        opts += options.map { o in el(.option, [.value: o.code, .selected: o.code == selected ? "" : nil], o.label) }
        return el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(.label, [.class: "label", .for: name], label),
                hintNode(name, hint),
                errorMessage(name, error),
                el(
                    .select,
                    [
                        .class: cls("select", error != nil ? "select--error" : nil), .id: name, .name: name,
                        .ariaDescribedby: describedBy(name, hint: hint, error: error)
                    ], opts)
            ])
    }

    /// Radios in a fieldset; the first radio carries the field id the error summary links to.
    static func radios(
        _ name: String, legend: String, options: [(code: String, label: String)], selected: String,
        error: String? = nil, hint: String? = nil, inline: Bool = false
    ) -> H {
        el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(
                    .fieldset, [.class: "fieldset", .ariaDescribedby: describedBy(name, hint: hint, error: error)],
                    [
                        el(.legend, [.class: "fieldset__legend"], legend),
                        hintNode(name, hint),
                        errorMessage(name, error),
                        el(
                            .div, [.class: cls("radios", inline ? "radios--inline" : nil)],
                            options.enumerated().map { i, o in
                                let id = i == 0 ? name : "\(name)-\(i + 1)"
                                return el(
                                    .div, [.class: "radios__item"],
                                    [
                                        voidEl(
                                            .input,
                                            [
                                                .class: "radios__input", .id: id, .name: name, .type: "radio", .value: o.code,
                                                .checked: o.code == selected ? "" : nil
                                            ]),
                                        el(.label, [.class: "label radios__label", .for: id], o.label)
                                    ])
                            })
                    ])
            ])
    }

    static func checkboxes(
        _ name: String, legend: String, options: [(code: String, label: String)], selected: [String],
        error: String? = nil, hint: String? = nil
    ) -> H {
        el(
            .div, [.class: cls("form-group", error != nil ? "form-group--error" : nil)],
            [
                el(
                    .fieldset, [.class: "fieldset", .ariaDescribedby: describedBy(name, hint: hint, error: error)],
                    [
                        el(.legend, [.class: "fieldset__legend"], legend),
                        hintNode(name, hint),
                        errorMessage(name, error),
                        el(
                            .div, [.class: "checkboxes"],
                            options.enumerated().map { i, o in
                                let id = i == 0 ? name : "\(name)-\(i + 1)"
                                return el(
                                    .div, [.class: "checkboxes__item"],
                                    [
                                        voidEl(
                                            .input,
                                            [
                                                .class: "checkboxes__input", .id: id, .name: "\(name)[]", .type: "checkbox",
                                                .value: o.code, .checked: selected.contains(o.code) ? "" : nil
                                            ]),
                                        el(.label, [.class: "label checkboxes__label", .for: id], o.label)
                                    ])
                            })
                    ])
            ])
    }

    /// One checkbox on its own (a confirmation or an option), posting `yes` when ticked.
    static func checkbox(_ name: String, label: String, checked: Bool = false) -> H {
        el(
            .div, [.class: "form-group"],
            [
                el(
                    .div, [.class: "checkboxes"],
                    [
                        el(
                            .div, [.class: "checkboxes__item"],
                            [
                                voidEl(
                                    .input,
                                    [
                                        .class: "checkboxes__input", .id: name, .name: name, .type: "checkbox", .value: "yes",
                                        .checked: checked ? "" : nil
                                    ]),
                                el(.label, [.class: "label checkboxes__label", .for: name], label)
                            ])
                    ])
            ])
    }

    /// A summary list of a record's details: key and value rows, with an optional change link.
    static func summaryList(_ rows: [(key: String, value: H)]) -> H {
        // dt/dd pairs directly in the dl (laid out as rows by CSS grid), valid for every checker.
        el(
            .dl, [.class: "summary-list"],
            rows.flatMap { r in
                [el(.dt, [.class: "summary-list__key"], r.key), el(.dd, [.class: "summary-list__value"], [r.value])]
            })
    }

    static func notRecorded() -> H { el(.span, [.class: "secondary-text"], "Not recorded") }

    static func value(_ s: String?) -> H { s.map { txt($0) } ?? notRecorded() }

    static func multiline(_ s: String?) -> H {
        guard let s else { return notRecorded() }
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var nodes: [H] = []
        for (i, l) in lines.enumerated() {
            if i > 0 { nodes.append(voidEl(.br)) }
            nodes.append(txt(l))
        }
        return group(nodes)
    }

    static func tag(_ text: String, colour: String? = nil) -> H {
        el(.strong, [.class: cls("tag", colour.map { "tag--\($0)" })], text)
    }

    /// A table with real headers. `numeric` marks right-aligned columns.
    static func table(caption: String?, headers: [String], rows: [[H]], numeric: Set<Int> = []) -> H {
        el(
            .table, [.class: "table"],
            [
                caption.map { el(.caption, [.class: "table__caption"], $0) } ?? group([]),
                el(
                    .thead, [.class: "table__head"],
                    [
                        el(
                            .tr, [.class: "table__row"],
                            headers.enumerated().map { i, h in
                                el(
                                    .th,
                                    [.scope: "col", .class: cls("table__header", numeric.contains(i) ? "table__header--numeric" : nil)], h
                                )
                            })
                    ]),
                el(
                    .tbody, [.class: "table__body"],
                    rows.map { r in
                        el(
                            .tr, [.class: "table__row"],
                            r.enumerated().map { i, cell in
                                i == 0
                                    ? el(.th, [.scope: "row", .class: "table__header"], [cell])
                                    : el(.td, [.class: cls("table__cell", numeric.contains(i) ? "table__cell--numeric" : nil)], [cell])
                            })
                    })
            ])
    }

    /// Previous / numbered / next links. `href(page)` builds the link for a page number.
    /// `label` names the list when a page has two (each pager is a landmark of its own).
    static func pagination(page: Int, totalPages: Int, label: String = "Pagination", href: (Int) -> String) -> H {
        guard totalPages > 1 else { return group([]) }
        var items: [H] = []
        var shown: [Int] = [1, totalPages, page - 1, page, page + 1].filter { $0 >= 1 && $0 <= totalPages }
        shown = Array(Set(shown)).sorted()
        var last = 0
        for n in shown {
            if n - last > 1 { items.append(el(.li, [.class: "pagination__item pagination__item--ellipses"], "…")) }
            items.append(
                el(
                    .li, [.class: cls("pagination__item", n == page ? "pagination__item--current" : nil)],
                    [
                        el(
                            .a,
                            [
                                .class: "pagination__link", .href: href(n), .ariaLabel: "Page \(n)",
                                .ariaCurrent: n == page ? "page" : nil
                            ], String(n))
                    ]))
            last = n
        }
        return el(
            .nav, [.class: "pagination", .ariaLabel: label],
            [
                page > 1
                    ? el(
                        .div, [.class: "pagination__prev"],
                        [el(.a, [.class: "pagination__link", .href: href(page - 1), .rel: "prev"], "Previous")]) : group([]),
                el(.ul, [.class: "pagination__list"], items),
                page < totalPages
                    ? el(
                        .div, [.class: "pagination__next"],
                        [el(.a, [.class: "pagination__link", .href: href(page + 1), .rel: "next"], "Next")]) : group([])
            ])
    }

    static func insetText(_ nodes: [H]) -> H { el(.div, [.class: "inset-text"], nodes) }

    static func warning(_ text: String) -> H {
        el(
            .div, [.class: "warning-text"],
            [
                el(.span, [.class: "warning-text__icon", .ariaHidden: "true"], "!"),
                el(.strong, [.class: "warning-text__text"], [el(.span, [.class: "visually-hidden"], "Warning: "), txt(text)])
            ])
    }
}
