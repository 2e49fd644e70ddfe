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
        let all = try await BoardMeetingStore.meetings(in: user.serviceIDs, on: req.db)
        let (slice, pages) = WorklistViews.paged(all, page: try req.pageNumber())
        func count(_ m: BoardMeetingStore.Meeting, _ test: (AgencyAttendance) -> Bool) -> String {
            "\(BoardAgency.allCases.filter { m.attendance[$0].map(test) == true }.count) of \(BoardAgency.allCases.count)"
        }
        let notice = req.query[String.self, at: "saved"] == "created" ? "Board meeting recorded" : nil
        var content: [H] = [
            C.h1("Management board meetings", caption: "KPI 7"),
            C.p(
                "Each meeting of the management board, with which partner agencies attended, whether at a senior level, and whether they contributed their agency's data. The KPI report counts them for its period."
            )
        ]
        if user.can(.recordBoardMeeting) { content.append(C.buttonLink("Record a board meeting", Paths.newBoardMeeting)) }
        content.append(
            all.isEmpty
                ? C.p("No board meetings are recorded yet.")
                : C.table(
                    caption: nil, headers: ["Date", "Service", "Agencies attending", "At a senior level", "Contributed data", "Notes"],
                    rows: slice.map { m in
                        [
                            txt(m.heldOn.longFormat), txt(m.serviceName), txt(count(m, \.attended)), txt(count(m, \.senior)),
                            txt(count(m, \.contributedData)), C.value(m.notes)
                        ]
                    }))
        content.append(C.pagination(page: try req.pageNumber(), totalPages: pages) { "\(Paths.boardMeetings)?page=\($0)" })
        return HTMLResponse.make(Layout.page(title: "Management board meetings", PageContext(req, notice: notice), wide: true, content))
    }

    static let yesNo: [(code: String, label: String)] = [("yes", "Yes"), ("no", "No")]

    static func form(_ req: Request, _ user: CurrentUser, values v: FormValues, errors: [FieldError]) async throws -> String {
        let e = FormErrors(errors)
        struct S: Decodable { let id: UUID; let name: String }
        let services =
            user.serviceIDs.isEmpty
            ? []
            : try await req.db.sql.select().columns("id", "name").from("services")
                .where("id", .in, SQLBind.group(user.serviceIDs)).orderBy("name").all(decoding: S.self)
        var content: [H] = [C.errorSummary(errors), C.h1("Record a board meeting", caption: "KPI 7")]
        var fields: [H] = [Layout.csrfField(req.csrfToken)]
        if services.count > 1 {
            fields.append(
                C.select(
                    "service", label: "Service", options: services.map { ($0.id.uuidString.lowercased(), $0.name) }, selected: v["service"],
                    error: e.message(for: "service")))
        }
        fields.append(
            C.dateInput(
                "held_on", legend: "Date of the meeting", values: v, error: e.message(for: "held_on-day"), hint: "For example, 14 3 2024"))
        for a in BoardAgency.allCases {
            let code = a.rawValue
            fields.append(
                el(
                    .fieldset, [.class: "fieldset"],
                    [
                        el(.legend, [.class: "fieldset__legend fieldset__legend--m"], a.label),
                        C.radios(
                            "attended-\(code)", legend: "Did \(a.label.lowercased()) attend?", options: yesNo,
                            selected: v["attended-\(code)"], error: e.message(for: "attended-\(code)"), inline: true),
                        C.radios(
                            "senior-\(code)", legend: "Was it represented at a senior level?", options: yesNo,
                            selected: v["senior-\(code)"], error: e.message(for: "senior-\(code)"),
                            hint: "Answer when the agency attended", inline: true),
                        C.radios(
                            "data-\(code)", legend: "Did \(a.label.lowercased()) contribute its data for the meeting?", options: yesNo,
                            selected: v["data-\(code)"],
                            error: e.message(for: "data-\(code)"), inline: true)
                    ]))
        }
        fields.append(C.textarea("notes", label: "Notes (optional)", value: v["notes"], error: e.message(for: "notes")))
        fields.append(C.button("Save the meeting"))
        content.append(el(.form, [.method: "post", .action: Paths.boardMeetings, .novalidate: ""], fields))
        content.append(el(.p, [.class: "body"], [C.link("Back to the board meetings", Paths.boardMeetings)]))
        return Layout.page(title: "Record a board meeting", PageContext(req), hasErrors: !errors.isEmpty, content)
    }

    @Sendable func new(req: Request) async throws -> Response {
        let user = try req.authorize(.recordBoardMeeting)
        return HTMLResponse.make(try await Self.form(req, user, values: FormValues(), errors: []))
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
            return HTMLResponse.make(try await Self.form(req, user, values: v, errors: e.errors), status: .unprocessableEntity)
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
