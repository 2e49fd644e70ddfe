import Foundation
import Testing
import WaypointDomain

@Suite struct LondonTimeTests {
    /// Instants (seconds since 1970, UTC) and how the clock in London showed them.
    @Test(arguments: [
        (1_704_067_200.0, "1 January 2024 at 00:00", "1 Jan 2024 00:00:00", "00:00"),  // midnight GMT
        (1_711_846_799.0, "31 March 2024 at 00:59", "31 Mar 2024 00:59:59", "00:59"),  // a second before BST began
        (1_711_846_800.0, "31 March 2024 at 02:00", "31 Mar 2024 02:00:00", "02:00"),  // BST: the clock skips 01:00-02:00
        (1_725_494_709.0, "5 September 2024 at 01:05", "5 Sep 2024 01:05:09", "01:05"),  // summer: UTC 00:05 is 01:05
        (1_729_990_800.0, "27 October 2024 at 01:00", "27 Oct 2024 01:00:00", "01:00"),  // BST ended: 01:00 UTC is 01:00 GMT
        (1_735_689_599.0, "31 December 2024 at 23:59", "31 Dec 2024 23:59:59", "23:59")
    ])
    func showsTheLondonClock(seconds: Double, long: String, stamp: String, hourMinute: String) {
        let t = LondonTime(Date(timeIntervalSince1970: seconds))
        #expect(t.longText == long)
        #expect(t.stamp == stamp)
        #expect(t.hourMinute == hourMinute)
    }

    /// The same as a DateFormatter set to en_GB and Europe/London (what the pages used before), over
    /// a run of instants across two years and both clock changes.
    @Test func agreesWithTheFormatter() {
        let long = DateFormatter()
        long.locale = Locale(identifier: "en_GB")
        long.timeZone = TimeZone(identifier: "Europe/London")
        long.dateFormat = "d MMMM yyyy 'at' HH:mm"
        let short = DateFormatter()
        short.locale = long.locale
        short.timeZone = long.timeZone
        short.dateFormat = "d MMM yyyy HH:mm:ss"
        var s = 1_700_000_000.0
        while s < 1_763_000_000 {
            let d = Date(timeIntervalSince1970: s)
            #expect(LondonTime(d).longText == long.string(from: d))
            #expect(LondonTime(d).stamp == short.string(from: d))
            s += 86_400 * 3 + 3_607
        }
    }
}
