import ArgumentParser
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderTraining
import Foundation

struct TrainDetector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-detector",
        abstract: "Train the face detector (boxes and five landmarks) from scene photos and portraits with landmarks.",
        discussion: """
            Scenes: a CSV of file,x,y,width,height,blur,occlusion,pose,invalid (one row per face; WIDER FACE's layout in \
            ../shared/datasets/widerface). Portraits: a CSV of file and five landmarks (../shared/datasets/aaf/landmarks.csv), \
            pasted into the scenes at many sizes. Every epoch validates on the validation scenes as in use; the weights with \
            the best recall at 90% precision are kept. A checkpoint is written every epoch and on Ctrl-C; --resume continues.
            """)

    @Option(help: "Training scenes (CSV).") var scenes: String = Shared.path("datasets/widerface/Train.csv")
    @Option(help: "Validation scenes (CSV).") var validationScenes: String = Shared.path("datasets/widerface/Validation.csv")
    @Option(help: "Portraits with landmarks (CSV).") var portraits: String = Shared.path("datasets/aaf/landmarks.csv")
    @Option(help: "Where to write the trained detector.") var output: String = "detector.safetensors"
    @Option(help: "Folder for checkpoints and the best weights.") var runDir: String = "runs/detector"
    @Option(help: "Epochs.") var epochs = 60
    @Option(help: "Steps per epoch.") var stepsPerEpoch = 200
    @Option(help: "Training images per step.") var batchSize = 16
    @Option(help: "Side of the training images.") var side = 320
    @Option(help: "Peak learning rate.") var learningRate: Float = 3e-3
    @Option(help: "Channels of the pyramid and heads.") var pyramidChannels = 48
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads.") var workers = 2
    @Option(help: "Stop (with a checkpoint) after this many minutes; 0: no limit.") var timeBudgetMinutes: Double = 0
    @Flag(help: "Continue the run in --run-dir from its checkpoint.") var resume = false
    @Option(help: "More portraits to paste: labelled photos (a folder of class folders, or a CSV), boxed by --labeller; repeatable.")
    var extraPortraits: [String] = []
    @Option(help: "A learned detector that boxes the --extra-portraits (their largest face, with landmarks).") var labeller: String?
    @Option(help: "At most this many photos from each --extra-portraits, evenly spread.") var extraPortraitLimit = 3000
    @Option(help: "Share of training images taken as in low light: darkened (gain 0.2-0.7), then with sensor noise.") var lowLight = 0.0
    @Option(help: "Share of the other training images with sensor noise (Gaussian, standard deviation 3-16 of 255).") var noise = 0.0
    @Option(help: "Draw scene photos holding a face of perceived skin type IV-VI this many times as often as the others.")
    var skinIvViWeight = 1.0

    func validate() throws {
        guard epochs > 0, stepsPerEpoch > 0, batchSize > 0, learningRate > 0, workers > 0, pyramidChannels > 0 else {
            throw ValidationError("--epochs, --steps-per-epoch, --batch-size, --learning-rate, --pyramid-channels and --workers must be positive")
        }
        guard (0...1).contains(lowLight), (0...1).contains(noise) else { throw ValidationError("--low-light and --noise are shares from 0 to 1") }
        guard skinIvViWeight > 0 else { throw ValidationError("--skin-iv-vi-weight must be positive") }
        guard side >= 64, side % 32 == 0 else { throw ValidationError("--side must be a multiple of 32, at least 64") }
        guard extraPortraits.isEmpty || labeller != nil else { throw ValidationError("--extra-portraits need a --labeller detector to box them") }
    }

    var config: DetectorTrainingConfig {
        var c = DetectorTrainingConfig()
        c.spec.pyramidChannels = pyramidChannels
        c.composition.side = side
        c.composition.lowLightProbability = lowLight; c.composition.noiseProbability = noise
        c.composition.skinIVtoVISceneWeight = skinIvViWeight
        c.epochs = epochs; c.stepsPerEpoch = stepsPerEpoch; c.batchSize = batchSize; c.learningRate = learningRate
        c.seed = seed; c.workers = workers; c.timeBudgetSeconds = timeBudgetMinutes * 60
        return c
    }

    func run() async throws {
        let config = self.config
        let training = try SceneDataset.load(csv: scenes), landmarks = try PortraitLandmarks.load(csv: portraits)
        let validation = try SceneDataset.load(csv: validationScenes)
        log("scenes: \(training.photos.count) training photos (\(training.photos.reduce(0) { $0 + $1.faces.count }) faces), "
            + "\(validation.photos.count) validation; \(landmarks.portraits.count) portraits")
        var (composer, unreadable) = SceneComposer.load(scenes: training, portraits: landmarks, policy: config.composition, workers: workers)
        for path in unreadable.prefix(10) { log("skipped unreadable photo \(path)") }
        if let labeller {
            let detector = try LearnedFaceDetector(contentsOf: labeller)
            for source in extraPortraits {
                let photos = try LabeledDataset.load(source).samples.map(\.path)
                let step = max(1, photos.count / extraPortraitLimit)
                let chosen = stride(from: 0, to: photos.count, by: step).prefix(extraPortraitLimit).map { photos[$0] }
                let boxed = SceneComposer.labelledPortraits(chosen, labeller: detector, workers: workers)
                log("\(source): \(boxed.count) of \(chosen.count) photos boxed by \(labeller) become portraits to paste")
                composer = composer.adding(boxed)
            }
        }
        let decoder = ImageDecoder()
        let validationPhotos = try validation.photos.map { (try decoder.decodeFile(atPath: $0.path), $0.faces) }
        let trainingLog = TrainingLog()
        let trainer = try DetectorTrainer(config: config, composer: composer, validation: validationPhotos, runDirectory: runDir,
                                          observe: trainingLog.observe)
        if resume { try trainer.resume() }
        log("detector: \(trainer.network.parameterCount) parameters")
        let stop = StopFlag()
        let signals = StopSignals(stop: stop)
        defer { _ = signals }
        let (state, interrupted) = try trainer.run(stop: stop)
        if interrupted { throw ExitCode(130) }
        guard state.bestEpoch >= 0 else { throw ValidationError("no epoch finished; nothing to write") }
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        try FileManager.default.copyItem(atPath: trainer.bestFile, toPath: output)
        log(String(format: "best: epoch %d, validation recall %.3f at precision >= 0.9; detector written to %@",
                   state.bestEpoch + 1, state.bestRecall, output))
    }
}

/// Default paths inside the project's shared data (../shared, or $FACEGENDER_SHARED).
enum Shared {
    static func path(_ relative: String) -> String {
        let root = ProcessInfo.processInfo.environment["FACEGENDER_SHARED"].flatMap { $0.isEmpty ? nil : $0 } ?? "../shared"
        return root + "/" + relative
    }
}
