import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// Everything that defines a detector training run; stored in its checkpoints so `--resume` continues it.
public struct DetectorTrainingConfig: Codable, Equatable, Sendable {
    public var spec = DetectorSpec()
    public var composition = CompositionPolicy()
    public var epochs = 60
    public var stepsPerEpoch = 200
    public var batchSize = 16
    public var learningRate: Float = 3e-3
    public var weightDecay: Float = 0.01
    public var warmupEpochs: Float = 1
    public var gradientClip: Float = 10
    public var landmarkWeight: Float = 0.5
    /// Decay of the moving average of the weights that is validated and kept (0: the last step's weights).
    public var weightAverageDecay: Float = 0.999
    public var seed: UInt64 = 1
    public var workers = 2
    /// Stop (with a checkpoint) after this many seconds; 0: no limit.
    public var timeBudgetSeconds: Double = 0

    public init() {}
}

/// One validated epoch of a detector run.
public struct DetectorEpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var loss: Double, scoreLoss: Double, boxLoss: Double, landmarkLoss: Double
    /// On the validation scenes: the best recall at precision >= 0.9, at which score threshold; and both at score 0.5.
    public var recall: Double, precision: Double, threshold: Double
    public var recallAtHalf: Double, precisionAtHalf: Double
    public var seconds: Double
}

/// Where a detector run stands: with the weights, optimiser state and weight average, enough to continue exactly.
public struct DetectorTrainingState: Codable, Equatable, Sendable {
    public static let currentFormat = 1
    public var format = DetectorTrainingState.currentFormat
    public var config: DetectorTrainingConfig
    public var epoch = 0
    public var step = 0
    public var history: [DetectorEpochRecord] = []
    public var bestRecall: Double = -1
    public var bestEpoch = -1
}

/// Trains the learned detector on composed scenes (`SceneComposer`), validating each epoch on whole scene photos
/// the way it will be used (`DetectorInput`, decoding, NMS, `DetectionMetrics`), keeping the weights with the best
/// recall at 90% precision, with a checkpoint every epoch and on stop.
public final class DetectorTrainer {
    public let config: DetectorTrainingConfig
    public let network: DetectorNetwork
    public let optimizer: AdamW
    public let average: WeightAverage?
    public private(set) var state: DetectorTrainingState
    private let composer: SceneComposer
    private let validation: [(image: RGBImage, faces: [SceneDataset.Face])]
    private let input: DetectorInput
    private let runDirectory: String
    private let observe: (TrainingEvent) -> Void
    private let queue = DispatchQueue(label: "facegender.detector-batches", qos: .userInitiated)

    public init(config: DetectorTrainingConfig, composer: SceneComposer, validation: [(image: RGBImage, faces: [SceneDataset.Face])],
                input: DetectorInput = DetectorInput(), runDirectory: String, observe: @escaping (TrainingEvent) -> Void) throws {
        self.config = config; self.composer = composer; self.validation = validation; self.input = input
        self.runDirectory = runDirectory; self.observe = observe
        network = DetectorNetwork(spec: config.spec, seed: config.seed, parallelism: Parallelism(workers: config.workers))
        optimizer = AdamW(parameters: network.parameters, learningRate: config.learningRate, weightDecay: config.weightDecay)
        average = config.weightAverageDecay > 0 ? WeightAverage(of: network.namedTensors, decay: config.weightAverageDecay) : nil
        state = DetectorTrainingState(config: config)
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    }

    public var checkpointFile: String { runDirectory + "/detector-checkpoint.safetensors" }
    public var bestFile: String { runDirectory + "/detector-best.safetensors" }

    private var schedule: LearningRateSchedule {
        .cosine(warmupSteps: Int(config.warmupEpochs * Float(config.stepsPerEpoch)), totalSteps: config.epochs * config.stepsPerEpoch,
                finalFraction: 0.02)
    }

    /// Two batch buffers: the background queue fills one while training reads the other.
    private let slots = [Tensor(shape: [0]), Tensor(shape: [0])]

    /// A batch drawn from (seed, step) alone, so a resumed run sees the same data, written into `images`.
    func batch(step: Int, into images: Tensor) -> (images: Tensor, targets: DetectionTargets) {
        var rng = RandomGenerator(seed: config.seed &+ UInt64(step + 1) &* 0x9E37_79B9_7F4A_7C15)
        let side = config.composition.side
        let samples = (0..<config.batchSize).map { _ in composer.sample(using: &rng) }
        images.resize([samples.count, 3, side, side])
        for (i, s) in samples.enumerated() { input.write(s.image, into: images, index: i) }
        return (images, DetectionTargets(samples: samples, side: side))
    }

    public func run(stop: StopFlag) throws -> (state: DetectorTrainingState, interrupted: Bool) {
        let start = Date()
        let loss = DetectionLoss(landmarkWeight: config.landmarkWeight)
        while state.epoch < config.epochs {
            observe(.epochStarted(epoch: state.epoch, epochs: config.epochs, batches: config.stepsPerEpoch))
            let epochStart = Date()
            var sums = (loss: 0.0, score: 0.0, box: 0.0, landmarks: 0.0), steps = 0
            var next = prefetch(step: state.step)
            while state.step < (state.epoch + 1) * config.stepsPerEpoch {
                next.wait()
                let (images, targets) = next.result!
                if state.step + 1 < (state.epoch + 1) * config.stepsPerEpoch { next = prefetch(step: state.step + 1) }
                optimizer.learningRate = schedule.rate(at: state.step, peak: config.learningRate)
                let output = network.forward(images, mode: .training)
                let value = loss.forward(output, targets)
                _ = network.backward(loss.gradient)  // fills the parameters' gradients; dL/dimage is not needed
                if config.gradientClip > 0 { clipGradientNorm(network.parameters, maxNorm: config.gradientClip) }
                optimizer.step()
                average?.update(step: state.step)
                state.step += 1; steps += 1
                sums.loss += Double(value); sums.score += Double(loss.parts.score); sums.box += Double(loss.parts.box)
                sums.landmarks += Double(loss.parts.landmarks)
                observe(.stepFinished(EpochProgress(batch: state.step - state.epoch * config.stepsPerEpoch, batches: config.stepsPerEpoch,
                                                    images: steps * config.batchSize, loss: sums.loss / Double(steps), accuracy: 0,
                                                    learningRate: optimizer.learningRate)))
                if stop.isStopped || (config.timeBudgetSeconds > 0 && Date().timeIntervalSince(start) > config.timeBudgetSeconds) {
                    try saveCheckpoint()
                    observe(.note("stopped: checkpoint written to \(checkpointFile); continue with --resume"))
                    return (state, true)
                }
            }
            let measured = withValidatedWeights { validate() }
            let best = DetectionMetrics.bestRecall(atPrecision: 0.9, measured)
            let half = DetectionMetrics.at(0.5, measured)
            let n = Double(max(steps, 1))
            let record = DetectorEpochRecord(epoch: state.epoch + 1, loss: sums.loss / n, scoreLoss: sums.score / n, boxLoss: sums.box / n,
                                             landmarkLoss: sums.landmarks / n, recall: best.recall, precision: best.precision,
                                             threshold: best.threshold, recallAtHalf: half.recall, precisionAtHalf: half.precision,
                                             seconds: Date().timeIntervalSince(epochStart))
            state.history.append(record)
            let improved = best.recall > state.bestRecall
            if improved {
                state.bestRecall = best.recall; state.bestEpoch = state.epoch
                try withValidatedWeights { try save(to: bestFile, threshold: best.threshold, record: record) }
            }
            observe(.note(String(format: "epoch %d/%d  loss %.4f (score %.4f box %.4f landmarks %.4f) | validation recall %.3f at precision %.3f (score >= %.2f); at 0.5: %.3f / %.3f | %.0f s%@",
                                 record.epoch, config.epochs, record.loss, record.scoreLoss, record.boxLoss, record.landmarkLoss,
                                 record.recall, record.precision, record.threshold, record.recallAtHalf, record.precisionAtHalf,
                                 record.seconds, improved ? "  * best" : "")))
            state.epoch += 1
            try saveCheckpoint()
        }
        return (state, false)
    }

    private func prefetch(step: Int) -> Prefetched {
        let item = Prefetched()
        let slot = slots[step % 2]
        queue.async { item.result = self.batch(step: step, into: slot); item.done.signal() }
        return item
    }

    private final class Prefetched: @unchecked Sendable {
        var result: (images: Tensor, targets: DetectionTargets)?
        let done = DispatchSemaphore(value: 0)
        func wait() { done.wait() }
    }

    /// Every validation photo detected as in use (scores from 0.05), matched to its faces.
    public func validate() -> [DetectionMetrics.Matched] {
        let metrics = DetectionMetrics()
        return validation.map { photo in
            let found = LearnedFaceDetector.faces(in: photo.image, network: network, input: input, threshold: 0.05, nmsIoU: 0.4,
                                                  largeFaces: .standard)
            return metrics.match(found, to: photo.faces)
        }
    }

    private func withValidatedWeights<R>(_ body: () throws -> R) rethrows -> R {
        guard let average else { return try body() }
        return try average.withAverage(body)
    }

    private func save(to path: String, threshold: Double, record: DetectorEpochRecord) throws {
        var info = DetectorInfo(name: "facegender-detector", version: ModelVersion.now(), spec: config.spec, input: input,
                                scoreThreshold: threshold, nmsIoU: 0.4)
        info.metrics = ["validation_recall": record.recall, "validation_precision": record.precision, "epoch": Double(record.epoch),
                        "parameters": Double(network.parameterCount)]
        info.trainedAt = ISO8601DateFormatter().string(from: Date())
        try LearnedFaceDetector.save(network, info: info, to: path)
    }

    // MARK: checkpoints

    static let stateKey = "facegender.detector-checkpoint"

    private func saveCheckpoint() throws {
        var file = SafeTensorsFile(metadata: [Self.stateKey: String(decoding: try JSONEncoder().encode(state), as: UTF8.self)])
        for t in network.namedTensors + optimizer.state + (average?.state ?? []) { file.tensors[t.name] = (t.tensor.shape, t.tensor.array) }
        try file.write(to: checkpointFile)
    }

    /// Continues from the run directory's checkpoint, which must have been written with the same settings.
    public func resume() throws {
        let file = try SafeTensorsFile.read(from: checkpointFile)
        guard let json = file.metadata[Self.stateKey],
              let saved = try? JSONDecoder().decode(DetectorTrainingState.self, from: Data(json.utf8)) else {
            throw CheckpointError.notACheckpoint(path: checkpointFile)
        }
        guard saved.config == config else { throw CheckpointError.configMismatch(path: checkpointFile) }
        do { try ModelFile.assign(file.tensors, to: network.namedTensors + optimizer.state + (average?.state ?? [])) } catch {
            throw CheckpointError.configMismatch(path: checkpointFile)
        }
        optimizer.stepCount = saved.step
        state = saved
        observe(.note("resumed from \(checkpointFile) at epoch \(state.epoch + 1), step \(state.step)"))
    }
}
