import Fluent
import Foundation
import SQLKit
import WaypointDomain

/// England and Wales bank holidays 2018–2028 (shipped as data; admins add more years).
struct M0008_CreateBankHolidays: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema("bank_holidays")
            .field("date", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .create()
        for (date, title) in try BankHolidayData.shipped() {
            try await database.sql.insert(into: "bank_holidays")
                .columns("date", "title").values(SQLBind(date.iso), SQLBind(title)).run()
        }
    }
    func revert(on database: Database) async throws {
        try await database.schema("bank_holidays").delete()
    }
}

enum BankHolidayData {
    /// The CSV copied from shared/ into the app's resources.
    static func shipped() throws -> [(LocalDate, String)] {
        guard
            let url = Bundle.module.url(forResource: "bank-holidays-england-and-wales", withExtension: "csv", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "bank-holidays-england-and-wales", withExtension: "csv")
        else {
            throw WaypointError.internal("bank holiday data is missing from the app's resources")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let parts = line.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, let d = LocalDate(iso: String(parts[0])) else { return nil }
            return (d, String(parts[1]))
        }
    }
}
