import FaceGenderEngine

/// Shows the training photos of one group more often, e.g. `age=0-9:2` shows children under 10 twice as
/// often. The project's hardest group (young children, whose faces carry few gender cues) is also a small
/// one (13% of ../shared's training photos), so by default the loss hardly looks at it.
public struct GroupOversampling: Codable, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var factor: Float

    public init(key: String, value: String, factor: Float) {
        self.key = key; self.value = value; self.factor = factor
    }

    /// Parses `KEY=VALUE:FACTOR`; nil when the text has another shape or the factor is not positive.
    public init?(argument: String) {
        guard let eq = argument.firstIndex(of: "="), let colon = argument.lastIndex(of: ":"), eq < colon,
              let factor = Float(argument[argument.index(after: colon)...]), factor > 0, factor.isFinite else { return nil }
        key = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)..<colon])
        guard !key.isEmpty, !value.isEmpty else { return nil }
        self.factor = factor
    }

    public var description: String { "\(key)=\(value):\(factor)" }

    /// The product of the factors of every rule the sample's groups match (1 when none does).
    public static func factor(_ rules: [GroupOversampling], groups: [String: String]) -> Float {
        rules.reduce(1) { f, rule in groups[rule.key] == rule.value ? f * rule.factor : f }
    }

    /// One epoch's sample order: every index drawn `factor` times on average (the fractional part by
    /// chance), shuffled, and cut to `indices.count` so an epoch keeps its length and the schedule its steps.
    public static func epochOrder(_ indices: [Int], factors: (Int) -> Float, using rng: inout RandomGenerator) -> [Int] {
        var pool: [Int] = []
        pool.reserveCapacity(indices.count * 2)
        for i in indices {
            let f = factors(i)
            var copies = Int(f)
            if rng.uniform() < f - Float(copies) { copies += 1 }
            for _ in 0..<copies { pool.append(i) }
        }
        pool.shuffle(using: &rng)
        return Array(pool.prefix(indices.count))
    }
}
