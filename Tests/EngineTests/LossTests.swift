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

    @Test func softmaxCrossEntropyValue() {
        // Two classes, logits (0, ln 3): p = (1/4, 3/4); label 1 -> -ln(3/4).
        let loss = SoftmaxCrossEntropy()
        let value = loss.forward(logits: Tensor(shape: [1, 2], values: [0, logf(3)]), labels: [1])
        #expect(abs(value - -logf(0.75)) < 1e-6)
        #expect(abs(loss.probabilities[0] - 0.25) < 1e-6)
    }

    @Test(arguments: [Float(0), 0.1])
    func rangeTargetGradient(smoothing: Float) {
        let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing)
        let logits = randomTensor([4, 6], seed: 2)
        let targets: [OutputTarget] = [.anyOf(0..<3), .output(4), .anyOf(3..<6), .output(1)]
        loss.forward(logits: logits, targets: targets)
        let analytic = loss.gradient.array
        let numeric = numericGradient(logits) { SoftmaxCrossEntropy(labelSmoothing: smoothing).forward(logits: logits, targets: targets) }
        for (a, n) in zip(analytic, numeric) { #expect(abs(a - n) < 2e-3, "analytic \(a) vs numeric \(n)") }
    }

    @Test func rangeTargetIsTheLossOfTheSummedProbability() {
        // Four outputs, logits (0, ln 2, ln 3, ln 4): p = (0.1, 0.2, 0.3, 0.4); outputs 2..<4 -> -ln(0.7).
        let logits = Tensor(shape: [1, 4], values: [0, logf(2), logf(3), logf(4)])
        #expect(abs(SoftmaxCrossEntropy().forward(logits: logits, targets: [.anyOf(2..<4)]) - -logf(0.7)) < 1e-6)
        // A one-output range is that output's label.
        let one = SoftmaxCrossEntropy(labelSmoothing: 0.1), exact = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        #expect(abs(one.forward(logits: logits, targets: [.anyOf(1..<2)]) - exact.forward(logits: logits, labels: [1])) < 1e-6)
        #expect(zip(one.gradient.array, exact.gradient.array).allSatisfy { abs($0 - $1) < 1e-7 })
    }
}
