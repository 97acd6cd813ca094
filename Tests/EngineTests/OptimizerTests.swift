import FaceGenderEngine
import Testing

@Suite struct OptimizerTests {
    /// Minimises f(w) = sum((w - 3)^2) and expects w -> 3.
    func minimise(_ makeOptimizer: ([Parameter]) -> Optimizer, steps: Int) -> [Float] {
        let p = Parameter(name: "w", value: Tensor(shape: [4], values: [0, 1, -2, 10]), decays: false)
        let opt = makeOptimizer([p])
        for _ in 0..<steps {
            for i in 0..<4 { p.gradient[i] = 2 * (p.value[i] - 3) }
            opt.step()
        }
        return p.value.array
    }

    @Test func adamWConverges() {
        for v in minimise({ AdamW(parameters: $0, learningRate: 0.1, weightDecay: 0) }, steps: 500) { #expect(abs(v - 3) < 1e-2) }
    }

    @Test func stepZeroesGradients() {
        let p = Parameter(name: "w", value: Tensor(shape: [2], values: [1, 1]), decays: true)
        p.gradient.fill(1)
        AdamW(parameters: [p], learningRate: 0.1).step()
        #expect(p.gradient.array == [0, 0])
    }

    @Test func weightDecayIsDecoupledAndSkipsExemptParameters() {
        let decayed = Parameter(name: "w", value: Tensor(shape: [1], values: [2]), decays: true)
        let exempt = Parameter(name: "b", value: Tensor(shape: [1], values: [2]), decays: false)
        // Zero gradient: only decay moves weights, by exactly lr * wd * w.
        AdamW(parameters: [decayed, exempt], learningRate: 0.1, weightDecay: 0.5).step()
        #expect(abs(decayed.value[0] - 2 * (1 - 0.05)) < 1e-6)
        #expect(exempt.value[0] == 2)
    }

    @Test func gradientClipping() {
        let p = Parameter(name: "w", value: Tensor(shape: [2]), decays: true)
        p.gradient[0] = 3; p.gradient[1] = 4
        let norm = clipGradientNorm([p], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(p.gradient[0] - 0.6) < 1e-6 && abs(p.gradient[1] - 0.8) < 1e-6)
    }

    @Test func schedules() {
        let cosine = LearningRateSchedule.cosine(warmupSteps: 10, totalSteps: 110, finalFraction: 0)
        #expect(abs(cosine.rate(at: 0, peak: 1) - 0.1) < 1e-6)
        #expect(abs(cosine.rate(at: 9, peak: 1) - 1) < 1e-6)
        #expect(abs(cosine.rate(at: 60, peak: 1) - 0.5) < 1e-6)
        #expect(cosine.rate(at: 110, peak: 1) < 1e-6)
        let cycle = LearningRateSchedule.oneCycle(totalSteps: 100, rampFraction: 0.3)
        #expect(abs(cycle.rate(at: 0, peak: 1) - 0.04) < 1e-6)
        #expect(abs(cycle.rate(at: 30, peak: 1) - 1) < 1e-6)
        #expect(cycle.rate(at: 100, peak: 1) < 1e-3)
        #expect(LearningRateSchedule.constant(warmupSteps: 0).rate(at: 50, peak: 0.3) == 0.3)
    }
}
