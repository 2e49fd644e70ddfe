import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// KPI 7: management board meetings, each with every partner agency's attendance (and whether at
/// a senior level) and whether it contributed its data. Managers record them; those who read
/// reports see the list. No child's data is here.
struct BoardMeetingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.boardMeetings, use: list)
        routes.get(path: Paths.newBoardMeeting, use: new)
        routes.post(path: Paths.boardMeetings, use: create)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.authorize(.viewReports)
        let model = try await BoardMeetingIndexQuery.load(user, page: try req.pageNumber(), on: req.db)
        let notice = req.query[String.self, at: "saved"] == "created" ? "Board meeting recorded" : nil
        return HTMLResponse.make(BoardMeetingViews.index(PageContext(req, notice: notice), model))
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.recordBoardMeeting)
        let services = try await ServiceOption.granted(user, on: req.db)
        return HTMLResponse.make(
            BoardMeetingViews.form(PageContext(req), InServiceForm(services: services, form: FormState(values: FormValues()))))
    }

    /// The meeting's date and each agency's answers; errors in the order of the page.
    static func parse(_ v: FormValues, services: [UUID], today: LocalDate) -> Result<
        (UUID, LocalDate, [BoardAgency: AgencyAttendance], String?), FormErrors
    > {
        var e = FormErrors()
        var service = services.count == 1 ? services[0] : nil
        if services.count > 1 {
            service = v.trimmed("service").flatMap(UUID.init(uuidString:)).flatMap { s in services.contains(s) ? s : nil }
            if service == nil { e.add("service", "Select the service whose board met") }
        }
        let held = Parse.date(v, "held_on", label: "The date of the meeting", required: true, today: today, notFuture: true, errors: &e)
        var attendance: [BoardAgency: AgencyAttendance] = [:]
        for a in BoardAgency.allCases {
            let code = a.rawValue
            let attended = v.trimmed("attended-\(code)")
            if attended == nil { e.add("attended-\(code)", "Select whether \(a.label.lowercased()) attended") }
            let senior = v.trimmed("senior-\(code)")
            if attended == "yes" && senior == nil {
                e.add("senior-\(code)", "Select whether \(a.label.lowercased()) was represented at a senior level")
            }
            if attended == "no" && senior == "yes" {
                e.add("senior-\(code)", "\(a.label) did not attend, so it cannot have been represented at a senior level")
            }
            let data = v.trimmed("data-\(code)")
            if data == nil { e.add("data-\(code)", "Select whether \(a.label.lowercased()) contributed its data") }
            for (k, value) in [("attended", attended), ("senior", senior), ("data", data)]
            where value != nil && value != "yes" && value != "no" {
                e.add("\(k)-\(code)", "Select yes or no")
            }
            if let attended, let data {
                attendance[a] = AgencyAttendance(attended: attended == "yes", senior: senior == "yes", contributedData: data == "yes")
            }
        }
        let notes = Parse.text(v, "notes", label: "Notes", max: 2000, errors: &e)
        guard e.isEmpty, let service, let held else { return .failure(e) }
        return .success((service, held, attendance, notes))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let user = try req.authorize(.recordBoardMeeting)
        let v = try formValues(req)
        switch Self.parse(v, services: user.serviceIDs, today: req.today) {
        case .failure(let e):
            let services = try await ServiceOption.granted(user, on: req.db)
            return HTMLResponse.make(
                BoardMeetingViews.form(PageContext(req), InServiceForm(services: services, form: FormState(values: v, errors: e.errors))),
                status: .unprocessableEntity)
        case .success(let (service, held, attendance, notes)):
            let id = UUID()
            let now = req.now
            try await req.db.writeTransaction { db in
                try await db.sql.insert(into: "board_meetings").columns(
                    "id", "service_id", "held_on", "notes", "version", "created_by", "created_at", "updated_at"
                )
                .values(
                    SQLBind(id), SQLBind(service), SQLBind(held.iso), SQLBind(notes), SQLBind(1), SQLBind(user.id), SQLBind(now),
                    SQLBind(now)
                ).run()
                for (a, x) in attendance.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    try await db.sql.insert(into: "board_attendance").columns(
                        "meeting_id", "agency", "attended", "senior", "contributed_data"
                    )
                    .values(
                        SQLBind(id), SQLBind(a.rawValue), SQLBind(x.attended ? "yes" : "no"), SQLBind(x.senior ? "yes" : "no"),
                        SQLBind(x.contributedData ? "yes" : "no")
                    ).run()
                }
                try await Audit.record(
                    req, on: db, action: "record_board_meeting", serviceID: service,
                    details: "board meeting \(id.uuidString) on \(held.iso)")
            }
            return req.redirect(to: Paths.boardMeetings + "?saved=created")
        }
    }
}

/// The board meetings of the user's services (a page of them), each agency count as "n of 6".
struct BoardMeetingIndex {
    struct Meeting {
        let held: String
        let service: String
        let attending: String
        let senior: String
        let contributedData: String
        let notes: String?
    }
    var meetings: [Meeting] = []
    var page = 1
    var totalPages = 1
    var canRecord = false
}

enum BoardMeetingIndexQuery {
    static func load(_ user: CurrentUser, page requested: Int, on db: Database) async throws -> BoardMeetingIndex {
        let all = try await BoardMeetingStore.meetings(in: user.serviceIDs, on: db)
        let (slice, pages) = WorklistViews.paged(all, page: requested)
        func count(_ m: BoardMeetingStore.Meeting, _ test: (AgencyAttendance) -> Bool) -> String {
            "\(BoardAgency.allCases.filter { m.attendance[$0].map(test) == true }.count) of \(BoardAgency.allCases.count)"
        }
        var model = BoardMeetingIndex()
        model.meetings = slice.map { m in
            .init(
                held: m.heldOn.longFormat, service: m.serviceName, attending: count(m, \.attended), senior: count(m, \.senior),
                contributedData: count(m, \.contributedData), notes: m.notes)
        }
        model.page = requested
        model.totalPages = pages
        model.canRecord = user.can(.recordBoardMeeting)
        return model
    }
}

enum BoardMeetingViews {
    static let yesNo: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No")]

    static func index(_ ctx: PageContext, _ m: BoardMeetingIndex) -> String {
        var content: [H] = [
            C.h1("Management board meetings", caption: "KPI 7"),
            C.p(
                "Each meeting of the management board, with which partner agencies attended, whether at a senior level, and whether they contributed their agency's data. The KPI report counts them for its period."
            )
        ]
        if m.canRecord { content.append(C.buttonLink("Record a board meeting", Paths.newBoardMeeting)) }
        content.append(
            m.meetings.isEmpty && m.totalPages == 1
                ? C.p("No board meetings are recorded yet.")
                : C.table(
                    caption: nil, headers: ["Date", "Service", "Agencies attending", "At a senior level", "Contributed data", "Notes"],
                    rows: m.meetings.map { x in
                        [txt(x.held), txt(x.service), txt(x.attending), txt(x.senior), txt(x.contributedData), C.value(x.notes)]
                    }))
        content.append(C.pagination(page: m.page, totalPages: m.totalPages) { "\(Paths.boardMeetings)?page=\($0)" })
        return Layout.page(title: "Management board meetings", ctx, wide: true, content)
    }

    static func form(_ ctx: PageContext, _ m: InServiceForm) -> String {
        let (v, err) = (m.form.values, m.form.messages)
        var fields: [H] = C.serviceChoice(m)
        fields.append(
            C.dateInput("held_on", legend: "Date of the meeting", values: v, error: err("held_on-day"), hint: "For example, 14 3 2024"))
        for a in BoardAgency.allCases {
            let code = a.rawValue
            fields.append(
                el(
                    .fieldset, [.class: "fieldset"],
                    [
                        el(.legend, [.class: "fieldset__legend fieldset__legend--m"], a.label),
                        C.radios(
                            "attended-\(code)", legend: "Did \(a.label.lowercased()) attend?", options: yesNo,
                            selected: v["attended-\(code)"], error: err("attended-\(code)"), inline: true),
                        C.radios(
                            "senior-\(code)", legend: "Was it represented at a senior level?", options: yesNo,
                            selected: v["senior-\(code)"], error: err("senior-\(code)"),
                            hint: "Answer when the agency attended", inline: true),
                        C.radios(
                            "data-\(code)", legend: "Did \(a.label.lowercased()) contribute its data for the meeting?", options: yesNo,
                            selected: v["data-\(code)"], error: err("data-\(code)"), inline: true)
                    ]))
        }
        fields.append(C.textarea("notes", label: "Notes (optional)", value: v["notes"], error: err("notes")))
        return FormPage(
            title: "Record a board meeting", caption: "KPI 7", errors: m.form.errors, action: Paths.boardMeetings,
            submit: "Save the meeting",
            cancel: Paths.boardMeetings
        ).render(ctx, fields)
    }
}
