import Foundation
import Vapor
import WaypointDomain

/// `waypoint generate-bundle --children N [--services S] OUT`: a synthetic, deterministic
/// bundle (children, referrals, interventions, offences) for benchmarks and trials.
struct GenerateBundleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "children", help: "How many children (default 100000)") var children: String?
        @Option(name: "services", help: "How many services (default 10)") var services: String?
        @Argument(name: "out", help: "Folder (or .zip) to write") var out: String
        init() {}
    }
    var help: String { "Write a synthetic, deterministic interchange bundle (for benchmarks)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let children = Int(signature.children ?? "100000"), children > 0, let services = Int(signature.services ?? "10"), services > 0 else {
            throw ExitError(message: "--children and --services must be whole numbers above 0")
        }
        let files = SyntheticBundle.make(children: children, services: services,
                                         today: LocalDate(year: 2025, month: 3, day: 31)!)
        try BundleIO.write(files, to: signature.out)
        for (name, data) in files { context.console.print("\(name): \(data.count / 1024) KB") }
    }
}

enum SyntheticBundle {
    static func make(children: Int, services: Int, today: LocalDate) -> [(String, Data)] {
        var rng = SeededGenerator(seed: 424_242)
        let codes = (1...max(1, services)).map { String(format: "S%03d", $0) }
        let serviceRows = codes.map { [$0, "Synthetic Youth Justice Service \($0)"] }
        var childRows: [[String]] = [], referralRows: [[String]] = [], interventionRows: [[String]] = [], offenceRows: [[String]] = []
        childRows.reserveCapacity(children)
        let outcomes = ["community_resolution", "outcome_22", "youth_caution", "youth_conditional_caution", "referral_order", "fine", "youth_rehabilitation_order"]
        for i in 0..<children {
            let d = DemoData.makeChild(i, &rng, today: today)
            let id = String(format: "C%07d", i + 1)
            let service = codes[i % codes.count]
            childRows.append([id, service, d.givenName, d.familyName, d.dateOfBirth.iso, d.sex.rawValue, d.ethnicity.rawValue, d.careStatus.rawValue,
                              d.send?.rawValue ?? "", d.ehcp?.rawValue ?? "", d.postcode?.value ?? "", d.district ?? "", d.pncID?.canonical ?? "",
                              d.upn?.value ?? "", d.nhsNumber?.digits ?? ""])
            let received = today.adding(days: -Int(30 + rng.next() % 700))
            if rng.next() % 10 < 7 {
                let accepted = rng.next() % 4 != 0
                referralRows.append([String(format: "R%07d", i + 1), id, received.iso, DemoData.pick(ReferralSource.allCases, &rng).rawValue,
                                     accepted ? "accepted" : "screened_out", received.adding(days: 3).iso, accepted ? "" : "early_help",
                                     accepted ? "prevention" : ""])
                if accepted {
                    let ended = rng.next() % 2 == 0 && received.adding(days: 87) <= today  // never an end in the future
                    interventionRows.append([String(format: "I%07d", i + 1), id, "prevention", received.adding(days: 3).iso,
                                             ended ? received.adding(days: 87).iso : "", "", ended ? "completed" : ""])
                }
            }
            if rng.next() % 10 < 4 {
                let offence = received.adding(days: -Int(5 + rng.next() % 30))
                offenceRows.append([String(format: "O%07d", i + 1), id, offence.iso, DemoData.pick(OffenceCategory.allCases, &rng).rawValue,
                                    String(1 + rng.next() % 5), DemoData.pick(outcomes, &rng), received.iso])
            }
        }
        return [
            (Interchange.services.name, CSV.write(header: Interchange.services.columns, rows: serviceRows)),
            (Interchange.children.name, CSV.write(header: Interchange.children.columns, rows: childRows)),
            (Interchange.referrals.name, CSV.write(header: Interchange.referrals.columns, rows: referralRows)),
            (Interchange.interventions.name, CSV.write(header: Interchange.interventions.columns, rows: interventionRows)),
            (Interchange.offences.name, CSV.write(header: Interchange.offences.columns, rows: offenceRows)),
        ]
    }
}
