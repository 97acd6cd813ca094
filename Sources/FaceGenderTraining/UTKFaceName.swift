/// UTKFace file names carry labels: `AGE_GENDER_RACE_DATETIME.jpg`.
public enum UTKFaceName {
    public static let races = ["White", "Black", "Asian", "Indian", "Others"]

    /// Age band and race groups, or [:] when the name does not follow the convention.
    public static func groups(fileName: String) -> [String: String] {
        let parts = fileName.split(separator: "_")
        guard parts.count >= 4, let age = Int(parts[0]), let gender = Int(parts[1]), let race = Int(parts[2]),
              (0...130).contains(age), (0...1).contains(gender), races.indices.contains(race) else { return [:] }
        return ["age": ageBand(age), "race": races[race], "age_summary": age >= 20 ? "20+" : (age < 10 ? "under 10" : "10-19"),
                "age_detail": ageDetail(age)]
    }

    /// Narrower bands where a face changes fastest: babies apart from older children, teenagers split, decades after.
    public static func ageDetail(_ age: Int) -> String {
        switch age {
        case ..<3: return "0-2"
        case 3..<10: return "3-9"
        case 10..<15: return "10-14"
        case 15..<20: return "15-19"
        case 70...: return "70+"
        default: return "\(age / 10 * 10)-\(age / 10 * 10 + 9)"
        }
    }

    public static func ageBand(_ age: Int) -> String {
        switch age {
        case ..<10: return "0-9"
        case 10..<20: return "10-19"
        case 20..<40: return "20-39"
        case 40..<60: return "40-59"
        default: return "60+"
        }
    }
}
