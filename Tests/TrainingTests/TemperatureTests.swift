import FaceGenderModel
import Testing

@Suite struct TemperatureTests {
    @Test func recoversTheTemperatureThatGeneratedTheData() {
        // Logits scaled by 3 over calibrated ones: the fitted temperature should be about 3.
        var rng = SystemRandomNumberGenerator()
        var logits: [Float] = [], labels: [Int] = []
        for _ in 0..<4000 {
            let z = Double.random(in: -4...4, using: &rng)
            let p1 = 1 / (1 + exp(-z))
            labels.append(Double.random(in: 0..<1, using: &rng) < p1 ? 1 : 0)
            logits += [0, Float(3 * z)]
        }
        let t = TemperatureScaler.fit(logits: logits, classes: 2, labels: labels)
        #expect(abs(t - 3) < 0.3, "fitted \(t)")
        let nllFitted = TemperatureScaler.negativeLogLikelihood(logits: logits, classes: 2, labels: labels, temperature: t)
        let nllRaw = TemperatureScaler.negativeLogLikelihood(logits: logits, classes: 2, labels: labels, temperature: 1)
        #expect(nllFitted < nllRaw)
    }
}

import Foundation
