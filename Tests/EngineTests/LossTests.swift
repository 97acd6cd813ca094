import FaceGenderEngine
import Foundation
import Testing

@Suite struct LossTests {
    /// Central differences of a scalar loss of the logits.
    func numericGradient(_ logits: Tensor, _ loss: () -> Float) -> [Float] {
        (0..<logits.count).map { i in
            let saved = logits[i]
            logits[i] = saved + 1e-2; let plus = loss()
            logits[i] = saved - 1e-2; let minus = loss()
            logits[i] = saved
            return (plus - minus) / 2e-2
        }
    }

    @Test(arguments: [Float(0), 0.1])
    func softmaxCrossEntropyGradient(smoothing: Float) {
        let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing)
        let logits = randomTensor([4, 3], seed: 1)
        let labels = [0, 2, 1, 2]
        loss.forward(logits: logits, labels: labels)
        let analytic = loss.gradient.array
        let numeric = numericGradient(logits) { SoftmaxCrossEntropy(labelSmoothing: smoothing).forward(logits: logits, labels: labels) }
        for (a, n) in zip(analytic, numeric) { #expect(abs(a - n) < 2e-3, "analytic \(a) vs numeric \(n)") }
    }

    /// mixup's targets: cross-entropy is linear in the target, so the mixed loss and gradient are the
    /// weighted sums of the two plain ones; and the analytic gradient matches finite differences.
    @Test func mixedTargetsWeighTheTwoLabels() {
        let logits = randomTensor([4, 3], seed: 2)
        let labels = [0, 2, 1, 2], partners = [1, 2, 0, 0], weight: Float = 0.7
        func plain(_ l: [Int]) -> (Float, [Float]) {
            let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
            return (loss.forward(logits: logits, labels: l), loss.gradient.array)
        }
        let (a, ga) = plain(labels), (b, gb) = plain(partners)
        let mixed = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let value = mixed.forward(logits: logits, labels: labels, mixedWith: partners, weight: weight)
        #expect(abs(value - (weight * a + (1 - weight) * b)) < 1e-5)
        for (g, (x, y)) in zip(mixed.gradient.array, zip(ga, gb)) { #expect(abs(g - (weight * x + (1 - weight) * y)) < 1e-6) }
        let numeric = numericGradient(logits) {
            SoftmaxCrossEntropy(labelSmoothing: 0.1).forward(logits: logits, labels: labels, mixedWith: partners, weight: weight)
        }
        for (g, n) in zip(mixed.gradient.array, numeric) { #expect(abs(g - n) < 2e-3) }
    }

    /// Self-distillation's soft targets: the loss is (1 - w) x the plain loss + w x the cross-entropy against the
    /// rows, i.e. against the rows alone when w = 1; and the analytic gradient matches finite differences.
    @Test func softTargetsBlendWithTheLabels() {
        let logits = randomTensor([2, 3], seed: 3)
        let labels = [0, 2], rows: [Float] = [0.2, 0.5, 0.3, 0.6, 0.1, 0.3], weight: Float = 0.4
        let plain = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let a = plain.forward(logits: logits, labels: labels)
        let p = plain.probabilities.array
        let b = -(0..<6).map { rows[$0] * logf(p[$0]) }.reduce(0, +) / 2
        let soft = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let value = soft.forward(logits: logits, labels: labels, softTargets: rows, softWeight: weight)
        #expect(abs(value - ((1 - weight) * a + weight * b)) < 1e-5)
        #expect(abs(SoftmaxCrossEntropy().forward(logits: logits, labels: labels, softTargets: rows, softWeight: 1) - b) < 1e-5)
        let numeric = numericGradient(logits) {
            SoftmaxCrossEntropy(labelSmoothing: 0.1).forward(logits: logits, labels: labels, softTargets: rows, softWeight: weight)
        }
        for (g, n) in zip(soft.gradient.array, numeric) { #expect(abs(g - n) < 2e-3, "analytic \(g) vs numeric \(n)") }
    }

    @Test func softmaxCrossEntropyValue() {
        // Two classes, logits (0, ln 3): p = (1/4, 3/4); label 1 -> -ln(3/4).
        let loss = SoftmaxCrossEntropy()
        let value = loss.forward(logits: Tensor(shape: [1, 2], values: [0, logf(3)]), labels: [1])
        #expect(abs(value - -logf(0.75)) < 1e-6)
        #expect(abs(loss.probabilities[0] - 0.25) < 1e-6)
    }

    @Test func sigmoidBinaryCrossEntropy() {
        let loss = SigmoidBinaryCrossEntropy()
        let logits = randomTensor([5], seed: 2, scale: 3)
        let targets: [Float] = [0, 1, 1, 0, 0.3]
        loss.forward(logits: logits, targets: targets)
        let analytic = loss.gradient.array
        let numeric = numericGradient(logits) { SigmoidBinaryCrossEntropy().forward(logits: logits, targets: targets) }
        for (a, n) in zip(analytic, numeric) { #expect(abs(a - n) < 2e-3, "analytic \(a) vs numeric \(n)") }
        // Stable for extreme logits: no inf or nan.
        let extreme = SigmoidBinaryCrossEntropy().forward(logits: Tensor(shape: [2], values: [100, -100]), targets: [0, 1])
        #expect(abs(extreme - 100) < 1e-3)
    }
}
