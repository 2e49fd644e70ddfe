import Fluent
import Vapor
import WaypointDomain

/// The children register: search, add, view, edit, audit trail.
struct ChildrenController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.children, use: index)
        routes.get(path: Paths.newChild, use: new)
        routes.post(path: Paths.children, use: create)
        routes.get(Paths.child, use: show)
        routes.get(Paths.editChild, use: edit)
        routes.post(Paths.child, use: update)
        routes.get(Paths.childAudit, use: audit)
    }

    // MARK: Register search

    @Sendable func index(req: Request) async throws -> Response {
        let user = try req.authorize(.searchChildren)
        struct Q: Decodable {
            let q: String?
            let dobDay: String?, dobMonth: String?, dobYear: String?
            enum CodingKeys: String, CodingKey { case q, dobDay = "dob-day", dobMonth = "dob-month", dobYear = "dob-year" }
        }
        let q = (try? req.query.decode(Q.self))
        var values = FormValues(["q": q?.q ?? "", "dob-day": q?.dobDay ?? "", "dob-month": q?.dobMonth ?? "", "dob-year": q?.dobYear ?? ""])
        values.values = values.values.mapValues { String($0.prefix(200)) }
        var errors = FormErrors()
        var search = ChildSearch(text: values.trimmed("q"), dateOfBirth: nil)
        if values.trimmed("dob-day") != nil || values.trimmed("dob-month") != nil || values.trimmed("dob-year") != nil {
            search.dateOfBirth = DateInput.parse(values, prefix: "dob", label: "Date of birth", today: req.today, errors: &errors)
        }
        let page = try req.pageNumber()
        let result =
            errors.isEmpty
            ? try await ChildStore.search(search, in: user.serviceIDs, page: page, counts: req.application.nameGramCounts, on: req.db)
            : (rows: [], total: 0)
        // Every child a search shows is on that child's record (who saw them, and why: a search),
        // written while the rest of the page is read; nothing is sent until both are done.
        async let audited: Void = Audit.recordViews(
            req, action: "view_search_result", children: result.rows.map { ($0.service_id, $0.id) })
        let openable =
            user.role == .practitioner
            ? try await ChildAccessStore.openable(user, result.rows.map(\.id), today: req.today, now: req.now, on: req.db) : nil
        try await audited
        let model = ChildIndexModel(
            values: values, errors: errors.errors, searched: search.text != nil || search.dateOfBirth != nil,
            rows: result.rows, total: result.total, page: page, today: req.today, openable: openable, canCreate: user.can(.createChild))
        return HTMLResponse.make(ChildIndexView.render(PageContext(req), model), status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: Add

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.createChild)
        let services = try await grantedServices(user, req)
        let values = FormValues([
            "care_status": CareStatus.none.rawValue, "service_id": services.count == 1 ? services[0].id!.uuidString : ""
        ])
        return HTMLResponse.make(
            ChildFormView.render(
                PageContext(req), .init(mode: .create, values: values, errors: [], services: services.map { ServiceOption($0) })))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.createChild)
        let services = try await grantedServices(user, req)
        let values = try formValues(req)
        var parsed = ChildForm.parse(values, today: req.today)
        var serviceID: UUID?
        if services.count == 1 {
            serviceID = services[0].id
        } else if let s = values.trimmed("service_id").flatMap(UUID.init(uuidString:)), services.contains(where: { $0.id == s }) {
            serviceID = s
        }
        if serviceID == nil {
            var errs: FormErrors
            switch parsed {
            case .failure(let e): errs = e;
            case .success: errs = FormErrors()
            }
            errs.add("service_id", "Select the service this child is known to")
            parsed = .failure(errs)
        }
        let options = services.map { ServiceOption($0) }
        switch parsed {
        case .failure(let errors):
            return HTMLResponse.make(
                ChildFormView.render(PageContext(req), .init(mode: .create, values: values, errors: errors.errors, services: options)),
                status: .unprocessableEntity)
        case .success(let details):
            let dups = try await ChildStore.possibleDuplicates(of: details, in: user.serviceIDs, on: req.db)
            if !dups.isEmpty && values["confirm_not_duplicate"] != "yes" {
                return HTMLResponse.make(
                    ChildFormView.render(
                        PageContext(req),
                        .init(
                            mode: .create, values: values, errors: [], services: options,
                            duplicates: dups.map { d in
                                (
                                    d.id,
                                    "\(d.given_name) \(d.family_name), born \(LocalDate(iso: d.date_of_birth)?.longFormat ?? d.date_of_birth)"
                                )
                            }, today: req.today)),
                    status: .ok)
            }
            // (`serviceID` is set here: without it `parsed` was made a failure above.)
            guard let serviceID else { throw Abort(.unprocessableEntity) }
            let id = try await CaseWork(req).addChild(details, serviceID: serviceID)
            return req.redirect(to: Paths.child(id) + "?saved=created")
        }
    }

    // MARK: View

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        let child = try await loadChild(req, user)
        // The look is written to the audit log while the page is read (the writer gathers many
        // readers' entries into one write, so it waits a moment): nothing is sent until both are done.
        async let audited: Void = Audit.record(req, action: "view_child", serviceID: child.serviceID, childID: child.id)
        let page = try await ChildShowQuery.load(req, user, child)
        try await audited
        if page.firstLookByCaseManager {
            try await InterventionStore.markSeen(childID: child.id, by: user.id, on: req.db, now: req.now)
        }
        return HTMLResponse.make(ChildShowView.render(PageContext(req, notice: Self.notice(req.query[String.self, at: "saved"])), page))
    }

    static func notice(_ saved: String?) -> String? {
        switch saved {
        case "created": "Child added to the register"
        case "updated": "Changes saved"
        case "offence": "Offence recorded"
        case "hearing": "Court hearing recorded"
        case "consultation": "Case consultation recorded"
        default: nil
        }
    }

    // MARK: Edit

    @Sendable func edit(req: Request) async throws -> Response {
        let user = try req.authorize(.editChild)
        let child = try await loadChild(req, user, .write)
        var values = ChildForm.values(of: child.details)
        values.values["version"] = String(child.version)
        try await Audit.record(req, action: "view_child_edit_form", serviceID: child.serviceID, childID: child.id)
        return HTMLResponse.make(
            ChildFormView.render(
                PageContext(req), .init(mode: .edit(child.id, child.details.fullName), values: values, errors: [], services: [])))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.authorize(.editChild)
        let child = try await loadChild(req, user)
        let values = try formValues(req)
        let mode = ChildFormModel.Mode.edit(child.id, child.details.fullName)
        guard let expected = RequestNumbers.version(values["version"]) else {
            throw WaypointError.badRequest("The form is missing its version. Open the record again and make your change.")
        }
        switch ChildForm.parse(values, today: req.today) {
        case .failure(let errors):
            return HTMLResponse.make(
                ChildFormView.render(PageContext(req), .init(mode: mode, values: values, errors: errors.errors, services: [])),
                status: .unprocessableEntity)
        case .success(let details):
            let saved = try await CaseWork(req).editChild(child.id, version: expected, to: details)
            guard saved else {
                let stale = FieldError.staleEdit("given_name")
                return HTMLResponse.make(
                    ChildFormView.render(PageContext(req), .init(mode: mode, values: values, errors: [stale], services: [], stale: true)),
                    status: .conflict)
            }
            return req.redirect(to: Paths.child(child.id) + "?saved=updated")
        }
    }

    // MARK: Audit trail

    @Sendable func audit(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChildAudit)
        let child = try await loadChild(req, user)
        let page = try req.pageNumber()
        let events = try await AuditQuery.forChild(child.id, page: page, on: req.db)
        return HTMLResponse.make(
            ChildAuditView.render(PageContext(req), ChildAudit(child, events: events.rows, total: events.total, page: page)))
    }

    // MARK: Helpers

    private func loadChild(_ req: Request, _ user: CurrentUser, _ intent: CaseWork.Intent? = nil) async throws -> ChildRecord {
        guard let id = req.parameters.get("childID").flatMap(UUID.init(uuidString:)),
            let child = try await req.child(id, user, intent)
        else {
            throw WaypointError.notFound(
                "This child's record could not be found. It may be in a service you do not have access to. Search the register to find the child."
            )
        }
        return child
    }

    private func grantedServices(_ user: CurrentUser, _ req: Request) async throws -> [Service] {
        guard !user.serviceIDs.isEmpty else { return [] }
        return try await Service.query(on: req.db).filter(\.$id ~~ user.serviceIDs).sort(\.$name).all()
    }
}
