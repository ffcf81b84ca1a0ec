/// Counts for people: `1 file`, `2 814 files` (digits grouped in threes by spaces).
public enum Count {
    public static func of(_ count: Int, _ noun: String) -> String {
        "\(grouped(count)) \(count == 1 ? noun : plural(noun))"
    }

    public static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(" ") }
            out.append(digit)
        }
        return (count < 0 ? "-" : "") + out
    }

    public static func plural(_ noun: String) -> String {
        if noun.hasSuffix("s") || noun.hasSuffix("sh") || noun.hasSuffix("ch") { return noun + "es" }
        // `copy` → `copies` (a consonant before the y; `day` → `days`).
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) { return noun.dropLast() + "ies" }
        return noun + "s"
    }
}
