import FaceGenderEngine
import FaceGenderModel
import Testing

@Suite struct ClassifierTests {
    func classifier(flip: Bool) throws -> GenderClassifier {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 2, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        var info = ModelInfo(name: "t", version: "0", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 16))
        info.flipAveraging = flip
        return GenderClassifier(network: network, info: info)
    }

    func batch(mirrored: Bool) -> Tensor {
        var rng = RandomGenerator(seed: 9)
        let t = Tensor(shape: [2, 3, 16, 16])
        for i in 0..<t.count { t[i] = rng.normal() }
        guard mirrored else { return t }
        let m = Tensor(shape: t.shape)
        for r in 0..<(t.count / 16) { for x in 0..<16 { m[r * 16 + x] = t[r * 16 + 15 - x] } }
        return m
    }

    @Test func flipAveragingIsMirrorInvariantAndTheMeanOfBoth() throws {
        let plain = try classifier(flip: false), averaged = try classifier(flip: true)
        let a = plain.logits(batch(mirrored: false)).array, b = plain.logits(batch(mirrored: true)).array
        let both = averaged.logits(batch(mirrored: false)).array
        let bothMirrored = averaged.logits(batch(mirrored: true)).array
        #expect(a != b, "an untrained network is not mirror-symmetric, so the check means something")
        for i in a.indices {
            #expect(abs(both[i] - (a[i] + b[i]) / 2) < 1e-5)
            #expect(abs(both[i] - bothMirrored[i]) < 1e-5)
        }
    }

    @Test func probabilitiesAreCalibratedByTemperature() throws {
        let logits = Tensor(shape: [1, 2], values: [0, 2])
        let sharp = GenderClassifier.probabilities(logits: logits, temperature: 1)[0]
        let soft = GenderClassifier.probabilities(logits: logits, temperature: 2)[0]
        #expect(abs(sharp[1] - 1 / (1 + exp(-2))) < 1e-12)
        #expect(abs(soft[1] - 1 / (1 + exp(-1))) < 1e-12)
    }

    @Test func inconsistentModelFilesAreTypedErrors() throws {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 2, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        let path = NSTemporaryDirectory() + "fg-bad-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Preprocessing says 32 px, the network was built for 16.
        try GenderClassifier(network: network, info: ModelInfo(name: "t", version: "0", classes: ["A", "B"],
                                                               preprocessor: FacePreprocessor(inputSide: 32))).save(to: path)
        #expect(throws: ClassifierError.self) { try GenderClassifier(contentsOf: path, parallelism: Parallelism(workers: 1)) }
        // Three class names for two outputs.
        try GenderClassifier(network: network, info: ModelInfo(name: "t", version: "0", classes: ["A", "B", "C"],
                                                               preprocessor: FacePreprocessor(inputSide: 16))).save(to: path)
        #expect(throws: ClassifierError.self) { try GenderClassifier(contentsOf: path, parallelism: Parallelism(workers: 1)) }
        // A plain safetensors model without FaceGender info.
        try ModelFile.save(network, metadata: [:], to: path)
        #expect(throws: ClassifierError.self) { try GenderClassifier(contentsOf: path, parallelism: Parallelism(workers: 1)) }
    }
}

import Foundation
