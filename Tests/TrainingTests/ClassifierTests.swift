import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation
import Testing

@Suite struct ClassifierTests {
    func classifier(flip: Bool) throws -> GenderClassifier {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 2, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        let info = ModelInfo(name: "t", version: "0", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 16),
                             views: TestTimeViews(scales: [1], mirror: flip ? .averaged : .none))
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

    @Test func subclassOutputsAddUpToTheirClass() {
        let outputs = Tensor(shape: [2, 6], values: [1, 2, 0.5, -1, 3, 0, /**/ 0, 0, 0, 0, 0, 4])
        let merged = GenderClassifier.classLogits(outputs, outputsPerClass: 3, into: Tensor(shape: [0]))
        #expect(merged.shape == [2, 2])
        for i in 0..<2 {
            let row = (0..<6).map { Double(outputs[i * 6 + $0]) }
            let joint = row.map { exp($0) / row.map(exp).reduce(0, +) }
            let p = GenderClassifier.probabilities(logits: merged, temperature: 1)[i]
            #expect(abs(p[0] - joint[0..<3].reduce(0, +)) < 1e-6 && abs(p[1] - joint[3..<6].reduce(0, +)) < 1e-6)
        }
        #expect(GenderClassifier.classLogits(outputs, outputsPerClass: 1, into: Tensor(shape: [0])) === outputs)
    }

    @Test func aModelWithSubclassesAnswersItsClasses() throws {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 6, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        var info = ModelInfo(name: "t", version: "0", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 16))
        info.subclasses = ["10-19", "20+", "under 10"]
        info.views.mirror = .averaged
        let path = NSTemporaryDirectory() + "fg-sub-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try GenderClassifier(network: network, info: info).save(to: path, history: [])
        let loaded = try ModelBundle.load(path: path, card: .none).classifier()
        #expect(loaded.info.outputsPerClass == 3)
        let p = loaded.probabilities(batch(mirrored: false))
        #expect(p.count == 2 && p.allSatisfy { $0.count == 2 && abs($0.reduce(0, +) - 1) < 1e-9 })
        info.subclasses = []  // six outputs, two classes
        try GenderClassifier(network: network, info: info).save(to: path, history: [])
        #expect(throws: ClassifierError.self) { try ModelBundle.load(path: path, card: .none) }
    }

    @Test func inconsistentModelFilesAreTypedErrors() throws {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 2, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        let path = NSTemporaryDirectory() + "fg-bad-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Preprocessing says 32 px, the network was built for 16.
        try GenderClassifier(network: network, info: ModelInfo(name: "t", version: "0", classes: ["A", "B"],
                                                               preprocessor: FacePreprocessor(inputSide: 32))).save(to: path, history: [])
        #expect(throws: ClassifierError.self) { try ModelBundle.load(path: path, card: .none) }
        // Three class names for two outputs.
        try GenderClassifier(network: network, info: ModelInfo(name: "t", version: "0", classes: ["A", "B", "C"],
                                                               preprocessor: FacePreprocessor(inputSide: 16))).save(to: path, history: [])
        #expect(throws: ClassifierError.self) { try ModelBundle.load(path: path, card: .none) }
        // A plain safetensors model without FaceGender info.
        try ModelFile.save(network, metadata: [:], to: path)
        #expect(throws: ClassifierError.self) { try ModelBundle.load(path: path, card: .none) }
    }

    func crops(_ count: Int, side: Int) -> [RGBImage] {
        var rng = RandomGenerator(seed: 11)
        return (0..<count).map { _ in
            var image = RGBImage(width: side, height: side)
            for i in 0..<image.pixels.count { image.pixels[i] = UInt8(truncatingIfNeeded: Int(rng.next() % 256)) }
            return image
        }
    }

    /// Crops are seen in every view of `views.scales`; their logits are the mean of the views' logits.
    @Test func viewsAreAveragedPerCrop() throws {
        let classifier = try classifier(flip: true)
        let faces = crops(3, side: classifier.info.preprocessor.cropSide)
        func single(_ scale: Double) -> [Float] {
            classifier.info.views.scales = [scale]
            return classifier.logits(crops: faces).array
        }
        let zoomedOut = single(0.9), centre = single(1), zoomedIn = single(1.1)
        #expect(zoomedOut.count == 3 * 2)
        #expect(zoomedOut != centre && zoomedIn != centre, "the views see different pixels")
        classifier.info.views.scales = [0.9, 1, 1.1]
        let averaged = classifier.logits(crops: faces).array
        #expect(averaged.count == 3 * 2)
        for i in averaged.indices { #expect(abs(averaged[i] - (zoomedOut[i] + centre[i] + zoomedIn[i]) / 3) < 1e-5) }
        let p = classifier.probabilities(crops: faces)
        #expect(p.count == 3 && p.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-9 })
    }

    /// The product's architectures stay inside the 2M-parameter budget; the gated one costs ~2% more.
    @Test func productArchitecturesFitTheBudget() throws {
        let one = Parallelism(workers: 1)
        let plain = try Network(spec: Architecture.resnetSmall.spec(inputSide: 64, classes: 6, dropout: 0.2), seed: 1, parallelism: one)
        let gated = try Network(spec: Architecture.resnetSmallSE.spec(inputSide: 64, classes: 6, dropout: 0.2), seed: 1, parallelism: one)
        #expect(plain.parameterCount == 1_588_070)
        #expect(gated.parameterCount == plain.parameterCount + 27_344)
        #expect(gated.parameterCount <= 2_000_000)
        #expect(Double(gated.forwardFlops) / Double(plain.forwardFlops) < 1.02)
    }
}
