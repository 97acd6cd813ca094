/// UTKFace file names carry labels: `AGE_GENDER_RACE_DATETIME.jpg`.
public enum UTKFaceName {
    public static let races = ["White", "Black", "Asian", "Indian", "Others"]

    /// Age band and race groups, or [:] when the name does not follow the convention.
    public static func groups(fileName: String) -> [String: String] {
        let parts = fileName.split(separator: "_")
        guard parts.count >= 4, let age = Int(parts[0]), let gender = Int(parts[1]), let race = Int(parts[2]),
              (0...130).contains(age), (0...1).contains(gender), races.indices.contains(race) else { return [:] }
        return ["age": ageBand(age), "race": races[race], "age_summary": age >= 20 ? "20+" : (age < 10 ? "under 10" : "10-19")]
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
