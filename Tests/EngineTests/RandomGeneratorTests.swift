import FaceGenderEngine
import Testing

@Suite struct RandomGeneratorTests {
    /// Beta(a, a): in [0, 1], mean 1/2; a = 1 is uniform (80% between 0.1 and 0.9), a = 0.2 piles up at the ends
    /// (exactly 30.3% between 0.1 and 0.9).
    @Test func betaHasTheRightShape() {
        var rng = RandomGenerator(seed: 7)
        func draws(_ a: Float) -> [Float] { (0..<20_000).map { _ in rng.beta(a) } }
        for a: Float in [0.2, 1] {
            let x = draws(a)
            #expect(x.allSatisfy { (0...1).contains($0) })
            #expect(abs(x.reduce(0, +) / Float(x.count) - 0.5) < 0.01)
            let middle = Float(x.filter { (0.1...0.9).contains($0) }.count) / Float(x.count)
            #expect(abs(middle - (a == 1 ? 0.8 : 0.303)) < 0.02, "a = \(a): \(middle) between 0.1 and 0.9")
        }
    }
}
