import Fluent
import Foundation
import SQLKit
import Vapor
import WaypointDomain

/// Population figures (ONS mid-year estimates of children aged 10–17) per service and year:
/// the admin uploads population.csv in the interchange format; rates and disproportionality use it.
struct PopulationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(path: Paths.adminPopulation, use: page)
        routes.upload(path: Paths.adminPopulation, use: upload)
    }

    /// population.csv for every service, year, age, sex and group is under 2 MB.
    static let maxBytes = 16 * 1_048_576

    /// The page for this request: the figures held, and what the last upload did.
    private func render(_ req: Request, notice: String? = nil, problems: [String] = [], lines: [String] = [], status: HTTPStatus = .ok)
        async throws -> Response
    {
        let model = PopulationPage(totals: try await PopulationQuery.totals(on: req.db), problems: problems, lines: lines)
        return HTMLResponse.make(PopulationView.render(PageContext(req, notice: notice), model), status: status)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.authorize(.manageReferenceData)
        return try await render(req)
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let user = try req.authorize(.manageReferenceData)
        let form = try await StreamedForm.read(req, fileField: "file", maxBytes: Self.maxBytes)
        defer { form.discard() }
        guard let file = form.file, let data = try? Data(contentsOf: file.url) else {
            return try await render(req, problems: ["Choose a population.csv file to upload."], status: .unprocessableEntity)
        }
        // A bundle of population.csv alone (children.csv with its header only: no children change).
        let files = [
            Interchange.population.name: data,
            Interchange.children.name: Data((Interchange.children.columns.joined(separator: ",") + "\n").utf8)
        ]
        switch try await Importer.run(
            files, on: req.db, actor: Agent(user, today: req.today, now: req.now), today: req.today, now: req.now, dryRun: false)
        {
        case .invalid(let problems):
            return try await render(req, problems: problems.map(\.description), status: .unprocessableEntity)
        case .imported(let report):
            try await Audit.record(req, action: "import_population", details: report.lines.joined(separator: "; "))
            return try await render(req, notice: "Population figures imported", lines: report.lines)
        }
    }
}

/// The population figures held (children aged 10–17, per service and year), and what the last
/// upload did: its problems, or the lines of its report.
struct PopulationPage {
    struct Total {
        let service: String
        let year: Int
        let count: Int
    }
    var totals: [Total]
    var problems: [String] = []
    var lines: [String] = []
}

enum PopulationQuery {
    static func totals(on db: Database) async throws -> [PopulationPage.Total] {
        struct R: Decodable { let code: String; let name: String; let year: Int; let count: Int }
        // Summed in Swift: SUM of a bigint is numeric on PostgreSQL.
        let rows = try await db.sql.select().column(SQLColumn("code", table: "services")).column(SQLColumn("name", table: "services"))
            .column(SQLColumn("year", table: "population")).column(SQLColumn("count", table: "population")).from("population")
            .join("services", on: SQLColumn("id", table: "services"), .equal, SQLColumn("service_id", table: "population")).all(
                decoding: R.self)
        var sums: [String: (code: String, name: String, year: Int, count: Int)] = [:]
        for r in rows {
            let k = "\(r.code)|\(r.year)"
            sums[k] = (r.code, r.name, r.year, (sums[k]?.count ?? 0) + r.count)
        }
        return sums.values.sorted { ($0.code, -$0.year) < ($1.code, -$1.year) }.map {
            PopulationPage.Total(service: "\($0.name) (\($0.code))", year: $0.year, count: $0.count)
        }
    }
}

enum PopulationView {
    static func render(_ ctx: PageContext, _ m: PopulationPage) -> String {
        var content: [H] = [
            m.problems.isEmpty
                ? group([])
                : el(
                    .div, [.class: "error-summary", .tabindex: "-1", .role: "alert", .ariaLabelledby: "problems-title"],
                    [
                        el(
                            .h2, [.class: "error-summary__title", .id: "problems-title"],
                            "The file was not imported: nothing has changed"),
                        el(.ul, [.class: "error-summary__list"], m.problems.prefix(200).map { el(.li, [:], $0) })
                    ]),
            C.h1("Population figures", caption: "Reference data"),
            C.p(
                "Rates per 100,000 and per 1,000 and the disproportionality report use the number of children aged 10 to 17 in each service's area, by year, sex and ethnicity group (ONS mid-year estimates). A report that needs a year with no figures says so instead of showing a rate."
            )
        ]
        if !m.lines.isEmpty { content.append(el(.ul, [.class: "list"], m.lines.map { el(.li, [:], $0) })) }
        content.append(el(.h2, [.class: "heading-m"], "Figures held"))
        content.append(
            m.totals.isEmpty
                ? C.p("No population figures yet.")
                : C.table(
                    caption: nil, headers: ["Service", "Year", "Children aged 10–17"],
                    rows: m.totals.map { [txt($0.service), txt(String($0.year)), txt($0.count.formatted())] }, numeric: [1, 2]))
        content += [
            el(.h2, [.class: "heading-m"], "Upload population.csv"),
            C.p(
                "Columns: service_code, year, age, sex, ethnicity_group, count — one row per service, year, age (10 to 17), sex and broad ethnicity group. Rows already held are updated; nothing is written if any row is wrong."
            ),
            el(
                .form, [.method: "post", .action: Paths.adminPopulation, .enctype: "multipart/form-data"],
                [
                    Layout.csrfField(ctx.csrf),
                    el(
                        .div, [.class: "form-group"],
                        [
                            el(.label, [.class: "label", .for: "file"], "population.csv"),
                            voidEl(
                                .input, [.class: "file-upload", .id: "file", .name: "file", .type: "file", .accept: ".csv,text/csv"])
                        ]),
                    C.button("Upload")
                ])
        ]
        return Layout.page(title: "Population figures", ctx, hasErrors: !m.problems.isEmpty, content)
    }
}
