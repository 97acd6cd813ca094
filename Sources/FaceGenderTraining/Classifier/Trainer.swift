import FaceGenderEvaluation
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// What a finished (or stopped) run produced.
public struct TrainingResult: Sendable {
    public var state: TrainingState
    public var stoppedEarly: Bool
    public var interrupted: Bool
    public var seconds: Double
}

/// The training loop: seeded shuffles, background augmentation, validation every epoch (of the weight average
/// when there is one), best weights kept by validation loss, early stopping, and a checkpoint every epoch and on stop.
public final class Trainer {
    public let config: TrainingConfig
    public let network: Network
    public let optimizer: Optimizer
    /// The moving average of the weights, which is validated and saved as best (nil: the live weights are).
    public let average: WeightAverage?
    public var info: ModelInfo
    public var state: TrainingState
    private let train: (crops: FaceCrops, targets: [OutputTarget])
    private let validation: (crops: FaceCrops, labels: [Int])
    private let trainGroups: [[String: String]]
    /// Each validation photo's dataset (group `dataset`), for per-dataset accuracy; empty: one dataset.
    private let validationDatasets: [String?]
    private let checkpointPath: String
    private let bestPath: String
    private let observe: (TrainingEvent) -> Void

    /// With `info.subclasses`, training targets are (class, subclass) pairs numbered class x subclasses + subclass
    /// (`SubclassSplit`); validation labels are always classes, as validation measures what the model answers.
    public init(config: TrainingConfig, info: ModelInfo, train: (FaceCrops, [OutputTarget]), validation: (FaceCrops, [Int]),
                trainGroups: [[String: String]] = [], validationGroups: [[String: String]] = [], runDirectory: String,
                observe: @escaping (TrainingEvent) -> Void) throws {
        guard let architecture = Architecture(rawValue: config.architecture) else {
            throw TrainingError.unknownArchitecture(config.architecture)
        }
        self.config = config
        self.info = info
        let outputs = info.classes.count * info.outputsPerClass
        let spec = architecture.spec(inputSide: config.inputSide, classes: outputs, dropout: config.dropout)
        network = try Network(spec: spec, seed: config.seed, parallelism: Parallelism(workers: config.workers))
        optimizer = AdamW(parameters: network.parameters, learningRate: config.learningRate, weightDecay: config.weightDecay)
        average = config.weightAverageDecay > 0 ? WeightAverage(of: network.namedTensors, decay: config.weightAverageDecay) : nil
        self.train = train
        self.validation = validation
        self.trainGroups = trainGroups
        let datasets = validationGroups.map { $0["dataset"] }
        validationDatasets = Set(datasets.compactMap { $0 }).count > 1 ? datasets : []
        state = TrainingState(config: config, classes: info.classes)
        checkpointPath = runDirectory + "/checkpoint.safetensors"
        bestPath = runDirectory + "/best.safetensors"
        self.observe = observe
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    }

    public var checkpointFile: String { checkpointPath }
    public var bestFile: String { bestPath }

    /// Continues from the run directory's checkpoint. The settings and the crops (face margin, input side) must
    /// match the ones it was written with.
    public func resume() throws {
        let (restored, savedInfo) = try Checkpoint.restore(from: checkpointPath, network: network, optimizer: optimizer, average: average)
        guard restored.config == config, restored.classes == info.classes, savedInfo.preprocessor == info.preprocessor else {
            throw CheckpointError.configMismatch(path: checkpointPath)
        }
        state = restored
        observe(.note("resumed from \(checkpointPath) at epoch \(state.epoch + 1), batch \(state.batchInEpoch)"))
    }

    private var batchesPerEpoch: Int { (train.targets.count + config.batchSize - 1) / config.batchSize }

    private var schedule: LearningRateSchedule {
        let total = batchesPerEpoch * config.epochs
        let warmup = Int(config.warmupEpochs * Float(batchesPerEpoch))
        switch config.schedule {
        case .cosine: return .cosine(warmupSteps: warmup, totalSteps: total, finalFraction: 0.01)
        case .onecycle: return .oneCycle(totalSteps: total, rampFraction: 0.25)
        case .constant: return .constant(warmupSteps: warmup)
        }
    }

    /// The epoch's sample order: a shuffle seeded by (seed, epoch) alone, with oversampled groups drawn more often.
    func order(epoch: Int) -> [Int] {
        var rng = RandomGenerator(seed: config.seed &+ UInt64(epoch + 1) &* 0xD1B5_4A32_D192_ED03)
        let readable = train.crops.sources.indices.filter { train.crops.sources[$0].isUsable }
        guard !config.oversample.isEmpty, trainGroups.count == train.targets.count else { return readable.shuffled(using: &rng) }
        return GroupOversampling.epochOrder(readable, factors: { GroupOversampling.factor(config.oversample, groups: trainGroups[$0]) },
                                            using: &rng)
    }

    public func run(stop: StopFlag) throws -> TrainingResult {
        let start = Date()
        let loss = SoftmaxCrossEntropy(labelSmoothing: config.labelSmoothing)
        var stoppedEarly = false, interrupted = false
        epochs: while state.epoch < config.epochs {
            let epoch = state.epoch
            let loader = BatchLoader(crops: train.crops, targets: train.targets, order: order(epoch: epoch), batchSize: config.batchSize,
                                     preprocessor: info.preprocessor, policy: config.augmentation,
                                     seed: config.seed ^ UInt64(epoch) << 32, startBatch: state.batchInEpoch)
            observe(.epochStarted(epoch: epoch, epochs: config.epochs, batches: loader.batchCount))
            let epochStart = Date()
            let secondsBefore = state.partialSeconds, seenBefore = state.partialSeen
            while let batch = loader.next() {
                step(batch, loss: loss)
                state.partialSeconds = secondsBefore + Date().timeIntervalSince(epochStart)
                observe(.stepFinished(EpochProgress(
                    batch: state.batchInEpoch, batches: loader.batchCount, images: state.partialSeen - seenBefore,
                    loss: state.partialLoss / Double(state.partialSeen), accuracy: Double(state.partialCorrect) / Double(state.partialSeen),
                    learningRate: optimizer.learningRate)))
                if stop.isStopped || budgetExceeded(start) {
                    try saveCheckpoint()
                    interrupted = true
                    observe(.note("stopped: checkpoint written to \(checkpointPath); continue with --resume"))
                    break epochs
                }
            }
            try finishEpoch(epoch)
            if config.patience > 0 && state.epochsWithoutImprovement >= config.patience {
                observe(.note("early stop: validation loss has not improved for \(config.patience) epochs (best at epoch \(state.bestEpoch + 1))"))
                stoppedEarly = true
                break
            }
        }
        return TrainingResult(state: state, stoppedEarly: stoppedEarly, interrupted: interrupted, seconds: Date().timeIntervalSince(start))
    }

    /// One optimisation step on `batch`, counted into the epoch's running numbers.
    private func step(_ batch: BatchLoader.Batch, loss: SoftmaxCrossEntropy) {
        optimizer.learningRate = schedule.rate(at: state.globalStep, peak: config.learningRate)
        network.reseedRandomLayers(config.seed &+ UInt64(state.globalStep) &* 0x2545_F491_4F6C_DD1D)
        let logits = network.forward(batch.images, mode: .training)
        let value = loss.forward(logits: logits, targets: batch.targets)
        network.backward(loss.gradient)
        if config.gradientClip > 0 { clipGradientNorm(network.parameters, maxNorm: config.gradientClip) }
        optimizer.step()
        average?.update(step: state.globalStep)
        // Right when the most probable output belongs to the label's class (with subclasses, any of its).
        let k = logits.sampleCount, s = info.outputsPerClass
        state.partialCorrect += batch.targets.indices.filter { i in
            (0..<k).max { logits[i * k + $0] < logits[i * k + $1] }.map { $0 / s } == batch.targets[i].outputs.lowerBound / s
        }.count
        state.partialLoss += Double(value) * Double(batch.targets.count)
        state.partialSeen += batch.targets.count
        state.batchInEpoch += 1
        state.globalStep += 1
    }

    private func budgetExceeded(_ start: Date) -> Bool {
        config.timeBudgetSeconds > 0 && Date().timeIntervalSince(start) > config.timeBudgetSeconds
    }

    private func finishEpoch(_ epoch: Int) throws {
        let (valLoss, valAccuracy, logits) = withValidatedWeights { evaluateValidation() }
        let record = EpochRecord(
            epoch: epoch + 1, trainLoss: state.partialLoss / Double(max(state.partialSeen, 1)),
            trainAccuracy: Double(state.partialCorrect) / Double(max(state.partialSeen, 1)),
            validationLoss: valLoss, validationAccuracy: valAccuracy,
            learningRate: Double(optimizer.learningRate), seconds: state.partialSeconds,
            imagesPerSecond: Double(state.partialSeen) / max(state.partialSeconds, 1e-9),
            validationAccuracyByDataset: accuracyByDataset(logits))
        state.history.append(record)
        let improved = valLoss < (state.bestValidationLoss ?? .infinity)
        if improved {
            state.bestValidationLoss = valLoss
            state.bestEpoch = epoch
            state.epochsWithoutImprovement = 0
            try withValidatedWeights { try GenderClassifier(network: network, info: info).save(to: bestPath, history: state.history) }
        } else {
            state.epochsWithoutImprovement += 1
        }
        observe(.epochFinished(record, epochs: config.epochs, isBest: improved))
        state.epoch += 1
        state.batchInEpoch = 0
        state.partialLoss = 0; state.partialCorrect = 0; state.partialSeen = 0; state.partialSeconds = 0
        try saveCheckpoint()
    }

    private func saveCheckpoint() throws {
        try Checkpoint.save(network: network, optimizer: optimizer, average: average, state: state, info: info, to: checkpointPath)
    }

    /// Runs `body` with the weights that are validated and kept: the average when there is one.
    private func withValidatedWeights<R>(_ body: () throws -> R) rethrows -> R {
        guard let average else { return try body() }
        return try average.withAverage(body)
    }

    /// The validation accuracy of each dataset, from the per-class logits of the readable validation crops.
    private func accuracyByDataset(_ logits: [Float]) -> [String: Double] {
        guard !validationDatasets.isEmpty else { return [:] }
        let readable = validation.crops.sources.indices.filter { validation.crops.sources[$0].isUsable }
        let k = info.classes.count
        var counts: [String: (right: Int, all: Int)] = [:]
        for (row, i) in readable.enumerated() {
            guard let name = validationDatasets[i] else { continue }
            let predicted = (0..<k).max { logits[row * k + $0] < logits[row * k + $1] }!
            let c = counts[name] ?? (0, 0)
            counts[name] = (c.right + (predicted == validation.labels[i] ? 1 : 0), c.all + 1)
        }
        return counts.mapValues { Double($0.right) / Double(max($0.all, 1)) }
    }

    /// Validation loss (plain NLL of the classes, no smoothing), accuracy, and the per-class logits, of the centre
    /// view alone (the views of use are chosen at calibration).
    public func evaluateValidation() -> (loss: Double, accuracy: Double, logits: [Float]) {
        var plain = info
        plain.views = .centre
        let classifier = GenderClassifier(network: network, info: plain)
        let (logits, labels) = Trainer.logits(crops: validation.crops, labels: validation.labels, batchSize: 128) {
            classifier.logits(crops: $0)
        }
        let k = info.classes.count
        let nll = TemperatureScaler.negativeLogLikelihood(logits: logits, classes: k, labels: labels, temperature: 1)
        let predicted = labels.indices.map { i in (0..<k).max { logits[i * k + $0] < logits[i * k + $1] }! }
        return (nll, Metrics.accuracy(labels: labels, predicted: predicted), logits)
    }

    /// Per-class logits of every usable crop, `batchSize` crops per call of `forward`, and their labels.
    public static func logits(crops: FaceCrops, labels: [Int], batchSize: Int,
                              forward: ([RGBImage]) -> Tensor) -> ([Float], [Int]) {
        let readable = crops.sources.indices.filter { crops.sources[$0].isUsable }
        var out: [Float] = []
        var start = 0
        while start < readable.count {
            let members = readable[start..<min(readable.count, start + batchSize)]
            out += forward(members.map { crops.crop($0) }).array
            start += batchSize
        }
        return (out, readable.map { labels[$0] })
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case unknownArchitecture(String)
    case noUsableSamples(split: String)

    public var description: String {
        switch self {
        case let .unknownArchitecture(name):
            return "unknown architecture \(name); choose one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .noUsableSamples(split): return "no readable photos in the \(split) split"
        }
    }
}
