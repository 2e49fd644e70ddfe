#if canImport(Glibc)
    import Glibc
#endif
import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import Vapor
@testable import WaypointApp
import WaypointDomain
import ZIPFoundation

/// Issue #14's findings, each reproduced as a user (or an attacker) would: each of these ended,
/// stalled or exhausted the server on the main branch before the fix.
@Suite struct CrashFindingsTests {
    static let huge = "9223372036854775807"

    static func rows(_ app: Application, _ table: String) async throws -> Int {
        struct N: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT count(*) AS n FROM \(unsafeRaw: table)").first(decoding: N.self)?.n ?? -1
    }

    @Test(arguments: TestDatabase.all)
    func aHugePageNumberIsABadRequestOnEveryPaginatedList(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            for role in [Role.practitioner, .manager, .admin, .analyst] {
                try await Fixtures.user(app, role, services: role == .admin ? [] : [s])
            }
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let child = try await Fixtures.addChild(manager)
            let lists: [(String, String)] = [
                ("practitioner", "/children?q=Jordan&page="), ("manager", "/children?q=Jordan&page="),
                ("manager", "/referrals?page="), ("manager", "/children/\(child.uuidString.lowercased())/audit?page="),
                ("manager", "/my-work?page="), ("manager", "/service?page="), ("manager", "/board-meetings?page="),
                ("analyst", "/reports/first-time-entrants/children?breakdown=all&group=all&page="),
                ("admin", "/admin/users?page="), ("admin", "/admin/bank-holidays?page=")
            ]
            for (role, path) in lists {
                let c = TestClient(app)
                try await c.signIn("\(role)@test.waypoint.test")
                for bad in [Self.huge, "-\(Self.huge)", "99999999999999999999999", "0", "-1", "1e9", "abc"] {
                    let page = try await c.get(path + bad)
                    #expect(page.status == .badRequest, "\(role) \(path)\(bad)")
                    #expect(page.body.contains("The page number must be a whole number from 1 to 10000"), "\(role) \(path)\(bad)")
                }
                #expect(try await c.get(path + "1").status == .ok, "\(role) \(path)1")
            }
            #expect(try await manager.get("/health").status == .ok)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aHugeVersionOnAnEditFormChangesNothing(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let child = try await Fixtures.addChild(manager)
            let path = "/children/\(child.uuidString.lowercased())"
            try await manager.get(path + "/edit")
            for bad in [Self.huge, "-1", "99999999999999999999", "x"] {
                let page = try await manager.post(path, Fixtures.childForm(given: "Changed") + [("version", bad)])
                #expect(page.status.code >= 400 && page.status.code < 500, "version=\(bad): \(page.status)")
            }
            let shown = try await manager.get(path)
            #expect(shown.body.contains("Jordan"))
            #expect(!shown.body.contains("Changed"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func reportPeriodsAtTheEndsOfTheCalendarAreRefusedWithAFormError(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .board, services: [s])
            let board = TestClient(app)
            try await board.signIn("board@test.waypoint.test")
            for (from, to) in [("9999", "9999"), ("0001", "0001"), ("1899", "1900"), ("2024", "2100")] {
                let q = "?from-day=1&from-month=1&from-year=\(from)&to-day=31&to-month=12&to-year=\(to)"
                for path in ["/reports/kpis", "/reports/reoffending", "/reports/first-time-entrants/trend", "/reports/plan-dashboard"] {
                    let page = try await board.get(path + q)
                    #expect(page.status == .unprocessableEntity || page.status == .badRequest, "\(path)\(q): \(page.status)")
                    #expect(page.body.contains("must be between 1 January 1900 and"), "\(path)\(q)")
                }
            }
            #expect(try await board.get("/reports/kpis").status == .ok)
        }
    }

    @Test func dateArithmeticIsTotalAtTheEndsOfTheCalendar() {
        #expect(LocalDate.max.adding(months: 1) == .max)
        #expect(LocalDate.min.adding(months: -12) == .min)
        #expect(LocalDate.max.adding(days: 1) == .max)
        #expect(LocalDate.min.adding(days: -1) == .min)
        #expect(LocalDate.max.adding(days: Int.max) == .max)
        #expect(LocalDate.min.adding(days: Int.min) == .min)
        #expect(LocalDate.max.adding(months: Int.max) == .max)
        #expect(LocalDate.min.adding(months: Int.min) == .min)
        #expect(LocalDate(dayNumber: Int.max) == .max)
        #expect(LocalDate(dayNumber: Int.min) == .min)
        #expect(LocalDate.min.dayNumber == -719_162 && LocalDate.max.dayNumber == 2_932_896)
        #expect(LocalDate(year: 2024, month: 1, day: 31)!.adding(months: 1) == LocalDate(year: 2024, month: 2, day: 29)!)
    }

    @Test(arguments: TestDatabase.all)
    func anOversizedAnonymousPostIsRefusedBeforeItIsReadAndNothingIsWritten(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let client = TestClient(app)
            try await client.get("/sign-in")
            // Over a real socket, where a large body arrives as a stream.
            client.transport = .running(hostname: "127.0.0.1", port: TestPorts.free())
            let email = String(repeating: "a", count: 3 * 1_048_576) + "@example.test"
            let page = try await client.post("/sign-in", [("email", email), ("password", "x")])
            #expect(page.status == .payloadTooLarge)
            #expect(page.body.contains("larger than the 1 MB limit"))
            // A long email under the body limit is refused by its own check, and never written.
            client.transport = .inMemory
            let long = try await client.post(
                "/sign-in", [("email", String(repeating: "b", count: 300) + "@example.test"), ("password", "x")])
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.contains("254 characters or fewer"))
            #expect(try await SignInAttempt.query(on: app.db).count() == 0)
        }
    }

    /// A client announcing 300 MB is not read on: the connection closes after at most the few
    /// kilobytes already sent, where Vapor would otherwise read and discard the whole body.
    @Test func aBodyAnnouncedAtHundredsOfMegabytesClosesTheConnection() async throws {
        try await withTestApp(.sqlite) { app in
            let port = TestPorts.free()
            try await app.server.start(address: .hostname("127.0.0.1", port: port))
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let head =
                "POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 314572800\r\n\r\nemail="
            _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            _ = [UInt8](repeating: 0x61, count: 16_384).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // A server reading on would wait for the rest of the body: the read then times out
            // (n == -1, EAGAIN) rather than finding the connection closed.
            var buffer = [UInt8](repeating: 0, count: 4096)
            var n = 1
            while n > 0 { n = recv(fd, &buffer, buffer.count, 0) }
            #expect(n == 0 || errno == ECONNRESET, "the server closed the connection (recv \(n), errno \(errno))")
            #expect(try await Self.rows(app, "sign_in_attempts") == 0)
            await app.server.shutdown()
        }
    }

    /// A .zip whose headers say each file is tiny, but which inflates to far more.
    static func lyingZip(inflatedBytes: Int) throws -> Data {
        let big = Data(count: inflatedBytes)  // zeros compress about a thousand times
        var zip = try BundleIO.zip([("children.csv", big)])
        // Rewrite the declared uncompressed size (local header at 22, central directory at 24).
        func put(_ offset: Int, _ v: UInt32) {
            for i in 0..<4 { zip[offset + i] = UInt8((v >> (8 * UInt32(i))) & 0xFF) }
        }
        put(22, 100)
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        if let r = zip.firstRange(of: Data(signature)) { put(r.lowerBound + 24, 100) }
        return zip
    }

    @Test func aZipThatLiesAboutItsSizeIsRefusedWhileInflating() throws {
        let zip = try Self.lyingZip(inflatedBytes: 64 * 1_048_576)
        #expect(zip.count < 1_048_576)
        var limits = BundleIO.ZipLimits()
        limits.maxFileBytes = 16 * 1_048_576
        limits.maxRatio = 100_000
        #expect { try BundleIO.readZip(zip, limits: limits) } throws: { "\($0)".contains("more than the 16.0 MB limit for one file") }
        #expect { try BundleIO.readZip(zip) } throws: { "\($0)".contains("expands more than 200 times") }
    }

    @Test(arguments: TestDatabase.all)
    func aZipBombUploadedThroughTheWebIsRefusedAndNothingIsWritten(db: TestDatabase) async throws {
        try await withTestApp(db) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            try await manager.get("/data")
            let boundary = "----waypoint-bomb"
            var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(manager.csrf)\r\n".utf8)
            body += Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"b.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                    .utf8)
            body += try Self.lyingZip(inflatedBytes: 64 * 1_048_576) + Data("\r\n--\(boundary)--\r\n".utf8)
            let page = try await manager.raw(.POST, "/data/import", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("expands more than 200 times"))
            #expect(try await Self.rows(app, "children") == 0)
            // An upload past the configured maximum is refused as it streams.
            var small = app.settings
            small.maxUploadBytes = 64 * 1024
            app.settings = small
            var over = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(manager.csrf)\r\n".utf8)
            over += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"b.zip\"\r\n\r\n".utf8)
            over += Data(count: 200 * 1024) + Data("\r\n--\(boundary)--\r\n".utf8)
            let refused = try await manager.raw(.POST, "/data/import", body: over, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(refused.status == .payloadTooLarge)
            #expect(refused.body.contains("larger than the 64 KB limit"))
        }
    }

    @Test func aPageViewAndAWriteGoOnDuringARunningReport() async throws {
        // SQLite only: the file the app uses, with a report's read transaction held open on a
        // connection of its own.
        try await withTestApp(.sqlite) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .manager, services: [s])
            let manager = TestClient(app)
            try await manager.signIn("manager@test.waypoint.test")
            let child = try await Fixtures.addChild(manager)
            // A second connection to the same file, as a long report's would be, inside a read transaction.
            final class Found: @unchecked Sendable { var file = "" }
            let found = Found()
            try await (app.db as! any SQLiteDatabase).query("PRAGMA database_list", []) { row in
                if row.column("name")?.string == "main", let f = row.column("file")?.string { found.file = f }
            }
            #expect(!found.file.isEmpty)
            let reader = try await SQLiteConnection.open(storage: .file(path: found.file))
            _ = try await reader.query("BEGIN", [])
            _ = try await reader.query("SELECT count(*) FROM children", [])
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    let view = try await manager.get("/children/\(child.uuidString.lowercased())")
                    let added = try await Fixtures.addChild(manager, given: "Sam", family: "Jones")
                    _ = added
                    let n = try await Self.rows(app, "children")
                    return view.status == .ok && n == 2
                }
                // A guard against waiting for ever, not a timing: on a busy two-core CI machine a
                // request has taken several seconds.
                group.addTask {
                    try await Task.sleep(nanoseconds: 90_000_000_000)
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                #expect(first, "the page view and the write finished while the report's read was open")
            }
            _ = try await reader.query("COMMIT", [])
            try await reader.close()
        }
    }

    @Test(arguments: TestDatabase.all)
    func parallelSignInAttemptsCannotGetPastTheThrottle(db: TestDatabase) async throws {
        let clock = TestClock(pinnedNow)
        try await withTestApp(db, clock: clock) { app in
            let s = try await Fixtures.service(app)
            try await Fixtures.user(app, .practitioner, services: [s])
            let clients = (0..<20).map { _ in TestClient(app) }
            for c in clients { try await c.get("/sign-in") }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for c in clients {
                    group.addTask {
                        try await c.post("/sign-in", [("email", "practitioner@test.waypoint.test"), ("password", "wrong")]).status
                    }
                }
                var out: [HTTPStatus] = []
                for try await s in group { out.append(s) }
                return out
            }
            var checked = statuses.filter { $0 == .unprocessableEntity }.count
            #expect(checked <= 5, "at most five attempts reach the password check (\(checked) did)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 15)
            // Wrong passwords one at a time until the fifth failure: then the account waits.
            func attempt(_ password: String) async throws -> TestClient.Page {
                let c = TestClient(app)
                try await c.get("/sign-in")
                return try await c.post("/sign-in", [("email", "practitioner@test.waypoint.test"), ("password", password)])
            }
            while checked < 5 {
                #expect(try await attempt("wrong").status == .unprocessableEntity)
                checked += 1
            }
            let waiting = try await attempt(Fixtures.password)
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.body.contains("Too many failed sign-in attempts for this account"))
            // Refused attempts do not lengthen the wait: a minute after the last failure, the owner is in.
            for _ in 0..<10 { #expect(try await attempt("wrong").status == .tooManyRequests) }
            // An administrator can clear the wait at once (audited), for an owner kept out. (Past the
            // in-memory gate's 10 s window, which the flood above has closed for this address.)
            clock.advance(minutes: 0.25)
            #expect(try await attempt(Fixtures.password).status == .tooManyRequests)
            try await Fixtures.user(app, .admin, services: [])
            let admin = TestClient(app)
            #expect(try await admin.signIn("admin@test.waypoint.test").status == .seeOther)
            let owner = try await User.query(on: app.db).filter(\.$email == "practitioner@test.waypoint.test").first()!
            try await admin.get("/admin/users/\(owner.id!.uuidString.lowercased())")
            #expect(
                try await admin.post("/admin/users/\(owner.id!.uuidString.lowercased())/unlock", []).location
                    == "/admin/users?saved=unlocked")
            #expect(try await AuditRows.actions(app).contains("unlock_sign_in"))
            #expect(try await attempt(Fixtures.password).status == .seeOther)
            // And the wait starts again only after five more failures.
            for _ in 0..<5 { #expect(try await attempt("wrong").status == .unprocessableEntity) }
            #expect(try await attempt(Fixtures.password).status == .tooManyRequests)
            clock.advance(minutes: 1.5)
            let after = try await attempt(Fixtures.password)
            #expect(after.status == .seeOther, "\(after.body.prefix(3000))")
        }
    }
}
