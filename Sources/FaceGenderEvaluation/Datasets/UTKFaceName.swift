/// UTKFace file names carry labels: `AGE_GENDER_RACE_DATETIME.jpg`.
public enum UTKFaceName {
    public static let races = ["White", "Black", "Asian", "Indian", "Others"]

    /// Age band and race groups, or [:] when the name does not follow the convention.
    public static func groups(fileName: String) -> [String: String] {
        let parts = fileName.split(separator: "_")
        guard parts.count >= 4, let age = Int(parts[0]), let gender = Int(parts[1]), let race = Int(parts[2]),
              (0...130).contains(age), (0...1).contains(gender), races.indices.contains(race) else { return [:] }
        return ageGroups(age).merging(["race": races[race]]) { a, _ in a }
    }

    /// The age groups of every dataset with ages: `age` (band), `age_summary` (under 10, 10-19, 20+), `age_detail`.
    public static func ageGroups(_ age: Int) -> [String: String] {
        ["age": ageBand(age), "age_summary": age >= 20 ? "20+" : (age < 10 ? "under 10" : "10-19"), "age_detail": ageDetail(age)]
    }

    /// Narrower bands where a face changes fastest: babies apart from older children, teenagers split, decades after.
    public static func ageDetail(_ age: Int) -> String { band(age, starts: [0, 3, 10, 15, 20, 30, 40, 50, 60, 70]) }

    public static func ageBand(_ age: Int) -> String { band(age, starts: [0, 10, 20, 40, 60]) }

    /// "a-b" for the band from one start to the year before the next, "N+" for the last one.
    static func band(_ age: Int, starts: [Int]) -> String {
        guard let i = starts.lastIndex(where: { $0 <= age }) else { return "\(starts[0])-\(starts[1] - 1)" }
        return i == starts.count - 1 ? "\(starts[i])+" : "\(starts[i])-\(starts[i + 1] - 1)"
    }
}
