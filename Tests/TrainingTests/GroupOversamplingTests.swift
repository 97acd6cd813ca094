import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderTraining
import Testing

@Suite struct GroupOversamplingTests {
    @Test func parsesKeyValueFactor() throws {
        let rule = try #require(GroupOversampling(argument: "age=0-9:2.5"))
        #expect(rule == GroupOversampling(key: "age", value: "0-9", factor: 2.5))
        for bad in ["age=0-9", "age:2", "=0-9:2", "age=:2", "age=0-9:0", "age=0-9:-1", "age=0-9:x"] {
            #expect(GroupOversampling(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func factorsMultiplyOverMatchingRules() {
        let rules = [GroupOversampling(key: "age", value: "0-9", factor: 2), GroupOversampling(key: "race", value: "Asian", factor: 1.5)]
        #expect(GroupOversampling.factor(rules, groups: ["age": "0-9", "race": "Asian"]) == 3)
        #expect(GroupOversampling.factor(rules, groups: ["age": "0-9", "race": "White"]) == 2)
        #expect(GroupOversampling.factor(rules, groups: [:]) == 1)
    }

    @Test func epochKeepsItsLengthAndShowsTheGroupMoreOften() {
        // 100 samples, the first 10 in the oversampled group (factor 3): expected share 30 / 120 = 25%.
        let indices = Array(0..<100)
        var shares: [Double] = []
        for seed in 0..<20 {
            var rng = RandomGenerator(seed: UInt64(seed))
            let order = GroupOversampling.epochOrder(indices, factors: { $0 < 10 ? 3 : 1 }, using: &rng)
            #expect(order.count == 100)
            #expect(Set(order).isSubset(of: Set(indices)))
            shares.append(Double(order.filter { $0 < 10 }.count) / 100)
        }
        let mean = shares.reduce(0, +) / Double(shares.count)
        #expect(abs(mean - 0.25) < 0.03, "mean share \(mean)")
    }

    @Test func factorOneIsAPlainShuffleAndSeedsRepeat() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        let first = GroupOversampling.epochOrder(Array(0..<50), factors: { _ in 1 }, using: &a)
        let second = GroupOversampling.epochOrder(Array(0..<50), factors: { _ in 1 }, using: &b)
        #expect(first.sorted() == Array(0..<50))
        #expect(first == second)
    }
}
