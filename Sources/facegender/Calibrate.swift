import ArgumentParser
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import FaceGenderTraining
import Foundation

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finish a model again: fit temperature and the abstention threshold on validation data, write the model.",
        discussion: "Takes the best weights of --run-dir (best.safetensors) and the learning curves of its checkpoint, or, with "
            + "--model, a finished model file with the learning curves it carries. `train` does this itself at the end; use this "
            + "after changing the validation data, the target accuracy or the views averaged per face.")

    @Option(help: "Dataset root holding Validation/ (the one the run was trained with).") var data: String
    @Option(help: "The training run's folder.") var runDir: String = "runs/latest"
    @Option(help: "A finished model file to calibrate again instead of a run's best weights.") var model: String?
    @Option(help: "Where to write the calibrated model.") var output: String = "model.safetensors"
    @Option(help: "Accuracy the answered (not uncertain) faces should reach on validation data.") var targetAccuracy = 0.97
    @Option(help: "Folder caching decoded face crops between runs (empty: no cache).") var cacheDir: String = "runs/cache"
    @Option(help: "Haar cascade XML (default: Debian's opencv-data).") var cascade: String?
    @Option(help: "Worker threads.") var workers = 2
    @Flag(help: "Do not average each face's prediction with its mirror image's.") var noFlipAveraging = false
    @Option(help: "Zoom factors of the views averaged per face in use, e.g. 0.9,1,1.1 (default: the centre view only).")
    var viewScales: ViewScales?

    func run() throws {
        let validation = try LabeledDataset.folder(data + "/Validation")
        let weights = model ?? runDir + "/best.safetensors"
        let info = try GenderClassifier(contentsOf: weights, parallelism: .init(workers: 1)).info
        let history: [EpochRecord], config: TrainingConfig?
        if model != nil {
            (history, config) = (ModelHistory.read(modelPath: weights), nil)
        } else {
            let state = try Checkpoint.state(at: runDir + "/checkpoint.safetensors")
            (history, config) = (state.history, state.config)
        }
        let detector = try FallbackDetector.standard(cascadePath: cascade)
        let bar = ProgressBar(total: validation.samples.count, label: "faces (validation)")
        let crops = FaceCrops.cached(validation.samples, preprocessor: info.preprocessor, detector: detector, decoder: ImageDecoder(),
                                     workers: workers, cacheDir: cacheDir.isEmpty ? nil : cacheDir) { bar.update($0) }
        bar.finish()
        let seconds = history.reduce(0) { $0 + $1.seconds }
        let finalInfo = try Calibration.finish(bestModel: weights, validation: crops, labels: validation.samples.map(\.label),
                                               targetAccuracy: targetAccuracy, flipAveraging: !noFlipAveraging,
                                               viewScales: viewScales?.values, trainingSeconds: seconds, history: history,
                                               output: output, log: log)
        if let config {
            try LearningCurves.write(history, to: runDir)
            try TrainingReport.write(history: history, info: finalInfo, config: config, to: runDir + "/training-report.html")
        }
        log("model written to \(output)")
    }
}
