import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderModel
import Foundation

/// How a finished model will be used, which calibration fits: the views averaged per face, and the accuracy the
/// answered (not "uncertain") faces should reach on validation data.
public struct CalibrationSettings: Sendable {
    public var views: TestTimeViews
    public var targetAccuracy: Double

    public init(views: TestTimeViews, targetAccuracy: Double) {
        self.views = views; self.targetAccuracy = targetAccuracy
    }
}

/// The last step of training: take the best weights, fit temperature scaling and the abstention threshold on
/// validation data, record validation metrics, and write the model.
public enum Calibration {
    /// Calibrates `best` for `settings` on `validation` and writes it, with the learning curves `history`, to
    /// `output`. Returns the written model's info and a line for the log.
    public static func finish(best: ModelBundle, settings: CalibrationSettings, validation: (crops: FaceCrops, labels: [Int]),
                              history: [EpochRecord], output: String) throws -> (info: ModelInfo, summary: String) {
        let classifier = try best.classifier(parallelism: Parallelism(workers: 2))
        classifier.info.views = settings.views
        let k = classifier.info.classes.count
        // The logits the model will give in use (with its views), so calibration fits them.
        let (logits, kept) = Trainer.logits(crops: validation.crops, labels: validation.labels, batchSize: 128) { classifier.logits(crops: $0) }
        let temperature = TemperatureScaler.fit(logits: logits, classes: k, labels: kept)
        let tensor = Tensor(shape: [kept.count, k], values: logits)
        func summary(_ t: Double) -> (confidences: [Double], correct: [Bool]) {
            let p = GenderClassifier.probabilities(logits: tensor, temperature: t)
            let predicted = Metrics.predictions(p)
            return (p.map { $0.max() ?? 0 }, zip(predicted, kept).map { $0 == $1 })
        }
        let before = summary(1), after = summary(temperature)
        let eceBefore = Metrics.expectedCalibrationError(confidences: before.confidences, correct: before.correct)
        let eceAfter = Metrics.expectedCalibrationError(confidences: after.confidences, correct: after.correct)
        let threshold = Metrics.abstentionThreshold(confidences: after.confidences, correct: after.correct,
                                                    targetAccuracy: settings.targetAccuracy)
        let count = Double(max(kept.count, 1))
        let accuracy = Double(after.correct.filter { $0 }.count) / count
        let coverage = Double(after.confidences.filter { $0 >= threshold }.count) / count
        var info = classifier.info
        info.temperature = temperature
        info.abstainBelow = threshold
        info.metrics["validation_accuracy"] = accuracy
        info.metrics["validation_ece_uncalibrated"] = eceBefore
        info.metrics["validation_ece"] = eceAfter
        info.metrics["validation_coverage_at_threshold"] = coverage
        info.metrics["parameters"] = Double(classifier.network.parameterCount)
        info.metrics["training_minutes"] = history.reduce(0) { $0 + $1.seconds } / 60
        classifier.info = info
        try classifier.save(to: output, history: history)
        let line = String(format: "validation: accuracy %.4f, temperature %.3f, ECE %.4f -> %.4f; uncertain below %.3f (answers %.1f%% of faces)",
                          accuracy, temperature, eceBefore, eceAfter, threshold, 100 * coverage)
        return (info, line)
    }
}
