import Fluent
import Vapor

/// Configures the application from `settings`: database, passwords, middleware, migrations, routes.
public func configure(_ app: Application, _ settings: Settings) async throws {
    app.settings = settings
    if let problem = settings.oidcProblem { throw OIDCConfigError("Single sign-on is misconfigured: \(problem)") }
    if let oidc = settings.oidc { app.oidc = OIDCProvider(config: oidc, client: app.client) }
    try DatabaseSetup.configure(app, settings.database)
    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    app.passwordChecks = PasswordChecks(cost: settings.bcryptCost)
    app.signInGate = SignInGate()
    app.referenceCache = ReferenceCache()
    app.nameGramCounts = NameGramCounts()
    app.auditWriter = AuditWriter(db: { [unowned app] in app.db }, spacing: .milliseconds(settings.auditSpacingMilliseconds))
    // Every route collects at most this much; uploads stream instead (`StreamedForm`).
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxFormBytes)

    // Middleware runs top to bottom. Vapor's default error middleware is replaced by ours
    // (no stack traces, problem+json for JSON clients) and its request logger by ours
    // (no query strings: they may hold names).
    app.middleware = Middlewares()
    // First, so that it counts every request until its answer is made (`RequestDrain`).
    let drain = RequestDrain()
    app.middleware.use(RequestDrain.Middleware(drain: drain))
    if settings.logRequests { app.middleware.use(RequestLogMiddleware()) }
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(SessionAuthenticator())
    app.middleware.use(BodyLimitMiddleware())
    app.middleware.use(CSRFMiddleware())

    app.migrations.add(Migrations.all)
    app.lifecycle.use(AuditSealer())
    app.lifecycle.use(RequestDrain.Handler(drain: drain))
    app.lifecycle.use(SQLiteStatistics())

    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(UserCommandGroup(), as: "user")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(SplitCommand(), as: "split")
    app.asyncCommands.use(MergeCommand(), as: "merge")
    app.asyncCommands.use(GenerateBundleCommand(), as: "generate-bundle")
    app.asyncCommands.use(ReportCommand(), as: "report")
    app.asyncCommands.use(BenchReportsCommand(), as: "bench-reports")
    app.asyncCommands.use(AuditCommandGroup(), as: "audit")

    try routes(app)
}

/// Runs every pending migration.
public func migrate(_ app: Application) async throws {
    try await app.autoMigrate()
    try await DatabaseSetup.prepareSQLite(app)
}
