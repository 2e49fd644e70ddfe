import Foundation
import WaypointDomain

/// Instants are stored in UTC and shown in Europe/London.
enum DateFormatting {
    /// "3 March 2024 at 14:05".
    static func londonDateTime(_ d: Date) -> String { LondonTime(d).longText }
}
