import Fluent
import SQLKit
import Vapor
import WaypointDomain

/// Import and export of bundles for administrators and managers, and transfer of a child.
struct DataController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.data, use: page)
        routes.upload(path: Paths.dataImport, use: upload)
        routes.get(path: Paths.dataExportPath, use: export)
        routes.get(Paths.transferChild, use: transferForm)
        routes.post(Paths.transferChild, use: transfer)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let user = try req.authorize(.exportBundle)
        return HTMLResponse.make(
            DataViews.page(
                PageContext(req),
                DataPage(services: try await ServiceOption.granted(user, on: req.db), result: nil, canImport: user.can(.importBundle)))
        )
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.authorize(.importBundle)
        let services = try await ServiceOption.granted(user, on: req.db)
        let form = try await StreamedForm.read(req, fileField: "bundle", maxBytes: req.settings.maxUploadBytes)
        defer { form.discard() }
        guard let file = form.file else {
            return HTMLResponse.make(
                DataViews.page(
                    PageContext(req), DataPage(services: services, result: .failed(["Choose a .zip file of the bundle to upload."]))),
                status: .unprocessableEntity)
        }
        let files: [String: Data]
        do {
            if file.filename.lowercased().hasSuffix(".csv") {
                files = [(file.filename as NSString).lastPathComponent: try Data(contentsOf: file.url)]
            } else {
                files = try BundleIO.readZip(url: file.url)
            }
        } catch {
            return HTMLResponse.make(
                DataViews.page(
                    PageContext(req),
                    DataPage(services: services, result: .failed(["\(file.filename): \(error) — upload a .zip of the bundle's CSV files"]))),
                status: .unprocessableEntity
            )
        }
        // A manager imports into their own services only.
        do {
            let ctx = try await Importer.context(on: req.db, today: req.today, within: nil)
            if case .success(let plan) = Interchange.validate(files, context: ctx) {
                let mine = Set(services.map(\.code))
                let named = Set(plan.services.map(\.code) + plan.children.map(\.serviceCode) + plan.population.map(\.serviceCode))
                let others = named.subtracting(mine).sorted()
                if !others.isEmpty {
                    return HTMLResponse.make(
                        DataViews.page(
                            PageContext(req),
                            DataPage(
                                services: services,
                                result: .failed([
                                    "The bundle names services you do not work in (\(others.joined(separator: ", "))). Ask a manager of those services to import their part, or the server's operator to import it with the waypoint command."
                                ]))),
                        status: .forbidden)
                }
            }
        }
        let dryRun = form.fields["dry_run"] == "yes"
        let outcome = try await CaseWork(req).importBundle(files, dryRun: dryRun)
        switch outcome {
        case .invalid(let problems):
            return HTMLResponse.make(
                DataViews.page(
                    PageContext(req), DataPage(services: services, result: .failed(problems.map(\.description)))),
                status: .unprocessableEntity)
        case .imported(let report):
            return HTMLResponse.make(
                DataViews.page(
                    PageContext(req, notice: dryRun ? "Dry run: nothing was written" : "Import complete"),
                    DataPage(services: services, result: .imported(report.lines, dryRun: dryRun))))
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let user = try req.authorize(.exportBundle)
        let services = try await ServiceOption.granted(user, on: req.db)
        guard let code = req.query[String.self, at: "service"], services.contains(where: { $0.code == code }) else {
            throw WaypointError.badRequest("Choose one of your services to export.")
        }
        let zip = try BundleIO.zip(try await CaseWork(req).exportBundle(serviceCode: code, to: "a download"))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "zip")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"waypoint-\(code)-\(req.today.iso).zip\"")
        return Response(status: .ok, headers: headers, body: .init(data: zip))
    }

    @Sendable func transferForm(req: Request) async throws -> Response {
        let user = try req.authorize(.transferChild)
        let child = try await req.childInScope(user, .write)
        let services = try await Service.query(on: req.db).filter(\.$id != child.serviceID).sort(\.$name).all()
        return HTMLResponse.make(
            DataViews.transfer(
                PageContext(req),
                TransferForm(child: ChildRef(child), services: services.map(ServiceOption.init), form: FormState(values: FormValues()))))
    }

    @Sendable func transfer(req: Request) async throws -> Response {
        let user = try req.authorize(.transferChild)
        let child = try await req.childInScope(user)
        let services = try await Service.query(on: req.db).filter(\.$id != child.serviceID).sort(\.$name).all()
        let values = try formValues(req)
        var e = FormErrors()
        let target = values.trimmed("service_id").flatMap { id in services.first { $0.id?.uuidString == id } }
        if target == nil { e.add("service_id", "Select the service the child is moving to") }
        let reason = Parse.text(values, "reason", label: "Reason", required: "Enter the reason for the transfer", max: 1000, errors: &e)
        guard e.isEmpty, let target, let reason else {
            return HTMLResponse.make(
                DataViews.transfer(
                    PageContext(req),
                    TransferForm(
                        child: ChildRef(child), services: services.map(ServiceOption.init),
                        form: FormState(values: values, errors: e.errors))),
                status: .unprocessableEntity)
        }
        do {
            try await CaseWork(req).transfer(child.id, to: target.id!, on: req.today, reason: reason)
        } catch let m as ServiceMoves.MoveError {
            return HTMLResponse.make(
                DataViews.transfer(
                    PageContext(req),
                    TransferForm(
                        child: ChildRef(child), services: services.map(ServiceOption.init),
                        form: FormState(
                            values: values, errors: [FieldError(field: "service_id", message: "Cannot transfer: \(m.description)")]))),
                status: .conflict)
        }
        if user.serviceIDs.contains(target.id!) { return req.redirect(to: Paths.child(child.id)) }
        return HTMLResponse.make(
            DataViews.transferred(PageContext(req), TransferDone(childName: child.details.fullName, service: target.name)))
    }
}

/// The import and export page, as data: the user's services (to export), what the last upload
/// did, and whether the user may import.
struct DataPage {
    var services: [ServiceOption]
    var result: DataViews.Result?
    var canImport = true
}

/// The transfer form: whose record, the services it can move to, and what was typed.
struct TransferForm {
    let child: ChildRef
    let services: [ServiceOption]
    var form: FormState
}

/// The page after a child moves to a service the user does not work in.
struct TransferDone {
    let childName: String
    let service: String
}

enum DataViews {
    static func transferred(_ ctx: PageContext, _ m: TransferDone) -> String {
        Layout.page(
            title: "Child transferred", ctx,
            [
                C.h1("\(m.childName) has been transferred"),
                C.p(
                    "Their record is now held by \(m.service), and their open work continues there. What your service did stays in your service's figures for the time it held them. You no longer have access to the record."
                ),
                el(.p, [.class: "body"], [C.link("Back to the children register", Paths.children)])
            ])
    }

    enum Result {
        case failed([String])
        case imported([String], dryRun: Bool)
    }

    static func page(_ ctx: PageContext, _ m: DataPage) -> String {
        let (services, result, canImport) = (m.services, m.result, m.canImport)
        var content: [H] = []
        if case .failed(let problems) = result {
            content.append(
                el(
                    .div, [.class: "error-summary", .tabindex: "-1", .role: "alert", .ariaLabelledby: "error-summary-title"],
                    [
                        el(
                            .h2, [.class: "error-summary__title", .id: "error-summary-title"],
                            problems.count == 1
                                ? "There is a problem: nothing was imported" : "There are \(problems.count) problems: nothing was imported"),
                        el(.ul, [.class: "error-summary__list problem-list"], problems.prefix(1000).map { el(.li, [:], $0) }),
                        problems.count > 1000 ? C.p("… and \(problems.count - 1000) more.") : group([])
                    ]))
        }
        content.append(C.h1(canImport ? "Import and export" : "Export"))
        if case .imported(let lines, let dry) = result {
            content.append(el(.h2, [.class: "heading-m"], dry ? "What the import would do" : "What was imported"))
            content.append(el(.ul, [.class: "list"], lines.map { el(.li, [:], $0) }))
        }
        if canImport {
            content += [
                el(.h2, [.class: "heading-m"], "Import a bundle"),
                C.p(
                    "Upload a .zip of CSV files in the Waypoint interchange format (children.csv is required; services.csv, referrals.csv, offences.csv, interventions.csv and population.csv are optional). Every row is checked first: if any row is wrong, nothing is written and every problem is listed. Importing the same bundle again changes nothing."
                ),
                el(
                    .form,
                    [
                        .method: "post", .action: Paths.dataImport, .enctype: "multipart/form-data", .class: "upload-form",
                        .dataModule: "upload-progress"
                    ],
                    [
                        Layout.csrfField(ctx.csrf),
                        el(
                            .div, [.class: "form-group"],
                            [
                                el(.label, [.class: "label", .for: "bundle"], "Bundle (.zip)"),
                                voidEl(
                                    .input,
                                    [.class: "file-upload", .id: "bundle", .name: "bundle", .type: "file", .accept: ".zip,.csv"])
                            ]),
                        C.checkbox("dry_run", label: "Dry run: check and report, but write nothing"),
                        el(
                            .div, [.class: "upload-progress", .hidden: "", .ariaLive: "polite"],
                            [
                                el(.label, [.for: "upload-progress-bar"], "Uploading"),
                                el(.progress, [.id: "upload-progress-bar", .max: "100", .value: "0"], [])
                            ]),
                        C.button("Import")
                    ])
            ]
        }
        content += [
            el(.h2, [.class: "heading-m"], "Export"),
            C.p("Download a service's records as a .zip in the same format."),
            services.isEmpty
                ? C.p("You are not in any service.")
                : el(
                    .ul, [.class: "list"],
                    services.map { s in
                        el(.li, [:], [C.link("Export \(s.name) (\(s.code))", Paths.dataExport(s.code))])
                    })
        ]
        return Layout.page(
            title: canImport ? "Import and export" : "Export", ctx,
            hasErrors: { if case .failed = result { return true } else { return false } }(), content)
    }

    static func transfer(_ ctx: PageContext, _ m: TransferForm) -> String {
        let (child, services, v, err, errors) = (m.child, m.services, m.form.values, m.form.messages, m.form.errors)
        return FormPage(
            title: "Transfer to another service", caption: child.name, pageTitle: "Transfer \(child.name)",
            intro:
                "The child's record moves with all their referrals, work, offences, hearings and consultations. The receiving service sees the whole history. The transfer is recorded in the audit log.",
            errors: errors, action: Paths.transferChild(child.id), submit: "Transfer", warning: true, cancel: Paths.child(child.id)
        ).render(
            ctx,
            [
                services.isEmpty
                    ? C.warning("There is no other service to transfer to.")
                    : C.select(
                        "service_id", label: "Receiving service",
                        options: services.map { ($0.id.uuidString, "\($0.name) (\($0.code))") },
                        selected: v["service_id"], error: err("service_id")),
                C.textarea(
                    "reason", label: "Reason for the transfer", value: v["reason"], error: err("reason"),
                    hint: "For example, the family has moved to the area")
            ])
    }
}
