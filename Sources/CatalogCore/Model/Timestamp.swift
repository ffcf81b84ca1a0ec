import Foundation

/// Parses and formats the ISO 8601 timestamps the services send and the catalog stores.
///
/// The catalog stores UTC times as `YYYY-MM-DDTHH:MM:SSZ`: fixed width, so text order is time
/// order and `sqlite3` users can compare them directly.
public enum Timestamp {
    /// Parses `2025-01-31T12:00:00Z`, `2025-01-31T12:00:00.123456+02:00`, `2025-01-31 12:00:00`,
    /// and the date-only forms `2025-01-31`, `2025-01`, `2025` (as the start of that period, UTC).
    public static func parse(_ text: String) -> Date? {
        var utf8 = Array(text.utf8)
        if utf8.count > 64 { return nil }
        utf8.append(0)
        var i = 0
        func number(_ digits: Int) -> Int? {
            var v = 0
            for _ in 0..<digits {
                let c = utf8[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
                i += 1
            }
            return v
        }
        func accept(_ c: UInt8) -> Bool {
            if utf8[i] == c {
                i += 1
                return true
            }
            return false
        }
        guard let year = number(4) else { return nil }
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var fraction = 0.0
        var offset = 0
        if accept(UInt8(ascii: "-")) {
            guard let m = number(2) else { return nil }
            month = m
            if accept(UInt8(ascii: "-")) {
                guard let d = number(2) else { return nil }
                day = d
                if accept(UInt8(ascii: "T")) || accept(UInt8(ascii: "t")) || accept(UInt8(ascii: " ")) {
                    guard let h = number(2), accept(UInt8(ascii: ":")), let mi = number(2) else { return nil }
                    hour = h
                    minute = mi
                    if accept(UInt8(ascii: ":")) {
                        guard let s = number(2) else { return nil }
                        second = s
                        if accept(UInt8(ascii: ".")) || accept(UInt8(ascii: ",")) {
                            var scale = 0.1
                            var digits = 0
                            while utf8[i] >= 0x30, utf8[i] <= 0x39 {
                                fraction += Double(utf8[i] - 0x30) * scale
                                scale /= 10
                                i += 1
                                digits += 1
                            }
                            guard digits > 0 else { return nil }
                        }
                    }
                    if accept(UInt8(ascii: "Z")) || accept(UInt8(ascii: "z")) {
                    } else if utf8[i] == UInt8(ascii: "+") || utf8[i] == UInt8(ascii: "-") {
                        let sign = utf8[i] == UInt8(ascii: "-") ? -1 : 1
                        i += 1
                        guard let oh = number(2) else { return nil }
                        _ = accept(UInt8(ascii: ":"))
                        let om = number(2) ?? 0
                        offset = sign * (oh * 3600 + om * 60)
                    }
                }
            }
        }
        guard utf8[i] == 0 else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        guard day <= daysInMonth(year: year, month: month) else { return nil }
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// The end (exclusive) of the period `text` names, `start` being what ``parse(_:)`` gave for it:
    /// the next year for `2025`, the next month for `2025-01`, the next day for `2025-01-31`, the
    /// next second for an instant. Computed from the calendar, so any year ``parse(_:)`` accepts
    /// (0000–9999) has an end.
    public static func endOfPeriod(_ text: String, from start: Date) -> Date? {
        let digits = text.utf8.prefix(4)
        guard digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let year = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        switch text.utf8.count {
        case 4:
            return Date(timeIntervalSince1970: Double(daysFromCivil(year: year + 1, month: 1, day: 1) * 86400))
        case 7:
            let monthDigits = Array(text.utf8.dropFirst(5))
            guard monthDigits.count == 2 else { return nil }
            let month = Int(monthDigits[0] &- 0x30) * 10 + Int(monthDigits[1] &- 0x30)
            guard (1...12).contains(month) else { return nil }
            return start.addingTimeInterval(Double(daysInMonth(year: year, month: month) * 86400))
        case 10: return start.addingTimeInterval(86400)
        default: return start.addingTimeInterval(1)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC (sub-second precision dropped).
    public static func format(_ date: Date) -> String {
        // Clamped to ±285 million years, far beyond what a calendar date means: a file's time can
        // be any 64-bit number of seconds, and the conversion must not trap.
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let total = seconds.isNaN ? 0 : Int(min(max(seconds, -9e15), 9e15))
        var days = total / 86400
        var rem = total % 86400
        if rem < 0 {
            rem += 86400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        if (0...9999).contains(y) {
            // The common case, written straight into the string's storage (reports format millions).
            return String(unsafeUninitializedCapacity: 20) { buffer in
                func put(_ value: Int, _ width: Int, at index: Int) {
                    var v = value
                    for i in stride(from: index + width - 1, through: index, by: -1) {
                        buffer[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                        v /= 10
                    }
                }
                put(y, 4, at: 0)
                put(m, 2, at: 5)
                put(d, 2, at: 8)
                put(rem / 3600, 2, at: 11)
                put(rem % 3600 / 60, 2, at: 14)
                put(rem % 60, 2, at: 17)
                buffer[4] = UInt8(ascii: "-")
                buffer[7] = UInt8(ascii: "-")
                buffer[10] = UInt8(ascii: "T")
                buffer[13] = UInt8(ascii: ":")
                buffer[16] = UInt8(ascii: ":")
                buffer[19] = UInt8(ascii: "Z")
                return 20
            }
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's civil calendar algorithms.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
