import FaceGenderEngine
import FaceGenderModel
import Foundation

/// The last step of training: take the best weights, fit temperature scaling and the abstention
/// threshold on validation data, record validation metrics, and write the model.
public enum Calibration {
    public static func finish(bestModel: String, validation: FaceCrops, labels: [Int], targetAccuracy: Double, flipAveraging: Bool,
                              viewScales: [Double]? = nil, trainingSeconds: Double, history: [EpochRecord], output: String, log: (String) -> Void) throws -> ModelInfo {
        let classifier = try GenderClassifier(contentsOf: bestModel, parallelism: Parallelism(workers: 2))
        classifier.info.flipAveraging = flipAveraging
        classifier.info.viewScales = viewScales
        let k = classifier.info.classes.count
        // The logits the model will give in use (with the chosen mirror and view averaging), so calibration fits them.
        let (logits, kept) = Trainer.logits(crops: validation, labels: labels, batchSize: 128) { classifier.logits(crops: $0) }
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
        let threshold = Metrics.abstentionThreshold(confidences: after.confidences, correct: after.correct, targetAccuracy: targetAccuracy)
        let accuracy = Double(after.correct.filter { $0 }.count) / Double(max(kept.count, 1))
        let answered = after.confidences.indices.filter { after.confidences[$0] >= threshold }
        var info = classifier.info
        info.temperature = temperature
        info.abstainBelow = threshold
        info.metrics["validation_accuracy"] = accuracy
        info.metrics["validation_ece_uncalibrated"] = eceBefore
        info.metrics["validation_ece"] = eceAfter
        info.metrics["validation_coverage_at_threshold"] = Double(answered.count) / Double(max(kept.count, 1))
        info.metrics["parameters"] = Double(classifier.network.parameterCount)
        info.metrics["training_minutes"] = trainingSeconds / 60
        classifier.info = info
        try classifier.save(to: output, extraMetadata: try ModelHistory.encode(history))
        log(String(format: "validation: accuracy %.4f, temperature %.3f, ECE %.4f -> %.4f; uncertain below %.3f (answers %.1f%% of faces)",
                   accuracy, temperature, eceBefore, eceAfter, threshold, 100 * Double(answered.count) / Double(max(kept.count, 1))))
        return info
    }
}
