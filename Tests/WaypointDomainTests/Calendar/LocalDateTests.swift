import Testing
import WaypointDomain

@Suite struct LocalDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "2023-12-31", "1999-01-01"])
    func parsesRealDates(iso: String) {
        #expect(LocalDate(iso: iso)?.iso == iso)
    }

    @Test(arguments: ["2023-02-29", "1900-02-29", "2024-13-01", "2024-04-31", "2024-1-01", "24-01-01", "2024/01/01", "", "2024-01-01T00:00"]
    )
    func refusesDatesThatDoNotExistOrAreMisformatted(iso: String) {
        #expect(LocalDate(iso: iso) == nil)
    }

    @Test(arguments: [
        // born, on, age
        ("2010-05-14", "2024-05-13", 13), ("2010-05-14", "2024-05-14", 14), ("2010-05-14", "2024-05-15", 14),
        ("2012-02-29", "2024-02-28", 11), ("2012-02-29", "2024-02-29", 12),
        ("2012-02-29", "2023-02-28", 10), ("2012-02-29", "2023-03-01", 11),  // leap-day birthday in a common year: 1 March
        ("2010-12-31", "2024-01-01", 13), ("2010-01-01", "2023-12-31", 13)
    ])
    func ageInWholeYears(born: String, on: String, age: Int) {
        #expect(LocalDate(iso: born)!.age(on: LocalDate(iso: on)!) == age)
    }

    @Test(arguments: [
        ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-03-31", -1, "2024-02-29"),
        ("2024-11-30", 3, "2025-02-28"), ("2024-05-15", 12, "2025-05-15"), ("2024-02-29", 12, "2025-02-28")
    ])
    func calendarMonths(from: String, months: Int, to: String) {
        #expect(LocalDate(iso: from)!.adding(months: months).iso == to)
    }

    @Test func weekdaysAndDayArithmetic() {
        #expect(LocalDate(iso: "2024-03-27")!.weekday == 3)  // Wednesday
        #expect(LocalDate(iso: "2024-03-30")!.isWeekend)
        #expect(LocalDate(iso: "1970-01-01")!.weekday == 4)  // Thursday
        #expect(LocalDate(iso: "2024-12-31")!.adding(days: 1).iso == "2025-01-01")
        #expect(LocalDate(iso: "2024-03-01")!.adding(days: -1).iso == "2024-02-29")
        let d = LocalDate(iso: "1985-07-13")!
        #expect(LocalDate(dayNumber: d.dayNumber) == d)
    }
}

@Suite struct WorkingDayTests {
    /// England and Wales bank holidays around the cases below (from the shipped GOV.UK list).
    let calendar = WorkingDayCalendar(
        holidays: Set(
            [
                "2021-12-27", "2021-12-28", "2022-01-03",  // substitute days: Christmas, Boxing Day and New Year on weekends
                "2022-12-26", "2022-12-27", "2023-01-02",
                "2024-03-29", "2024-04-01", "2024-05-06", "2024-12-25", "2024-12-26", "2025-01-01"
            ].map { LocalDate(iso: $0)! }))

    func add(_ n: Int, to d: String) -> String { calendar.adding(workingDays: n, to: LocalDate(iso: d)!).iso }

    @Test func skipsWeekends() {
        #expect(add(1, to: "2024-03-22") == "2024-03-25")  // Friday → Monday
        #expect(add(10, to: "2024-03-04") == "2024-03-18")
    }

    @Test func skipsEaster() {
        // Allocated Wednesday 27 March 2024: Good Friday, the weekend and Easter Monday fall inside.
        #expect(add(10, to: "2024-03-27") == "2024-04-12")
        #expect(add(1, to: "2024-03-28") == "2024-04-02")
    }

    @Test func crossesTheYearEndWithSubstituteHolidays() {
        #expect(add(1, to: "2021-12-24") == "2021-12-29")  // 25–26 weekend, 27–28 substitutes
        #expect(add(3, to: "2021-12-24") == "2021-12-31")
        #expect(add(4, to: "2021-12-24") == "2022-01-04")  // 1–2 weekend, 3 January substitute
        #expect(add(10, to: "2024-12-20") == "2025-01-08")
        #expect(add(1, to: "2022-12-23") == "2022-12-28")
    }

    @Test func countsWorkingDaysBetweenDates() {
        #expect(calendar.workingDays(from: LocalDate(iso: "2024-03-27")!, to: LocalDate(iso: "2024-04-12")!) == 10)
        #expect(calendar.workingDays(from: LocalDate(iso: "2024-04-12")!, to: LocalDate(iso: "2024-03-27")!) == 0)
        #expect(calendar.isWorkingDay(LocalDate(iso: "2024-05-06")!) == false)
        #expect(calendar.isWorkingDay(LocalDate(iso: "2024-05-07")!))
    }

    @Test func deadlinesCountedEqualTheDaysWalkedOneByOne() {
        // Adding working days is arithmetic; walking the days one by one is the definition.
        func walked(_ count: Int, _ from: LocalDate) -> LocalDate {
            var d = from, left = count
            while left > 0 {
                d = d.adding(days: 1)
                if calendar.isWorkingDay(d) { left -= 1 }
            }
            return d
        }
        let start = LocalDate(iso: "2019-12-16")!
        var mismatches: [String] = []
        for a in stride(from: 0, to: 2_400, by: 5) {
            for count in [0, 1, 2, 3, 4, 5, 6, 9, 10, 15, 20, 21, 45, 130, 400] {
                let from = start.adding(days: a)
                let got = calendar.adding(workingDays: count, to: from)
                if got != walked(count, from) { mismatches.append("\(count) after \(from.iso): \(got.iso)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // Past the last date, the last date (never a trap, never a loop).
        let nearEnd = LocalDate(iso: "9999-12-20")!
        #expect(calendar.adding(workingDays: 50, to: nearEnd).iso == "9999-12-31")
        #expect(calendar.adding(workingDays: 2, to: nearEnd).iso == "9999-12-22")
    }

    @Test func countedWorkingDaysEqualTheDaysWalkedOneByOne() {
        // The count is arithmetic; walking the days one by one is the definition.
        func walked(_ from: LocalDate, _ to: LocalDate) -> Int {
            var n = 0, d = from.adding(days: 1)
            while d <= to { if calendar.isWorkingDay(d) { n += 1 }; d = d.adding(days: 1) }
            return n
        }
        let start = LocalDate(iso: "2019-12-20")!
        var mismatches: [String] = []
        for a in stride(from: 0, to: 2_300, by: 7) {
            for length in [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 40, 400] {
                for shift in 0..<7 {
                    let from = start.adding(days: a + shift), to = from.adding(days: length)
                    if calendar.workingDays(from: from, to: to) != walked(from, to) { mismatches.append("\(from.iso)…\(to.iso)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(WorkingDayCalendar(holidays: []).workingDays(from: LocalDate(iso: "1969-12-24")!, to: LocalDate(iso: "1970-01-07")!) == 10)
    }
}
