import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Every kind of practice record (plans, contacts, compliance, panels, victims, reparation,
/// health, KPI data, feedback, case audits, custody) through one set of routes, driven by the
/// kind's `RecordSpec`: parse → authorise → validate → save in one transaction → audit.
struct PracticeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.newInterventionRecord, use: newRecord)
        routes.post(Paths.interventionRecords, use: create)
        routes.get(Paths.interventionRecordsCSV, use: csv)
        routes.get(Paths.newChildRecord, use: newRecord)
        routes.post(Paths.childRecords, use: create)
        routes.get(Paths.childRecordsCSV, use: csv)
        routes.get(Paths.record, use: show)
        routes.get(Paths.portfolio, use: portfolio)
        routes.get(Paths.editRecord, use: edit)
        routes.post(Paths.record, use: update)
    }

    /// Where a record belongs: the child, and the intervention for intervention-level kinds.
    struct Parent {
        let spec: RecordSpec
        let child: ChildRecord
        let intervention: InterventionRow?
        var serviceID: UUID { child.serviceID }
    }

    static func kind(_ req: Request) throws -> RecordSpec {
        guard let k = req.parameters.get("kind").flatMap(RecordKind.init(rawValue:)) else {
            throw WaypointError.notFound("Page not found. Check the address, or go back to the home page.")
        }
        return k.spec
    }

    /// Where the records in the path belong, through the gate (a form to record is a change).
    private func parent(_ req: Request, _ user: CurrentUser, _ intent: CaseWork.Intent = .write) async throws -> Parent {
        let spec = try Self.kind(req)
        let intervention = req.parameters.get("interventionID") != nil ? try req.uuidParameter("interventionID") : nil
        let child = intervention == nil ? try req.uuidParameter("childID") : nil
        let work = try CaseWork(req)
        let p = try await work.parent(spec, childID: child, interventionID: intervention, intent)
        req.noteWhy(p.child.id, try await work.reach(p.child.id, intent).why)
        return p
    }

    private func load(_ req: Request, _ user: CurrentUser, _ intent: CaseWork.Intent? = nil) async throws -> (Parent, PracticeRecord) {
        let spec = try Self.kind(req)
        let restricted = Self.seesRestricted(user, spec)
        guard
            let r = try await RecordStore.find(
                spec, try req.uuidParameter("recordID"), in: user.serviceIDs, restricted: restricted, on: req.db),
            let child = try await req.child(r.childID, user, intent)
        else {
            throw WaypointError.notFound("This record could not be found. It may be in a service you do not have access to.")
        }
        let i = try await r.interventionID.asyncMap { try await InterventionStore.find($0, in: user.serviceIDs, on: req.db) } ?? nil
        return (Parent(spec: spec, child: child, intervention: i), r)
    }

    static func seesRestricted(_ user: CurrentUser, _ spec: RecordSpec) -> Bool {
        !spec.hasRestrictedFields || user.can(.viewVictimIdentity)
    }

    /// Run-time option lists: the child's offences, the service's workers and volunteers.
    static func lookups(_ p: Parent, on db: Database) async throws -> [String: [(code: String, label: String)]] {
        var out: [String: [(code: String, label: String)]] = [:]
        if p.spec.fields.contains(where: { if case .lookup("offences") = $0.kind { true } else { false } }) {
            out["offences"] = try await LegalStore.offences(p.child.id, on: db).map {
                ($0.id.uuidString.lowercased(), "\(Show.label(OffenceCategory.self, $0.category)) on \(Show.date($0.offence_date))")
            }
        }
        if p.spec.fields.contains(where: { if case .lookup("workers") = $0.kind { true } else { false } }) {
            out["workers"] = try await Workers.inService(p.serviceID, on: db).map { ($0.id.uuidString.lowercased(), $0.name) }
        }
        if p.spec.kind == .panel {
            out["volunteers"] = try await Workers.inService(p.serviceID, roles: [.volunteer], on: db).map {
                ($0.id.uuidString.lowercased(), $0.name)
            }
        }
        return out
    }

    private func action(_ p: Parent) -> String {
        p.intervention.map { Paths.interventionRecords($0.id, p.spec.kind) } ?? Paths.childRecords(p.child.id, p.spec.kind)
    }

    private func back(_ p: Parent) -> String {
        p.intervention.map { Paths.intervention($0.id) + "#" + Paths.anchor(p.spec.section) } ?? Paths.child(p.child.id) + "#"
            + Paths.anchor(p.spec.section)
    }

    private func form(
        _ req: Request, _ p: Parent, record: PracticeRecord?, values: FormValues, errors: [FieldError], status: HTTPStatus = .ok
    ) async throws -> Response {
        let lookups = try await Self.lookups(p, on: req.db)
        let page = PracticeViews.form(
            PageContext(req),
            PracticeEdit(
                on: PracticeOn(p), editing: record != nil, action: record.map { Paths.record(p.spec.kind, $0.id) } ?? action(p),
                back: back(p), lookups: lookups, seesRestricted: Self.seesRestricted(try req.user(), p.spec),
                form: FormState(values: values, errors: errors)))
        return HTMLResponse.make(page, status: status)
    }

    @Sendable func newRecord(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        // The role first: a role that cannot record these is refused before any child is reached.
        let spec = try Self.kind(req)
        guard user.can(spec.recordAction) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(spec.plural.lowercased()).")
        }
        let p = try await parent(req, user)
        guard user.can(p.spec.recordAction, serviceID: p.serviceID) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(p.spec.plural.lowercased()).")
        }
        if case .perIntervention = p.spec.single, let i = p.intervention,
            let existing = try await RecordStore.list(p.spec, intervention: i.id, restricted: false, on: req.db).first
        {
            return req.redirect(to: Paths.editRecord(p.spec.kind, existing.id))
        }
        // Sensible defaults: the first date is today; anything in the query string prefills.
        var v: [String: String] = [:]
        if let firstDate = p.spec.fields.first(where: { if case .date = $0.kind { true } else { false } }) {
            v.merge(todayValues(firstDate.name, req.today)) { $1 }
        }
        for f in p.spec.fields where !f.system { if let q = req.query[String.self, at: f.name] { v[f.name] = q } }
        return try await form(req, p, record: nil, values: FormValues(v), errors: [])
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        // The role first: a role that cannot record these is refused before any child is reached.
        let spec = try Self.kind(req)
        guard user.can(spec.recordAction) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(spec.plural.lowercased()).")
        }
        let p = try await parent(req, user)
        guard user.can(p.spec.recordAction, serviceID: p.serviceID) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(p.spec.plural.lowercased()).")
        }
        let values = try formValues(req)
        let lookups = try await Self.lookups(p, on: req.db)
        var result = RecordForm.parse(p.spec, values, today: req.today, lookups: lookups)
        var members: [UUID] = []
        if case .success(let parsed) = result {
            var e = FormErrors()
            try await checkSingle(p, parsed, excluding: nil, on: req.db, errors: &e)
            members = Self.members(p, values, lookups: lookups, errors: &e)
            if !e.isEmpty { result = .failure(e) }
        }
        let chosenMembers = members
        switch result {
        case .failure(let e):
            return try await form(req, p, record: nil, values: values, errors: e.errors, status: .unprocessableEntity)
        case .success(let parsed):
            let (id, notice) = try await CaseWork(req).recordPractice(parsed, in: p, panelMembers: chosenMembers)
            return req.redirect(to: Paths.record(p.spec.kind, id) + "?saved=created" + (notice.map { "&compliance=\($0)" } ?? ""))
        }
    }

    /// Victim workers see victims' records only; the case work around them is not theirs to read.
    static func mayView(_ user: CurrentUser, _ spec: RecordSpec) -> Bool { spec.kind == .victim || user.can(.viewCaseWork) }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        guard Self.mayView(user, try Self.kind(req)) else {
            throw WaypointError.forbidden("Your role (\(user.role.label)) does not give access to this page.")
        }
        let (p, r) = try await load(req, user)
        try await Audit.record(
            req, action: "view_\(p.spec.kind.rawValue)", serviceID: p.serviceID, childID: p.child.id,
            details: "\(p.spec.kind.rawValue) \(r.id.uuidString)")
        let lookups = try await Self.lookups(p, on: req.db)
        var members: [String] = []
        if p.spec.kind == .panel {
            let ids = try await RecordStore.panelMembers([r.id], on: req.db)[r.id] ?? []
            members = try await Workers.names(ids, on: req.db).values.sorted()
        }
        var notice: String? =
            req.query[String.self, at: "saved"] == "created"
            ? "\(p.spec.title) saved" : (req.query[String.self, at: "saved"] == "updated" ? "Changes saved" : nil)
        if let c = req.query[String.self, at: "compliance"] { notice = (notice.map { $0 + ". " } ?? "") + ComplianceHook.message(c) }
        let names = try await Workers.names([r.createdBy].compactMap { $0 }, on: req.db)
        return HTMLResponse.make(
            PracticeViews.show(
                PageContext(req, notice: notice),
                PracticeShow(
                    on: PracticeOn(p), record: r, lookups: lookups, members: members,
                    seesRestricted: Self.seesRestricted(user, p.spec), canEdit: user.can(p.spec.recordAction, serviceID: p.serviceID),
                    back: back(p), createdBy: r.createdBy.flatMap { names[$0] })))
    }

    /// The child's portfolio of achievements, laid out to print and give to the child.
    @Sendable func portfolio(req: Request) async throws -> Response {
        let user = try req.authorize(.viewCaseWork)
        guard let child = try await req.child(try req.uuidParameter("childID"), user, .read) else {
            throw WaypointError.notFound("This child could not be found. They may be in a service you do not have access to.")
        }
        let spec = RecordKind.achievement.spec
        let list = try await RecordStore.list(spec, child: child.id, restricted: false, on: req.db).sorted {
            ($0["achieved_on"]?.formText ?? "") < ($1["achieved_on"]?.formText ?? "")
        }
        try await Audit.record(
            req, action: "view_portfolio", serviceID: child.serviceID, childID: child.id,
            details: Audit.withWhy("\(list.count) achievements", req.why(child.id)))
        return HTMLResponse.make(PracticeViews.portfolio(PageContext(req), .init(child, list, today: req.today)))
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        guard user.can(try Self.kind(req).recordAction) else {
            throw WaypointError.forbidden("Your role (\(user.role.label)) does not give access to this page.")
        }
        let (p, r) = try await load(req, user, .write)
        guard user.can(p.spec.recordAction, serviceID: p.serviceID) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(p.spec.plural.lowercased()).")
        }
        var v = RecordForm.values(p.spec, r.values)
        v.values["version"] = String(r.version)
        if p.spec.kind == .panel {
            v.lists["members"] = (try await RecordStore.panelMembers([r.id], on: req.db)[r.id] ?? []).map { $0.uuidString.lowercased() }
        }
        return try await form(req, p, record: r, values: v, errors: [])
    }

    @Sendable func update(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        guard user.can(try Self.kind(req).recordAction) else {
            throw WaypointError.forbidden("Your role (\(user.role.label)) does not give access to this page.")
        }
        let (p, r) = try await load(req, user, .write)
        guard user.can(p.spec.recordAction, serviceID: p.serviceID) else {
            throw WaypointError.forbidden(
                "Your role (\(user.role.label)) does not give access to this page: it cannot record \(p.spec.plural.lowercased()).")
        }
        let values = try formValues(req)
        guard let version = RequestNumbers.version(values["version"]) else {
            throw WaypointError.badRequest("The form is missing its version. Open the record again.")
        }
        let lookups = try await Self.lookups(p, on: req.db)
        var result = RecordForm.parse(p.spec, values, today: req.today, lookups: lookups)
        var members: [UUID] = []
        if case .success(let parsed) = result {
            var e = FormErrors()
            try await checkSingle(p, parsed, excluding: r.id, on: req.db, errors: &e)
            members = Self.members(p, values, lookups: lookups, errors: &e)
            if !e.isEmpty { result = .failure(e) }
        }
        let chosenMembers = members
        switch result {
        case .failure(let e):
            return try await form(req, p, record: r, values: values, errors: e.errors, status: .unprocessableEntity)
        case .success(let parsed):
            let formFields = p.spec.fields.filter { !$0.system }
            let system = p.spec.kind == .contact ? ComplianceHook.rescheduling(old: r, new: parsed) : [:]
            let outcome = try await CaseWork(req).updatePractice(
                r, in: p, version: version, to: parsed, formFields: formFields, system: system, panelMembers: chosenMembers)
            guard outcome.0 else {
                return try await form(
                    req, p, record: r, values: values,
                    errors: [
                        FieldError.staleEdit(p.spec.fields.first { !$0.system }!.inputID)
                    ],
                    status: .conflict)
            }
            return req.redirect(to: Paths.record(p.spec.kind, r.id) + "?saved=updated" + (outcome.1.map { "&compliance=\($0)" } ?? ""))
        }
    }

    /// The records of one intervention (or child) as CSV; restricted fields only for those who may see them.
    @Sendable func csv(req: Request) async throws -> Response {
        let user = try req.authorize(.viewChild)
        guard Self.mayView(user, try Self.kind(req)) else {
            throw WaypointError.forbidden("Your role (\(user.role.label)) does not give access to this page.")
        }
        let p = try await parent(req, user, .read)
        let restricted = Self.seesRestricted(user, p.spec)
        let records = try await RecordStore.list(
            p.spec, intervention: p.intervention?.id, child: p.intervention == nil ? p.child.id : nil, restricted: restricted, on: req.db)
        try await Audit.record(
            req, action: "export_\(p.spec.kind.rawValue)", serviceID: p.serviceID, childID: p.child.id, details: "\(records.count) rows")
        let lookups = try await Self.lookups(p, on: req.db)
        let fields = RecordStore.visibleFields(p.spec, restricted: restricted).filter { !$0.system }
        let rows = records.map { r in [p.child.details.fullName] + fields.map { f in RecordForm.csvValue(f, r[f.name], lookups: lookups) } }
        return Download.csv(CSV.write(header: ["child"] + fields.map(\.name), rows: rows), name: "\(p.spec.table).csv")
    }

    /// One record per intervention, or one per value of a field (KPI data: one start, one end).
    private func checkSingle(_ p: Parent, _ v: RecordValues, excluding: UUID?, on db: Database, errors e: inout FormErrors) async throws {
        guard let i = p.intervention, case .perValue(let name) = p.spec.single, let value = v[name] else { return }
        let existing = try await RecordStore.list(p.spec, intervention: i.id, restricted: false, on: db)
        if existing.contains(where: { $0.id != excluding && $0[name] == value }), let f = p.spec.field(name) {
            e.add(f.inputID, "\(f.label(for: value.formText)) has already been recorded for this intervention: change that record instead")
        }
    }

    static func members(_ p: Parent, _ v: FormValues, lookups: [String: [(code: String, label: String)]], errors e: inout FormErrors)
        -> [UUID]
    {
        guard p.spec.kind == .panel else { return [] }
        let allowed = Set((lookups["volunteers"] ?? []).map(\.code))
        let chosen = v.list("members")
        if chosen.contains(where: { !allowed.contains($0) }) {
            e.add("members", "Select panel members from the list of the service's volunteers")
        }
        return chosen.compactMap(UUID.init(uuidString:))
    }

    /// The audit details: each field's before and after; restricted fields are named, never shown.
    static func changes(_ spec: RecordSpec, old: RecordValues, new: RecordValues) -> String {
        Audit.encode(
            spec.fields.filter { !$0.system && old[$0.name] != new[$0.name] }.map { f in
                f.restricted
                    ? FieldChange(
                        field: f.name, from: old[f.name] == nil ? nil : "(restricted)", to: new[f.name] == nil ? nil : "(restricted)")
                    : FieldChange(field: f.name, from: old[f.name]?.formText, to: new[f.name]?.formText)
            })
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let s = self else { return nil }
        return try await f(s)
    }
}

extension RecordForm {
    /// A value in a CSV: dates as `YYYY-MM-DD`, codes as their label.
    static func csvValue(_ f: FieldSpec, _ v: StoredValue?, lookups: [String: [(code: String, label: String)]]) -> String {
        guard let v else { return "" }
        if case .date = f.kind { return v.formText }
        return display(f, v, lookups: lookups) ?? ""
    }
}
