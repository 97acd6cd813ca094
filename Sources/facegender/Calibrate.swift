import ArgumentParser
import FaceGenderDetection
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderModel
import FaceGenderTraining
import Foundation

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finish a model again: fit temperature and the abstention threshold on validation data, write the model.",
        discussion: "Takes the best weights of --run-dir (best.safetensors) and the learning curves of its checkpoint, or, with "
            + "--model, a finished model file with the learning curves it carries. `train` does this itself at the end; use this "
            + "after changing the validation data, the target accuracy or the views averaged per face. Several --model files "
            + "become one ensemble: a model whose probabilities are the mean of theirs (each member looks at every view), e.g. the same "
            + "recipe trained with two seeds.")

    @Option(help: "[NAME=]DIR: a dataset root holding Validation/ or Validation.csv (the ones the run was trained with; repeat for several).")
    var data: [DatasetArgument]
    @Option(help: "The training run's folder.") var runDir: String = "runs/latest"
    @Option(help: "A finished model file to calibrate again instead of a run's best weights; repeat to join several into one ensemble.")
    var model: [String] = []
    @Option(help: "Where to write the calibrated model.") var output: String = "model.safetensors"
    @Option(help: "Accuracy the answered (not uncertain) faces should reach on validation data.") var targetAccuracy = 0.97
    @Option(help: "Folder caching decoded face crops between runs (empty: no cache).") var cacheDir: String = "runs/cache"
    @OptionGroup var detection: DetectorOptions
    @Option(help: "Worker threads.") var workers = 2
    @OptionGroup var views: ViewOptions

    func run() throws {
        let validation = try LabeledDataset.union(try data.map { try DatasetSplits.split("Validation", of: $0.path).named($0.name) })
        let best = try bestWeights()
        // A run's checkpoint has the whole history; the best weights only the epochs up to them.
        let state = model.isEmpty ? try Checkpoint.state(at: runDir + "/checkpoint.safetensors") : nil
        let history = state?.history ?? best.history
        let detector = try detection.make()
        let bar = ProgressBar(total: validation.samples.count, label: "faces (validation)")
        let crops = FaceCrops.cached(validation.samples, preprocessor: best.info.preprocessor, detector: detector, decoder: ImageDecoder(),
                                     workers: workers, cacheDir: cacheDir.isEmpty ? nil : cacheDir, warn: log) { bar.update($0) }
        bar.finish()
        let (info, summary) = try Calibration.finish(best: best, settings: CalibrationSettings(views: views.testTimeViews, targetAccuracy: targetAccuracy),
                                                     validation: (crops, validation.samples.map(\.label)), history: history, output: output)
        log(summary)
        if let state {
            try LearningCurves.write(history, to: runDir)
            try TrainingReport.write(history: history, info: info, config: state.config, to: runDir + "/training-report.html")
        }
        log("model written to \(output)")
    }

    /// The run's best weights, the one model file given, or the ensemble of several.
    private func bestWeights() throws -> ModelBundle {
        if model.count > 1 {
            let members = try model.map { try ModelBundle.load(path: $0, card: .none) }
            return try ModelBundle.ensemble(members, views: views.testTimeViews, path: output)
        }
        return try ModelBundle.load(path: model.first ?? runDir + "/best.safetensors", card: .none)
    }
}
