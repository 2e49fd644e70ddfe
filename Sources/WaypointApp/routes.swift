import Vapor

/// The table of contents: public routes, then everything that needs a signed-in user.
/// Each controller asks the Policy for its role checks.
func routes(_ app: Application) throws {
    // Public: health, assets, sign-in.
    try app.register(collection: HealthController())
    try app.register(collection: AssetsController())
    try app.register(collection: SignInController())
    try app.register(collection: SignInStepsController())
    try app.register(collection: SSOController())

    // Signed in.
    let signedIn = app.grouped(RequireSignIn())
    try signedIn.register(collection: HomeController())
    try signedIn.register(collection: AccountController())
    try signedIn.register(collection: ChildrenController())
    try signedIn.register(collection: UsersController())
    try signedIn.register(collection: SSORequestsController())
    try signedIn.register(collection: ReferralsController())
    try signedIn.register(collection: InterventionsController())
    try signedIn.register(collection: LegalController())
    try signedIn.register(collection: WorklistController())
    try signedIn.register(collection: ReferenceDataController())
    try signedIn.register(collection: DataController())
    try signedIn.register(collection: ReportsController())
    try signedIn.register(collection: SavedReportsController())
    try signedIn.register(collection: ChildAccessController())
    try signedIn.register(collection: AssessmentsController())
    try signedIn.register(collection: PracticeController())
    try signedIn.register(collection: GroupSessionsController())
    try signedIn.register(collection: PanelsController())
    try signedIn.register(collection: BoardMeetingsController())
    try signedIn.register(collection: DisposalPanelsController())
    try signedIn.register(collection: PopulationController())
}
