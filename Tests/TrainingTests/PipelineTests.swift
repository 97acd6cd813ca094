import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderEvaluation
import FaceGenderTraining
import Foundation
import TestSupport
import Testing

/// Tiny end-to-end runs: a few dozen photos, a tiny network, a couple of epochs.
@Suite(.serialized) struct PipelineTests {
    func config(epochs: Int = 2) -> TrainingConfig {
        var c = TrainingConfig()
        c.architecture = Architecture.tiny.rawValue
        c.inputSide = 32; c.epochs = epochs; c.batchSize = 8; c.learningRate = 3e-3; c.patience = 0; c.workers = 2
        return c
    }

    func trainer(_ data: TinyData, _ config: TrainingConfig, runDir: String, faceMargin: Double = 1.2,
                 observe: @escaping (TrainingEvent) -> Void = { _ in }) throws -> Trainer {
        let pre = FacePreprocessor(inputSide: config.inputSide, faceMargin: faceMargin)
        let detector = try makeDetector()
        let train = try LabeledDataset.folder(data.path("Train")), val = try LabeledDataset.folder(data.path("Validation"))
        let crops = { (d: LabeledDataset) in FaceCrops.build(d.samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: 2) }
        return try Trainer(config: config, info: ModelInfo(name: "t", version: "0", classes: train.classes, preprocessor: pre),
                           train: (crops(train), train.samples.map { .output($0.label) }), validation: (crops(val), val.samples.map(\.label)),
                           runDirectory: runDir, observe: observe)
    }

    let settings = CalibrationSettings(views: TestTimeViews(scales: [1], mirror: .averaged), targetAccuracy: 0.97)

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fg-run-\(UUID().uuidString)").path
    }

    @Test func trainingAndServingSeeTheSameTensor() throws {
        let data = try TinyData(perClass: ["Train": 2, "Validation": 1])
        defer { data.remove() }
        let pre = FacePreprocessor(inputSide: 48)
        let detector = try makeDetector()
        let samples = try LabeledDataset.folder(data.path("Train")).samples
        // Training path: cached crops, written without augmentation.
        let crops = FaceCrops.build(samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: 2)
        let trainingBatch = Tensor(shape: [samples.count, 3, 48, 48])
        for i in samples.indices { pre.write(crops.crop(i), into: trainingBatch, index: i) }
        // Serving path: decode, detect, crop, write.
        for (i, sample) in samples.enumerated() {
            let image = try ImageDecoder().decodeFile(atPath: sample.path)
            let face = detector.detect(in: image).first ?? pre.wholeImageBox(image)
            let serving = pre.tensor(image, face: face)
            let plane = serving.count
            #expect(Array(UnsafeBufferPointer(start: trainingBatch.data + i * plane, count: plane)) == serving.array)
        }
    }

    /// A labelled face of a scene photo is cropped from the detection that matches it; one the detector does not
    /// find is left out (`.missed`), not classified on the whole photo.
    @Test func sceneFacesAreCroppedFromTheirMatchingDetection() throws {
        let portrait = try ImageDecoder().decodeFile(atPath: try utkfacePhotos("Validation", "Female", count: 1)[0].path)
        var scene = RGBImage(width: 480, height: 320, fill: (120, 120, 120))
        let small = Resampler.resize(portrait, width: 160, height: 160)
        for y in 0..<160 { for x in 0..<160 { for c in 0..<3 { scene.pixels[((80 + y) * 480 + 40 + x) * 3 + c] = small.pixels[(y * 160 + x) * 3 + c] } } }
        let path = temporaryDirectory() + ".jpg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JPEGEncoder.encode(scene).write(to: URL(fileURLWithPath: path))
        let detector = try makeDetector()
        let found = try #require(detector.detect(in: try ImageDecoder().decodeFile(atPath: path)).first)
        let pre = FacePreprocessor(inputSide: 32)
        let samples = [LabeledSample(path: path, label: 0, face: FaceBox(x: found.x + 3, y: found.y - 2, width: found.width, height: found.height, score: 1)),
                       LabeledSample(path: path, label: 1, face: FaceBox(x: 330, y: 100, width: 80, height: 80, score: 1))]
        let crops = FaceCrops.build(samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: 2)
        #expect(crops.sources == [.detected, .missed] && crops.missedCount == 1)
        let expected = pre.crop(try ImageDecoder().decodeFile(atPath: path), face: found)
        #expect(crops.crop(0) == expected)
    }

    @Test func cropCacheReadsBackWhatItWrote() throws {
        let data = try TinyData(perClass: ["Train": 3, "Validation": 1])
        defer { data.remove() }
        let cacheDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: cacheDir) }
        let pre = FacePreprocessor(inputSide: 48), detector = try makeDetector()
        let samples = try LabeledDataset.folder(data.path("Train")).samples
        func load() -> FaceCrops {
            FaceCrops.cached(samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: 2, cacheDir: cacheDir,
                             warn: { Issue.record("unexpected warning: \($0)") })
        }
        let built = load()
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheDir).count == 1)
        // With the photos gone, only the cache file can give the same crops back.
        for sample in samples { try FileManager.default.removeItem(atPath: sample.path) }
        let read = load()
        #expect(read.pixels == built.pixels && read.sources == built.sources && read.inside == built.inside)
        #expect(!built.inside.allSatisfy { $0.isWhole(side: pre.cropSide) }, "aligned photos' crops reach past the photo")
    }

    /// A cache that cannot be written is said, not swallowed; the crops are built all the same.
    @Test func anUnwritableCropCacheIsReported() throws {
        let data = try TinyData(perClass: ["Train": 2, "Validation": 1])
        defer { data.remove() }
        let pre = FacePreprocessor(inputSide: 48)
        let samples = try LabeledDataset.folder(data.path("Train")).samples
        var warnings: [String] = []
        let crops = FaceCrops.cached(samples, preprocessor: pre, detector: try makeDetector(), decoder: ImageDecoder(), workers: 2,
                                     cacheDir: "/dev/null/cache", warn: { warnings.append($0) })
        #expect(crops.count == samples.count && crops.unreadableCount == 0)
        #expect(warnings.count == 1 && warnings[0].contains("/dev/null/cache"), "\(warnings)")
    }

    @Test func tinyTrainingLearnsAndWritesCheckpoints() throws {
        let data = try TinyData()
        defer { data.remove() }
        let runDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        var events: [TrainingEvent] = []
        let t = try trainer(data, config(epochs: 3), runDir: runDir, observe: { events.append($0) })
        let result = try t.run(stop: StopFlag())
        #expect(result.state.history.count == 3)
        // The observer hears every epoch start and end, and every step, in order.
        let kinds = events.map { e -> String in
            switch e {
            case .epochStarted: return "start"
            case .stepFinished: return "step"
            case .epochFinished: return "end"
            case .note: return "note"
            }
        }
        let steps = result.state.globalStep / 3
        #expect(kinds == Array(repeating: ["start"] + Array(repeating: "step", count: steps) + ["end"], count: 3).flatMap { $0 })
        #expect(!result.interrupted && !result.stoppedEarly)
        #expect(result.state.history.allSatisfy { $0.trainLoss.isFinite && $0.validationLoss.isFinite })
        #expect(FileManager.default.fileExists(atPath: t.checkpointFile) && FileManager.default.fileExists(atPath: t.bestFile))
        let best = try ModelBundle.load(path: t.bestFile, card: .none)
        #expect(best.info.classes == ["Female", "Male"] && best.history.count == result.state.bestEpoch + 1)
    }

    @Test func resumeContinuesExactly() throws {
        let data = try TinyData()
        defer { data.remove() }
        let straightDir = temporaryDirectory(), resumedDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: straightDir); try? FileManager.default.removeItem(atPath: resumedDir) }
        let settings = config()

        let straight = try trainer(data, settings, runDir: straightDir)
        _ = try straight.run(stop: StopFlag())

        // Stop after the first step (as Ctrl-C would), then resume in a fresh trainer.
        let first = try trainer(data, settings, runDir: resumedDir)
        let stop = StopFlag()
        stop.stop()
        let partial = try first.run(stop: stop)
        #expect(partial.interrupted && partial.state.globalStep == 1)
        let second = try trainer(data, settings, runDir: resumedDir)
        try second.resume()
        #expect(second.state.globalStep == 1 && second.state.batchInEpoch == 1)
        let finished = try second.run(stop: StopFlag())
        #expect(finished.state.globalStep == straight.state.globalStep)

        expectSameTensors(straight.network.namedTensors, second.network.namedTensors, "after resume")
        #expect(finished.state.history.map(\.validationLoss) == straight.state.history.map(\.validationLoss))
        expectSameTensors(try #require(straight.average).state, try #require(second.average).state, "after resume")
    }

    func expectSameTensors(_ a: [NamedTensor], _ b: [NamedTensor], _ context: String) {
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) { #expect(x.tensor.array == y.tensor.array, "\(x.name) differs \(context)") }
    }

    @Test func theWeightAverageIsWhatIsValidatedAndKept() throws {
        let data = try TinyData(perClass: ["Train": 6, "Validation": 2])
        defer { data.remove() }
        let runDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        var c = config(epochs: 1)
        c.weightAverageDecay = 0.9
        let t = try trainer(data, c, runDir: runDir)
        _ = try t.run(stop: StopFlag())
        let average = try #require(t.average)
        let best = try SafeTensorsFile.read(from: t.bestFile)
        for (live, averaged) in zip(t.network.namedTensors, average.state) {
            #expect(best.tensors[live.name]?.values == averaged.tensor.array, "\(live.name) in best is not the average")
        }
        #expect(zip(t.network.namedTensors, average.state).contains { $0.tensor.array != $1.tensor.array },
                "training goes on with the live weights, not the average")
    }

    @Test func averagingLeavesTrainingUnchanged() throws {
        let data = try TinyData(perClass: ["Train": 6, "Validation": 2])
        defer { data.remove() }
        let runDirs = [temporaryDirectory(), temporaryDirectory()]
        defer { for d in runDirs { try? FileManager.default.removeItem(atPath: d) } }
        var averaged = config(epochs: 2), plain = config(epochs: 2)
        averaged.weightAverageDecay = 0.9
        plain.weightAverageDecay = 0
        let a = try trainer(data, averaged, runDir: runDirs[0]), b = try trainer(data, plain, runDir: runDirs[1])
        #expect(b.average == nil)
        // Validation after epoch 1 swaps the average in and out; the live weights must come back bit for bit.
        _ = try a.run(stop: StopFlag())
        _ = try b.run(stop: StopFlag())
        expectSameTensors(a.network.namedTensors, b.network.namedTensors, "with and without averaging")
    }

    @Test func classesSplitByAgeTrainAndAnswerTheClasses() throws {
        let data = try TinyData()
        defer { data.remove() }
        let runDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        let pre = FacePreprocessor(inputSide: 32), detector = try makeDetector()
        let train = try LabeledDataset.folder(data.path("Train")), val = try LabeledDataset.folder(data.path("Validation"))
        let split = try SubclassSplit(samples: train.samples, by: "age_summary")
        #expect(split.names.count > 1)
        #expect(split.withoutGroup == 0)
        #expect(zip(split.targets, train.samples).allSatisfy { target, sample in
            guard case let .output(label) = target else { return false }
            return label / split.names.count == sample.label && split.names[label % split.names.count] == sample.groups["age_summary"]
        })
        var info = ModelInfo(name: "t", version: "0", classes: train.classes, preprocessor: pre)
        info.subclasses = split.names
        var c = config(epochs: 2)
        c.subclassGroup = "age_summary"
        let crops = { (d: LabeledDataset) in FaceCrops.build(d.samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: 2) }
        let valCrops = crops(val)
        let t = try Trainer(config: c, info: info, train: (crops(train), split.targets), validation: (valCrops, val.samples.map(\.label)),
                            runDirectory: runDir, observe: { _ in })
        #expect(t.network.outputShape == [2 * split.names.count])
        let result = try t.run(stop: StopFlag())
        #expect(result.state.history.allSatisfy { $0.validationLoss.isFinite && $0.validationLoss < 2 && $0.trainAccuracy <= 1 })
        let model = runDir + "/model.safetensors"
        let calibrated = try Calibration.finish(best: try ModelBundle.load(path: t.bestFile, card: .none), settings: settings,
                                                validation: (valCrops, val.samples.map(\.label)), history: result.state.history, output: model)
        #expect(calibrated.info.subclasses == split.names)
        let classifier = try ModelBundle.load(path: model, card: .none).classifier()
        let batch = Tensor(shape: [1, 3, 32, 32])
        pre.write(valCrops.crop(0), into: batch, index: 0)
        #expect(classifier.probabilities(batch)[0].count == 2)
    }

    /// Two runs joined by `calibrate --model A --model B`: one model file whose probabilities (before temperature) are the
    /// mean of theirs.
    @Test func ensembleOfTwoRunsIsOneCalibratedModel() throws {
        let data = try TinyData(perClass: ["Train": 4, "Validation": 2])
        defer { data.remove() }
        let runDirs = [temporaryDirectory(), temporaryDirectory()]
        defer { for d in runDirs { try? FileManager.default.removeItem(atPath: d) } }
        var members: [ModelBundle] = []
        for (seed, runDir) in runDirs.enumerated() {
            var c = config(epochs: 1)
            c.seed = UInt64(seed + 1)
            let t = try trainer(data, c, runDir: runDir)
            _ = try t.run(stop: StopFlag())
            members.append(try ModelBundle.load(path: t.bestFile, card: .none))
        }
        let output = runDirs[0] + "/ensemble.safetensors"
        let joined = try ModelBundle.ensemble(members, views: .centre, path: output)
        let val = try LabeledDataset.folder(data.path("Validation"))
        let validation = (crops: FaceCrops.build(val.samples, preprocessor: members[0].info.preprocessor, detector: try makeDetector(),
                                                 decoder: ImageDecoder(), workers: 2), labels: val.samples.map(\.label))
        let finished = try Calibration.finish(best: joined, settings: CalibrationSettings(views: .centre, targetAccuracy: 0.97),
                                              validation: validation, history: joined.history, output: output)
        let ensemble = try ModelBundle.load(path: output, card: .none)
        #expect(ensemble.info == finished.info && ensemble.info.views == .centre)
        #expect(ensemble.history.count == members[0].history.count + members[1].history.count)
        #expect(ensemble.info.metrics["parameters"] == Double(2 * (try members[0].network(parallelism: Parallelism(workers: 1))).parameterCount))
        let pre = ensemble.info.preprocessor, side = pre.inputSide
        let batch = Tensor(shape: [2, 3, side, side])
        for i in 0..<2 { pre.write(validation.crops.crop(i), into: batch, index: i) }
        let single = try members.map { member -> [[Double]] in
            var info = member.info
            info.views = .centre
            info.temperature = 1
            return GenderClassifier(network: try member.network(parallelism: Parallelism(workers: 1)), info: info).probabilities(batch)
        }
        let classifier = try ensemble.classifier()
        classifier.info.temperature = 1
        let mean = classifier.probabilities(batch)
        for i in 0..<2 { for c in 0..<2 { #expect(abs(mean[i][c] - (single[0][i][c] + single[1][i][c]) / 2) < 1e-5) } }

        var renamed = members[1]
        renamed.info.classes = ["Cat", "Dog"]
        #expect(throws: ModelFileError.self) { try ModelBundle.ensemble([members[0], renamed], views: .centre, path: output) }
    }

    @Test func splittingByAMissingOrConstantGroupIsATypedError() throws {
        let samples = [LabeledSample(path: "a.jpg", label: 0, groups: ["age": "0-9"]),
                       LabeledSample(path: "b.jpg", label: 1, groups: ["age": "0-9"])]
        #expect(throws: SubclassError.self) { try SubclassSplit(samples: samples, by: "race") }
        #expect(throws: SubclassError.self) { try SubclassSplit(samples: samples, by: "age") }
    }

    @Test func photosWithoutTheGroupTrainOnTheirClassAlone() throws {
        let samples = [LabeledSample(path: "a.jpg", label: 0, groups: ["age": "0-9"]),
                       LabeledSample(path: "b.jpg", label: 1, groups: ["age": "20-39"]),
                       LabeledSample(path: "c.jpg", label: 1, groups: [:])]
        let split = try SubclassSplit(samples: samples, by: "age")
        #expect(split.names == ["0-9", "20-39"])
        #expect(split.targets == [.output(0), .output(3), .anyOf(2..<4)])
        #expect(split.withoutGroup == 1)
    }

    @Test func resumeRefusesDifferentSettings() throws {
        let data = try TinyData(perClass: ["Train": 4, "Validation": 2])
        defer { data.remove() }
        let runDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        _ = try trainer(data, config(epochs: 1), runDir: runDir).run(stop: StopFlag())
        var other = config(epochs: 1)
        other.learningRate = 0.5
        #expect(throws: CheckpointError.self) { try trainer(data, other, runDir: runDir).resume() }
        #expect(throws: CheckpointError.self, "other crops") { try trainer(data, config(epochs: 1), runDir: runDir, faceMargin: 1.4).resume() }
        try trainer(data, config(epochs: 1), runDir: runDir).resume()
    }

    @Test func evaluationCountsGroupsAndFaces() throws {
        let data = try TinyData()
        defer { data.remove() }
        let runDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        let t = try trainer(data, config(epochs: 1), runDir: runDir)
        let result = try t.run(stop: StopFlag())
        let modelPath = runDir + "/model.safetensors"
        let val = try LabeledDataset.folder(data.path("Validation"))
        let valCrops = FaceCrops.build(val.samples, preprocessor: t.info.preprocessor, detector: try makeDetector(), decoder: ImageDecoder(), workers: 2)
        let (info, _) = try Calibration.finish(best: try ModelBundle.load(path: t.bestFile, card: .none), settings: settings,
                                               validation: (valCrops, val.samples.map(\.label)), history: result.state.history, output: modelPath)
        #expect(info.temperature > 0 && info.abstainBelow >= 0.5)
        let model = try ModelBundle.load(path: modelPath, card: .none)
        #expect(model.history.count == 1 && model.info == info)

        let test = try LabeledDataset.folder(data.path("Test"))
        let outcome = try Evaluator.run(dataset: test, model: model, detector: try makeDetector(), decoder: ImageDecoder(), workers: 2)
        #expect(outcome.samples.count == 16 && outcome.unreadable.isEmpty)
        let summary = EvaluationSummary(samples: outcome.samples, unreadable: 0, classes: info.classes, model: "t", abstainBelow: info.abstainBelow)
        #expect(summary.count == 16)
        #expect(summary.groups["age"].map { $0.values.reduce(0) { $0 + $1.count } } == 16)
        #expect(summary.groups["race"] != nil)
        #expect(summary.confusion.flatMap { $0 }.reduce(0, +) == 16)
        #expect(summary.accuracy >= 0 && summary.accuracy <= 1 && summary.accuracyCI95.low <= summary.accuracy)
        let html = EvaluationReport.html(summary, history: result.state.history, dataName: "tiny")
        #expect(html.contains("<svg") && html.contains("Confusion matrix") && html.contains("Learning curves"))
    }
}
