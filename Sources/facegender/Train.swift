import ArgumentParser
import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderEvaluation
import FaceGenderModel
import FaceGenderTraining
import Foundation

struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a classifier from DIR/{Train,Validation[,Test]}/<class>/*.jpg (or DIR/<Split>.csv).",
        discussion: """
            Validation is measured every epoch; the weights with the lowest validation loss are kept, and training \
            stops early when it stops improving. A checkpoint is written every epoch and on Ctrl-C; --resume continues \
            exactly. The Test split is never measured here (its photos are read only so that copies of them stay out of \
            training): run `facegender evaluate` on it once, at the end. A split may be a CSV instead of a folder, \
            DIR/Train.csv with the header file,label[,group...] (files relative to the CSV); group columns serve \
            --oversample and --subclasses-by as UTKFace file names do.
            """)

    @Option(help: "[NAME=]DIR: a dataset root holding Train/ and Validation/ class folders (e.g. ../shared/datasets/utkface), or Train.csv and Validation.csv of file,label[,group...], or of scene faces with perceived gender (WIDER's columns, e.g. ../shared/datasets/widerface: each face of 40 px or more, cropped from the detection that matches it); repeat for several datasets, trained on together (their photos carry the group dataset=NAME, e.g. for --oversample dataset=celeba:0.5).")
    var data: [DatasetArgument]

    @Option(help: "Where to write the trained model (.safetensors).")
    var output: String = "model.safetensors"

    @Option(help: "Folder for checkpoints, learning curves and the training report.")
    var runDir: String = "runs/latest"

    @Option(help: "Folder caching decoded face crops between runs (empty: no cache).")
    var cacheDir: String = "runs/cache"

    @Option(help: "Network: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var architecture: String = Architecture.resnetSmall.rawValue

    @Option(help: "Side of the network input in pixels.") var inputSide = 64
    @Option(help: "The network sees the detected face box enlarged this many times (hair, jaw, some background).")
    var faceMargin = 1.2
    @Option(help: "Maximum number of epochs.") var epochs = 30
    @Option(help: "Images per step.") var batchSize = 64
    @Option(help: "Peak learning rate.") var learningRate: Float = 2e-3
    @Option(help: "Learning-rate schedule: cosine, onecycle or constant (all with warm-up).") var schedule: TrainingConfig.ScheduleKind = .cosine
    @Option(help: "Decoupled weight decay.") var weightDecay: Float = 0.05
    @Option(help: "Label smoothing of the cross-entropy.") var labelSmoothing: Float = 0.1
    @Option(help: "Dropout before the classifier layer.") var dropout: Float = 0.2
    @Flag(help: "Train without augmentation (for comparison; expect overfitting).") var noAugmentation = false
    @Option(help: "Share of samples whose crop area outside the photo (replicated edges) is replaced by other content.")
    var outsideFill: Float = 0.5
    @Option(help: "Rotation of training crops, uniform in ± this many degrees.") var maxRotation: Float = 10
    @Option(help: "Horizontal shear of training crops, uniform in ± this (pose).") var maxShear: Float = 0
    @Option(help: "Probability of blurring a training crop (a 3x3 box filter, once or twice).") var blur: Float = 0
    @Option(help: "Probability of low light: darkened (gamma 1.5-2.5) with sensor noise.") var lowLight: Float = 0
    @Option(help: "Colour cast: each channel's gain uniform in 1 ± this.") var colourCast: Float = 0
    @Option(help: "Decay of the weight moving average that is validated and shipped (0: use the last step's weights).")
    var weightAverageDecay: Float = 0.999
    @Option(help: "Early stopping: epochs without validation improvement (0: never).") var patience = 6
    @Option(help: "Random seed: the same seed and data give the same model.") var seed: UInt64 = 1
    @Option(help: "Worker threads.") var workers = 2
    @Option(help: "Stop (with a checkpoint) after this many minutes; 0: no limit.") var timeBudgetMinutes: Double = 0
    @Option(help: "Show a group's training photos more often, as KEY=VALUE:FACTOR (e.g. age=0-9:2 for UTKFace names); repeatable.")
    var oversample: [String] = []
    @Option(help: "Train on each class split by a group's values, e.g. age_summary (under 10, 10-19, 20+ from UTKFace names); the model still answers the classes.")
    var subclassesBy: String?
    @OptionGroup var detection: DetectorOptions
    @Flag(help: "Train on byte-identical copies too (of validation or test photos, under two classes, or repeated).")
    var keepDuplicates = false
    @Flag(help: "Continue the run in --run-dir from its checkpoint.") var resume = false
    @OptionGroup var views: ViewOptions

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("--data: give at least one dataset") }
        guard Set(data.map(\.name)).count == data.count else { throw ValidationError("--data: every dataset needs its own name (NAME=DIR)") }
        guard Architecture(rawValue: architecture) != nil else {
            throw ValidationError("--architecture must be one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0..<1).contains(weightAverageDecay) else { throw ValidationError("--weight-average-decay must be in [0, 1)") }
        guard (1...3).contains(faceMargin) else { throw ValidationError("--face-margin enlarges the face box, from 1 to 3") }
        guard (0...1).contains(outsideFill) else { throw ValidationError("--outside-fill is a share of samples, from 0 to 1") }
        guard (0...1).contains(blur), (0...1).contains(lowLight) else { throw ValidationError("--blur and --low-light are probabilities, from 0 to 1") }
        guard (0...45).contains(maxRotation), (0...1).contains(maxShear), (0..<1).contains(colourCast) else {
            throw ValidationError("--max-rotation is 0-45 degrees, --max-shear 0-1, --colour-cast 0 to below 1")
        }
        guard epochs > 0, batchSize > 0, learningRate > 0, workers > 0, inputSide >= 16 else {
            throw ValidationError("--epochs, --batch-size, --learning-rate and --workers must be positive, --input-side at least 16")
        }
        for rule in oversample where GroupOversampling(argument: rule) == nil {
            throw ValidationError("--oversample \(rule): expected KEY=VALUE:FACTOR with a positive factor, e.g. age=0-9:2")
        }
        guard (0..<1).contains(dropout), (0..<1).contains(labelSmoothing) else { throw ValidationError("--dropout and --label-smoothing must be in [0, 1)") }
    }

    var trainingConfig: TrainingConfig {
        var c = TrainingConfig()
        c.architecture = architecture; c.inputSide = inputSide; c.epochs = epochs; c.batchSize = batchSize
        c.learningRate = learningRate; c.schedule = schedule; c.weightDecay = weightDecay
        c.labelSmoothing = labelSmoothing; c.dropout = dropout; c.patience = patience; c.seed = seed; c.workers = workers
        c.timeBudgetSeconds = timeBudgetMinutes * 60
        c.oversample = oversample.compactMap(GroupOversampling.init(argument:))
        c.augmentation.outsideFill = outsideFill
        c.augmentation.maxRotation = maxRotation; c.augmentation.maxShear = maxShear; c.augmentation.blur = blur
        c.augmentation.lowLight = lowLight; c.augmentation.colourCast = colourCast
        c.weightAverageDecay = weightAverageDecay
        c.subclassGroup = subclassesBy
        if noAugmentation { c.augmentation = .none }
        return c
    }

    func run() async throws {
        let config = trainingConfig
        var splits = try DatasetSplits.union(try data.map { ($0.name, try DatasetSplits.load(root: $0.path)) })
        if !keepDuplicates {
            let duplicates = TrainingDuplicates(splits: splits)
            log(duplicates.description)
            splits.train.samples = duplicates.kept.map { splits.train.samples[$0] }
        }
        let preprocessor = FacePreprocessor(inputSide: inputSide, faceMargin: faceMargin)
        let detector = try detection.make()
        log("data: \(splits.train.samples.count) train, \(splits.validation.samples.count) validation photos; classes \(splits.train.classes)")

        let trainCrops = crops(splits.train, "train", preprocessor, detector)
        let validationCrops = crops(splits.validation, "validation", preprocessor, detector)

        var info = ModelInfo(name: "facegender-\(architecture)", version: ModelVersion.now(), classes: splits.train.classes,
                             preprocessor: preprocessor)
        info.trainedAt = ISO8601DateFormatter().string(from: Date())
        var trainTargets = splits.train.samples.map { OutputTarget.output($0.label) }
        if let key = config.subclassGroup {
            let split = try SubclassSplit(samples: splits.train.samples, by: key)
            info.subclasses = split.names
            trainTargets = split.targets
            log("each class split by \(key) in training: \(split.names.joined(separator: ", "))"
                + (split.withoutGroup > 0 ? "; \(split.withoutGroup) photos without \(key) train on their class alone" : ""))
        }
        let trainingLog = TrainingLog()
        let trainer = try Trainer(config: config, info: info, train: (trainCrops, trainTargets),
                                  validation: (validationCrops, splits.validation.samples.map(\.label)),
                                  trainGroups: splits.train.samples.map(\.groups), validationGroups: splits.validation.samples.map(\.groups),
                                  runDirectory: runDir, observe: trainingLog.observe)
        if resume { try trainer.resume() }
        for rule in config.oversample {
            let matched = splits.train.samples.filter { $0.groups[rule.key] == rule.value }.count
            log("oversampling \(rule): \(matched) of \(splits.train.samples.count) training photos match")
        }
        log("model: \(architecture), \(trainer.network.parameterCount) parameters, "
            + String(format: "%.3f", Double(trainer.network.forwardFlops) / 1e9) + " GFLOP per face")

        let stop = StopFlag()
        let signals = StopSignals(stop: stop)
        defer { _ = signals }
        let result = try trainer.run(stop: stop)
        try LearningCurves.write(result.state.history, to: runDir)
        if result.interrupted { throw ExitCode(130) }

        log("training took \(ProgressBar.clock(result.seconds)); best validation loss at epoch \(result.state.bestEpoch + 1)")
        let validation = (validationCrops, splits.validation.samples.map(\.label))
        let (finalInfo, summary) = try Calibration.finish(best: try ModelBundle.load(path: trainer.bestFile, card: .none),
                                                          settings: CalibrationSettings(views: views.testTimeViews, targetAccuracy: config.abstainTargetAccuracy),
                                                          validation: validation, history: result.state.history, output: output)
        log(summary)
        try TrainingReport.write(history: result.state.history, info: finalInfo, config: config, to: runDir + "/training-report.html")
        log("model written to \(output); learning curves and report in \(runDir)/")
    }

    private func crops(_ set: LabeledDataset, _ name: String, _ pre: FacePreprocessor, _ detector: FaceDetector) -> FaceCrops {
        let bar = ProgressBar(total: set.samples.count, label: "faces (\(name))")
        let crops = FaceCrops.cached(set.samples, preprocessor: pre, detector: detector, decoder: ImageDecoder(), workers: workers,
                                     cacheDir: cacheDir.isEmpty ? nil : cacheDir, warn: log) { bar.update($0) }
        bar.finish()
        log("\(name): \(crops.count - crops.unreadableCount - crops.missedCount) photos, \(crops.wholeImageCount) without a detected face "
            + "(classified on the whole image), \(crops.unreadableCount) unreadable and skipped"
            + (crops.missedCount > 0 ? ", \(crops.missedCount) scene faces the detector misses left out" : ""))
        return crops
    }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension TrainingConfig.ScheduleKind: ExpressibleByArgument {}

/// Turns SIGINT/SIGTERM into a stop request, so training checkpoints before it exits.
final class StopSignals {
    private var sources: [DispatchSourceSignal] = []

    init(stop: StopFlag) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                log("\nsignal \(sig): stopping after this step and writing a checkpoint")
                stop.stop()
            }
            source.resume()
            sources.append(source)
        }
    }
}
