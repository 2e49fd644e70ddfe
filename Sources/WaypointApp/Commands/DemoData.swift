import Fluent
import SQLKit
import Foundation
import WaypointDomain

/// The demo service: deterministic (a seeded generator), realistic spreads of age, sex,
/// ethnicity, care status and SEND/EHCP. Ages are relative to `today` so they stay 8–17.
enum DemoData {
    static let serviceCode = "DEMO"
    static let serviceName = "Demo Youth Justice Service"
    static let emailDomain = "demo.waypoint.test"
    static let childCount = 200
    /// `waypoint demo --children` goes this far (the page-speed bench uses 20,000).
    static let maximumChildren = 100_000
    /// One case worker for about every 40 children, so caseloads stay as a service's are.
    static func workerCount(children: Int) -> Int { max(5, (children + 39) / 40) }

    static func email(for role: Role) -> String { "\(role.rawValue)@\(emailDomain)" }

    enum Outcome: Equatable {
        case loaded(Int)
        case alreadyLoaded
        case refused(String)
    }

    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &g)! })
    }

    static func load(
        on db: Database, password: String, hasher: @Sendable (String) throws -> String, today: LocalDate,
        children childCount: Int = childCount
    ) async throws -> Outcome {
        let services = try await Service.query(on: db).all()
        let users = try await User.query(on: db).all()
        let otherServices = services.filter { $0.code != serviceCode }
        let otherUsers = users.filter { !$0.email.hasSuffix("@\(emailDomain)") }
        if !otherServices.isEmpty || !otherUsers.isEmpty {
            return .refused(
                "this database already holds real records (\(otherServices.count) other services, \(otherUsers.count) other users). Use an empty database, e.g. WAYPOINT_DATA_DIR=./demo-data."
            )
        }
        let hash = try hasher(password)
        if let demo = services.first {
            try await User.query(on: db).filter(\.$email ~~ Role.allCases.map(email(for:))).set(\.$passwordHash, to: hash).update()
            _ = demo
            return .alreadyLoaded
        }
        let now = Date()
        let count = try await db.writeTransaction { db -> Int in
            var rng = SeededGenerator(seed: 20_231_001)
            let service = Service(code: serviceCode, name: serviceName)
            try await service.create(on: db)
            let names: [Role: String] = [
                .practitioner: "Priya Shah", .manager: "Martin Okafor", .victimWorker: "Vicky Lane", .volunteer: "Val Hughes",
                .analyst: "Ana Kowalski", .board: "Bernard Ellis", .admin: "Adam Reid"
            ]
            for role in Role.allCases {
                let u = User(email: email(for: role), name: names[role]!, passwordHash: hash, role: role)
                try await u.create(on: db)
                if role != .admin { try await UserService(userID: u.id!, serviceID: service.id!).create(on: db) }
            }
            // The demo's records are written through the use cases, as the demo manager.
            let manager = try await User.query(on: db).filter(\.$email == email(for: .manager)).first()!
            let work = CaseWork(
                Agent(userID: manager.id, email: manager.email, role: .manager, serviceIDs: [service.id!], today: today, now: now), on: db)
            var childIDs: [UUID] = []
            for i in 0..<childCount {
                let child = makeChild(i, &rng, today: today)
                childIDs.append(
                    try await work.addChild(
                        child, serviceID: service.id!, externalID: String(format: childCount > 9_999 ? "DEMO%06d" : "DEMO%04d", i + 1)))
            }
            try await loadJourney(on: db, serviceID: service.id!, children: childIDs, hash: hash, today: today, now: now)
            try await DemoPractice.load(on: db, serviceID: service.id!, today: today, now: now)
            try await DemoCare.load(on: db, serviceID: service.id!, today: today, now: now)
            try await DemoPanels.load(on: db, serviceID: service.id!, today: today, now: now)
            // So every role can be tried without an authenticator app; Admin › Users › Sign-in
            // security turns the shipped requirement back on.
            try await Identity.setRequired([], on: db)
            try await Audit.record(
                on: db, at: now, userID: nil, userEmail: "command line", action: "demo_loaded",
                details: "\(childCount) children; second factor not required for the demo")
            return childCount
        }
        try await DatabaseSetup.refreshStatistics(db)
        return .loaded(count)
    }

    /// Teams, more case workers, and each child's journey: pending and screened-out referrals,
    /// prevention, diversion and out-of-court work, court orders, and offences with outcomes.
    static func loadJourney(on db: Database, serviceID: UUID, children: [UUID], hash: String, today: LocalDate, now: Date) async throws {
        var rng = SeededGenerator(seed: 77_001)
        let north = UUID(), south = UUID()
        for (id, name) in [(north, "North and East team"), (south, "South and West team")] {
            try await db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                SQLBind(id), SQLBind(serviceID), SQLBind(name)
            ).run()
        }
        var workers: [UUID] = []
        let practitioner = try await User.query(on: db).filter(\.$email == email(for: .practitioner)).first()!
        try await Workers.setTeam(practitioner.id!, north, from: LocalDate(year: 1900, month: 1, day: 1)!, on: db, now: Date())
        workers.append(practitioner.id!)
        for (i, name) in ["Amir Hussain", "Beth Morgan", "Dan Fletcher", "Grace Adeyemi"].enumerated() {
            let u = User(
                email: name.lowercased().replacingOccurrences(of: " ", with: ".") + "@\(emailDomain)", name: name, passwordHash: hash,
                role: .practitioner)
            try await u.create(on: db)
            try await UserService(userID: u.id!, serviceID: serviceID).create(on: db)
            try await Workers.setTeam(u.id!, i < 2 ? north : south, from: LocalDate(year: 1900, month: 1, day: 1)!, on: db, now: Date())
            workers.append(u.id!)
        }
        // A larger demo (`--children`) gets more case workers, so no caseload passes its cap, in
        // teams of eight, as a service's are.
        var extra = 0
        var team = north
        while workers.count < workerCount(children: children.count) {
            if extra % 8 == 0 {
                team = UUID()
                try await db.sql.insert(into: "teams").columns("id", "service_id", "name").values(
                    SQLBind(team), SQLBind(serviceID), SQLBind("Team \(extra / 8 + 1)")
                ).run()
            }
            extra += 1
            let u = User(
                email: "case.worker.\(extra)@\(emailDomain)", name: "Case Worker \(extra)", passwordHash: hash, role: .practitioner)
            try await u.create(on: db)
            try await UserService(userID: u.id!, serviceID: serviceID).create(on: db)
            try await Workers.setTeam(u.id!, team, from: LocalDate(year: 1900, month: 1, day: 1)!, on: db, now: Date())
            workers.append(u.id!)
        }
        let managerUser = try await User.query(on: db).filter(\.$email == email(for: .manager)).first()!
        let manager = managerUser.id!
        let work = CaseWork(
            Agent(userID: manager, email: managerUser.email, role: .manager, serviceIDs: [serviceID], today: today, now: now), on: db)
        // Population aged 10–17 (in the shape of ONS mid-year estimates) for the last five years.
        let shares: [(EthnicityGroup, Double)] = [(.white, 0.78), (.mixed, 0.06), (.asian, 0.09), (.black, 0.04), (.other, 0.03)]
        var population: [[any SQLExpression]] = []
        for year in (today.year - 4)...today.year {
            for age in 10...17 {
                for (sex, base) in [(Sex.female, 1_870.0), (Sex.male, 1_960.0)] {
                    for (group, share) in shares {
                        population.append([
                            SQLBind(UUID()), SQLBind(serviceID), SQLBind(year), SQLBind(age), SQLBind(sex.rawValue),
                            SQLBind(group.rawValue),
                            SQLBind(Int((base * share * (1 + Double(year - today.year) * 0.01)).rounded()))
                        ])
                    }
                }
            }
        }
        try await Importer.insertAll(
            "population", columns: ["id", "service_id", "year", "age", "sex", "ethnicity_group", "count"], rows: population, on: db)
        let calendar = try await ServiceRules.calendar(on: db)
        func workingDaysAgo(_ n: Int) -> LocalDate {
            var d = today
            var left = n
            while left > 0 { d = d.adding(days: -1); if calendar.isWorkingDay(d) { left -= 1 } }
            return d
        }
        for (index, child) in children.enumerated() {
            let roll = Int(rng.next() % 100)
            let source = pick(ReferralSource.allCases, &rng)
            let reason = pick(
                [
                    "Arrested with older peers; concerns about exploitation", "Repeated missing episodes and anti-social behaviour",
                    "School report escalating behaviour and fights", "Community resolution for criminal damage; parents asking for help",
                    "Possession of cannabis; worries about who supplies it"
                ], &rng)
            switch roll {
            case 0..<12:
                // Waiting for screening.
                let received = workingDaysAgo(Int(rng.next() % 8))
                _ = try await work.recordReferral(
                    ReferralInput(
                        receivedOn: received, source: source, referrerName: nil, referrerOrganisation: nil,
                        reasons: reason, consent: .given, policeReference: nil), for: child)
            case 12..<22:
                // Screened out to another service.
                let received = today.adding(days: -Int(20 + rng.next() % 200))
                let id = try await work.recordReferral(
                    ReferralInput(
                        receivedOn: received, source: source, referrerName: nil, referrerOrganisation: nil,
                        reasons: reason, consent: .given, policeReference: nil), for: child)
                _ = try await work.screen(
                    id,
                    ScreeningInput(
                        decision: .screenedOut, decidedOn: calendar.adding(workingDays: 3, to: received),
                        reasons: "Needs are best met by family support", interventionType: nil,
                        destination: pick(ScreenOutDestination.allCases.filter { $0 != .otherService }, &rng),
                        destinationService: nil))
            case 22..<72:
                // Accepted to voluntary, diversion or out-of-court work.
                let type = pick(
                    [
                        InterventionType.prevention, .prevention, .turnaround, .diversion, .outcome22, .youthCaution,
                        .youthConditionalCaution
                    ], &rng)
                let received = today.adding(days: -Int(rng.next() % 170))
                let id = try await work.recordReferral(
                    ReferralInput(
                        receivedOn: received, source: type.kind == .voluntary ? source : .police,
                        referrerName: nil, referrerOrganisation: nil, reasons: reason, consent: .given, policeReference: nil), for: child)
                let decided = min(today, calendar.adding(workingDays: Int(rng.next() % 4), to: received))
                if type.kind == .outOfCourt {
                    let outcome = [
                        InterventionType.diversion: "community_resolution", .outcome22: "outcome_22", .youthCaution: "youth_caution",
                        .youthConditionalCaution: "youth_conditional_caution"
                    ][type]!
                    _ = try await work.recordOffence(
                        OffenceInput(
                            offenceDate: received.adding(days: -Int(10 + rng.next() % 30)),
                            category: pick([.criminalDamage, .theftAndHandling, .violenceAgainstThePerson, .drugs, .publicOrder], &rng),
                            description: nil, gravity: 2 + Int(rng.next() % 2), outcome: outcome, outcomeDate: received), for: child)
                }
                let interventionID = try await work.screen(
                    id,
                    ScreeningInput(
                        decision: .accepted, decidedOn: decided, reasons: "Meets the criteria; child and family agree",
                        interventionType: type, destination: nil, destinationService: nil))!
                if decided < today.adding(days: -3) || rng.next() % 3 != 0 {
                    let i = try await InterventionStore.find(interventionID, in: [serviceID], on: db)!
                    try await work.allocate(
                        i.id, caseManager: pick(workers, &rng), coWorker: nil, on: min(today, decided.adding(days: 1)),
                        overCapConfirmed: false)
                    if index % 4 != 0 {
                        try await InterventionStore.markSeen(childID: child, by: i.case_manager_id ?? workers[0], on: db, now: now)
                    }
                    if let end = i.planned_end_date.flatMap(LocalDate.init(iso:)), end < today {
                        try await work.close(
                            interventionID,
                            ClosureInput(endDate: end, reason: .completed, outcome: "Plan completed; stepped down to universal services"))
                    }
                }
            case 72..<84:
                // A court order after an offence.
                let type = pick(
                    [InterventionType.referralOrder, .referralOrder, .youthRehabilitationOrder, .detentionAndTrainingOrder], &rng)
                let orderDate = today.adding(days: -Int(rng.next() % 200))
                let outcome = type.rawValue
                _ = try await work.recordOffence(
                    OffenceInput(
                        offenceDate: orderDate.adding(days: -Int(30 + rng.next() % 60)),
                        category: pick([.robbery, .burglary, .violenceAgainstThePerson, .drugs, .theftAndHandling], &rng),
                        description: nil, gravity: 3 + Int(rng.next() % 3), outcome: outcome, outcomeDate: orderDate), for: child)
                try await work.recordHearing(
                    HearingInput(hearingDate: orderDate, court: "Demo Youth Court", result: "Sentenced: \(type.label.lowercased())"),
                    for: child)
                let months = type == .referralOrder ? 6 : 12
                let id = try await work.startIntervention(
                    InterventionInput(
                        type: type, startDate: orderDate, plannedEndDate: orderDate.adding(months: months),
                        requirements: type == .youthRehabilitationOrder ? [.supervision, .activity] : [],
                        custodyEndDate: type == .detentionAndTrainingOrder ? orderDate.adding(months: 6) : nil), for: child)
                let i = try await InterventionStore.find(id, in: [serviceID], on: db)!
                try await work.allocate(
                    i.id, caseManager: pick(workers, &rng), coWorker: rng.next() % 3 == 0 ? pick(workers, &rng) : nil,
                    on: min(today, orderDate.adding(days: 1)), overCapConfirmed: false)
                try await InterventionStore.markSeen(childID: child, by: i.case_manager_id ?? workers[0], on: db, now: now)
            default:
                break  // on the register only
            }
        }
    }

    static let girls = [
        "Amelia", "Olivia", "Isla", "Ava", "Mia", "Zoë", "Chloé", "Siân", "Aisha", "Fatima", "Grace", "Leah", "Niamh",
        "Maya", "Ruby", "Jade", "Keira", "Priya", "Amara", "Ellie"
    ]
    static let boys = [
        "Oliver", "Harry", "Jack", "Noah", "Leo", "Charlie", "Mohammed", "Kai", "Tyler", "Callum", "Reece", "Jayden",
        "Seán", "Rhys", "Dylan", "Kyle", "Ibrahim", "Kofi", "Liam", "Connor", "Bradley", "Mason", "Ethan", "Jamal"
    ]
    static let families = [
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
        "Roberts", "Robinson", "Wright", "Hughes", "Khan", "Ahmed", "Hussain", "Begum", "Patel", "Ali",
        "O'Brien", "McCarthy", "Nowak", "Kowalski", "Mensah", "Okafor", "Campbell", "Clarke", "Lewis", "Walker",
        "Murphy", "Price", "Doherty", "Lee", "Chen", "Ward", "Brennan", "Lovell", "Boswell", "Müller"
    ]
    static let districts = [("Northbrook", "NB"), ("Eastfield", "EF"), ("Riverside", "RS"), ("Southgate", "SG")]
    static let matters = [
        "Getting back into football training on Saturdays.",
        "Spending time with my little brother and keeping him safe.",
        "Getting a place at college to do mechanics.",
        "My nan. She is the one who always listens.",
        "Music — I make beats and want to record properly.",
        "Being treated with respect and not judged for my past.",
        "Boxing at the community gym.",
        "Finishing my GCSEs and getting a job."
    ]
    static let strengths = [
        "Loyal to friends and family; good sense of humour.",
        "Creative and practical — good with his hands.",
        "Engages well one-to-one; honest about what is hard.",
        "Caring towards younger siblings; reliable when trusted.",
        "Talented at sport; responds well to coaching.",
        "Articulate and thoughtful when given time."
    ]

    static func pick<T>(_ a: [T], _ rng: inout SeededGenerator) -> T { a[Int(rng.next() % UInt64(a.count))] }
    static func chance(_ p: Double, _ rng: inout SeededGenerator) -> Bool { Double(rng.next() % 10_000) / 10_000 < p }

    static func makeChild(_ i: Int, _ rng: inout SeededGenerator, today: LocalDate) -> ChildDetails {
        let roll = rng.next() % 100
        let sex: Sex = roll < 78 ? .male : roll < 98 ? .female : roll < 99 ? .other : .unknown
        let given = sex == .female ? pick(girls, &rng) : pick(boys, &rng)
        let family = pick(families, &rng)
        // Ages 8–17, weighted towards 14–17 as youth justice caseloads are.
        let ages = [8, 9, 10, 11, 12, 12, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 17, 17, 17]
        let age = pick(ages, &rng)
        let dob = today.adding(months: -12 * age).adding(days: -Int(rng.next() % 364))
        let ethRoll = rng.next() % 100
        let ethnicity: Ethnicity
        switch ethRoll {
        case 0..<62: ethnicity = .whiteBritish
        case 62..<65: ethnicity = .whiteOther
        case 65..<67: ethnicity = .whiteGypsyIrishTraveller
        case 67..<73: ethnicity = .mixedWhiteBlackCaribbean
        case 73..<76: ethnicity = .mixedOther
        case 76..<81: ethnicity = .asianPakistani
        case 81..<83: ethnicity = .asianBangladeshi
        case 83..<85: ethnicity = .asianIndian
        case 85..<89: ethnicity = .blackCaribbean
        case 89..<93: ethnicity = .blackAfrican
        case 93..<95: ethnicity = .otherArab
        case 95..<97: ethnicity = .otherAny
        default: ethnicity = .notStated
        }
        let careRoll = rng.next() % 100
        let care: CareStatus = careRoll < 16 ? .lookedAfter : careRoll < 21 && age >= 16 ? .careLeaver : .none
        let send: YesNo? = chance(0.1, &rng) ? nil : (chance(0.38, &rng) ? .yes : .no)
        let ehcp: YesNo? = send == nil ? nil : (send == .yes && chance(0.35, &rng) ? .yes : .no)
        let (district, prefix) = pick(districts, &rng)
        let postcode = Postcode(
            "\(prefix)\(1 + rng.next() % 9) \(rng.next() % 10)\(pick(Array("ABDEFGHJLNPQRSTUWXYZ"), &rng))\(pick(Array("ABDEFGHJLNPQRSTUWXYZ"), &rng))"
        )
        var nhs: NHSNumber?
        if chance(0.7, &rng) {
            while nhs == nil {
                let base = (0..<9).map { _ in Int(rng.next() % 10) }
                var sum = 0
                for (k, d) in base.enumerated() { sum += d * (10 - k) }
                var check = 11 - sum % 11
                if check == 11 { check = 0 }
                if check != 10 { nhs = NHSNumber(base.map(String.init).joined() + String(check)) }
            }
        }
        var upn: UPN?
        if age < 17 && chance(0.6, &rng) {
            let rest = String(
                format: "%03d%04d%02d%03d", 801 + Int(rng.next() % 50), 2000 + Int(rng.next() % 7000), (today.year - age + 5) % 100,
                Int(rng.next() % 1000))
            upn = UPN.checkLetter(for: rest).flatMap { UPN(String($0) + rest) }
        }
        var pnc: PNCID?
        if age >= 10 && chance(0.35, &rng) {
            let year = today.year - Int(rng.next() % UInt64(max(1, age - 9)))
            let serial = String(format: "%07d", Int(rng.next() % 9_999_999))
            pnc = PNCID.checkLetter(year: year, serial: serial).flatMap { PNCID("\(year)/\(serial)\($0)") }
        }
        let ete: ETEStatus =
            age < 16
            ? pick([.fullTimeSchool, .fullTimeSchool, .fullTimeSchool, .partTimeTimetable, .alternativeProvision], &rng)
            : pick([.college, .training, .employment, .notInETE, .fullTimeSchool], &rng)
        let accommodation: Accommodation =
            care == .lookedAfter
            ? pick([.fosterCare, .childrensHome, .withRelatives], &rng)
            : care == .careLeaver
                ? pick([.supportedAccommodation, .independent], &rng)
                : pick([.withParents, .withParents, .withParents, .withRelatives], &rng)
        var alerts: [AlertFlag] = []
        if chance(0.12, &rng) { alerts.append(.exploitationRisk) }
        if chance(0.08, &rng) { alerts.append(.contextualSafeguarding) }
        let preferred: String? = chance(0.08, &rng) ? String(given.prefix(3)) : nil
        return ChildDetails(
            givenName: given, familyName: family, preferredName: preferred, dateOfBirth: dob, sex: sex,
            ethnicity: ethnicity, careStatus: care, send: send, ehcp: ehcp, postcode: postcode, district: district,
            pncID: pnc, upn: upn, nhsNumber: nhs, school: ete == .fullTimeSchool ? "\(district) Academy" : nil,
            eteStatus: ete, accommodation: accommodation, whatMatters: pick(matters, &rng),
            strengths: pick(strengths, &rng), alerts: alerts)
    }
}
