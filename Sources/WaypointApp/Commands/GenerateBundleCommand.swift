import Foundation
import Vapor
import WaypointDomain

/// `waypoint generate-bundle --children N [--services S] OUT`: a synthetic, deterministic
/// bundle (children, referrals, interventions of every type, offences) for benchmarks and trials.
struct GenerateBundleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "children", help: "How many children (default 100000)") var children: String?
        @Option(name: "services", help: "How many services (default 10)") var services: String?
        @Argument(name: "out", help: "Folder (or .zip) to write") var out: String
        init() {}
    }
    var help: String { "Write a synthetic, deterministic interchange bundle (for benchmarks)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let children = Int(signature.children ?? "100000"), children > 0, let services = Int(signature.services ?? "10"), services > 0
        else {
            throw ExitError(message: "--children and --services must be whole numbers above 0")
        }
        let files = SyntheticBundle.make(
            children: children, services: services,
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
        let outcomes = [
            "community_resolution", "outcome_22", "youth_caution", "youth_conditional_caution", "referral_order", "fine",
            "youth_rehabilitation_order",
            "detention_and_training_order"
        ]
        // The work an outcome starts, and for how many days.
        let work: [String: (String, Int)] = [
            "community_resolution": ("diversion", 90), "outcome_22": ("outcome_22", 90), "youth_caution": ("youth_caution", 90),
            "youth_conditional_caution": ("youth_conditional_caution", 120), "referral_order": ("referral_order", 270),
            "youth_rehabilitation_order": ("youth_rehabilitation_order", 365),
            "detention_and_training_order": ("detention_and_training_order", 180)
        ]
        for i in 0..<children {
            let d = DemoData.makeChild(i, &rng, today: today)
            let id = String(format: "C%07d", i + 1)
            let service = codes[i % codes.count]
            childRows.append([
                id, service, d.givenName, d.familyName, d.dateOfBirth.iso, d.sex.rawValue, d.ethnicity.rawValue, d.careStatus.rawValue,
                d.send?.rawValue ?? "", d.ehcp?.rawValue ?? "", d.postcode?.value ?? "", d.district ?? "", d.pncID?.canonical ?? "",
                d.upn?.value ?? "", d.nhsNumber?.digits ?? ""
            ])
            let received = today.adding(days: -Int(30 + rng.next() % 700))
            if rng.next() % 10 < 7 {
                let accepted = rng.next() % 4 != 0
                referralRows.append([
                    String(format: "R%07d", i + 1), id, received.iso, DemoData.pick(ReferralSource.allCases, &rng).rawValue,
                    accepted ? "accepted" : "screened_out", received.adding(days: 3).iso, accepted ? "" : "early_help",
                    accepted ? "prevention" : ""
                ])
                if accepted {
                    let ended = rng.next() % 2 == 0 && received.adding(days: 87) <= today  // never an end in the future
                    interventionRows.append([
                        String(format: "I%07d", i + 1), id, i % 3 == 0 ? "turnaround" : "prevention", received.adding(days: 3).iso,
                        ended ? received.adding(days: 87).iso : "", "", ended ? "completed" : ""
                    ])
                }
            }
            if rng.next() % 10 < 4 {
                let offence = received.adding(days: -Int(5 + rng.next() % 30))
                let outcome = DemoData.pick(outcomes, &rng)
                offenceRows.append([
                    String(format: "O%07d", i + 1), id, offence.iso, DemoData.pick(OffenceCategory.allCases, &rng).rawValue,
                    String(1 + rng.next() % 5), outcome, received.iso
                ])
                // The work the outcome starts (every intervention type): a remand before custody,
                // bail support before some orders; ended when its time is up, now and then breached.
                if let (type, days) = work[outcome] {
                    func add(_ suffix: String, _ type: String, _ start: LocalDate, _ days: Int) {
                        let end = start.adding(days: days)
                        let over = end <= today
                        interventionRows.append([
                            String(format: "\(suffix)%07d", i + 1), id, type, start.iso, over ? end.iso : "", "",
                            over ? (rng.next() % 10 == 0 ? "breached" : "completed") : ""
                        ])
                    }
                    if type == "detention_and_training_order" { add("M", "remand", offence.adding(days: 1), 20) }
                    if type == "youth_rehabilitation_order" && i % 2 == 0 { add("B", "bail_support", offence.adding(days: 1), 20) }
                    add("J", type, received, days)
                }
            }
        }
        return [
            (Interchange.services.name, CSV.write(header: Interchange.services.columns, rows: serviceRows)),
            (Interchange.children.name, CSV.write(header: Interchange.children.columns, rows: childRows)),
            (Interchange.referrals.name, CSV.write(header: Interchange.referrals.columns, rows: referralRows)),
            (Interchange.interventions.name, CSV.write(header: Interchange.interventions.columns, rows: interventionRows)),
            (Interchange.offences.name, CSV.write(header: Interchange.offences.columns, rows: offenceRows))
        ]
    }
}
