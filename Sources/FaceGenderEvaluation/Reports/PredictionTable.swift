import Foundation

/// One CSV row per evaluated photo (`facegender evaluate --predictions`): its label, the model's answer and
/// the photo's groups, so that the photos behind an accuracy number can be looked at and counted by any group.
public enum PredictionTable {
    public static let fixedColumns = ["file", "label", "predicted", "probability", "uncertain", "correct", "face_detected"]

    /// `abstainBelow`: the model's threshold; an answer below it is "uncertain", as in `predict`.
    public static func csv(_ samples: [EvaluatedSample], classes: [String], abstainBelow: Double) -> String {
        let groupKeys = Set(samples.flatMap(\.groups.keys)).sorted()
        let predicted = Metrics.predictions(samples.map(\.probabilities))
        var rows = [(fixedColumns + groupKeys).map(CSVField.escape).joined(separator: ",")]
        for (sample, answer) in zip(samples, predicted) {
            let probability = sample.probabilities[answer]
            let fields = [sample.path, classes[sample.label], classes[answer], String(format: "%.4f", probability),
                          "\(probability < abstainBelow)", "\(answer == sample.label)", "\(sample.faceDetected)"]
                + groupKeys.map { sample.groups[$0] ?? "" }
            rows.append(fields.map(CSVField.escape).joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
