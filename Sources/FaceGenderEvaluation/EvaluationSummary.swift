import Foundation

/// The metrics of one evaluation, as written to JSON (snake_case keys).
public struct EvaluationSummary: Codable, Sendable {
    public struct Interval: Codable, Sendable { public var low: Double, high: Double }
    public struct GroupScore: Codable, Sendable {
        public var accuracy: Double, count: Int, ci95: Interval
        /// Expected calibration error of the group's calibrated answers.
        public var ece: Double
    }
    public struct ClassMetrics: Codable, Sendable {
        public var precision: Double, recall: Double, f1: Double, support: Int
    }

    public var model: String
    public var classes: [String]
    public var count: Int
    public var accuracy: Double
    public var accuracyCI95: Interval
    public var noFaceCount: Int
    public var unreadableCount: Int
    /// Photos left out because a training photo has the same bytes (nil: not checked).
    public var trainingCopiesLeftOut: Int?
    public var perClass: [String: ClassMetrics]
    /// confusion[true class][predicted class]
    public var confusion: [[Int]]
    public var rocAUC: Double
    public var ece: Double
    public var eceUncalibrated: Double
    public var abstainBelow: Double
    public var coverageAtThreshold: Double
    public var accuracyAtThreshold: Double
    public var accuracyCoverage: [Metrics.CoveragePoint]
    public var reliability: [Metrics.ReliabilityBin]
    public var reliabilityUncalibrated: [Metrics.ReliabilityBin]
    /// groups[kind][group] e.g. groups["age"]["0-9"]
    public var groups: [String: [String: GroupScore]]
    /// ROC points of the last class against the rest (for the report), thinned.
    public var roc: [[Double]]

    enum CodingKeys: String, CodingKey {
        case model, classes, count, accuracy, accuracyCI95 = "accuracy_ci95", noFaceCount = "no_face_count"
        case unreadableCount = "unreadable_count", trainingCopiesLeftOut = "training_copies_left_out", perClass = "per_class", confusion, rocAUC = "roc_auc", ece
        case eceUncalibrated = "ece_uncalibrated", abstainBelow = "abstain_below", coverageAtThreshold = "coverage_at_threshold"
        case accuracyAtThreshold = "accuracy_at_threshold", accuracyCoverage = "accuracy_coverage", reliability
        case reliabilityUncalibrated = "reliability_uncalibrated", groups, roc
    }

    public init(samples: [EvaluatedSample], unreadable: Int, classes: [String], model: String, abstainBelow: Double,
                trainingCopiesLeftOut: Int? = nil) {
        let labels = samples.map(\.label)
        let predicted = Metrics.predictions(samples.map(\.probabilities))
        let correct = zip(labels, predicted).map { $0 == $1 }
        let confidences = samples.map { $0.probabilities.max() ?? 0 }
        let rawConfidences = samples.map { $0.uncalibrated.max() ?? 0 }
        let hits = correct.filter { $0 }.count
        self.model = model
        self.classes = classes
        count = samples.count
        accuracy = Metrics.accuracy(labels: labels, predicted: predicted)
        let ci = Metrics.wilsonInterval(successes: hits, total: samples.count)
        accuracyCI95 = Interval(low: ci.low, high: ci.high)
        noFaceCount = samples.filter { !$0.faceDetected }.count
        unreadableCount = unreadable
        self.trainingCopiesLeftOut = trainingCopiesLeftOut
        confusion = Metrics.confusion(labels: labels, predicted: predicted, classes: classes.count)
        let scores = Metrics.perClass(confusion: confusion)
        perClass = Dictionary(uniqueKeysWithValues: zip(classes, scores.map {
            ClassMetrics(precision: $0.precision, recall: $0.recall, f1: $0.f1, support: $0.support)
        }))
        // One-vs-rest AUC averaged over classes (for two classes both equal the usual AUC).
        let aucs = classes.indices.map { c in Metrics.rocAUC(scores: samples.map { $0.probabilities[c] }, positives: labels.map { $0 == c }) }
        rocAUC = aucs.filter { !$0.isNaN }.reduce(0, +) / Double(max(1, aucs.filter { !$0.isNaN }.count))
        let last = classes.count - 1
        let curve = Metrics.rocCurve(scores: samples.map { $0.probabilities[last] }, positives: labels.map { $0 == last })
        let stride = max(1, curve.count / 200)
        roc = curve.enumerated().filter { $0.offset % stride == 0 || $0.offset == curve.count - 1 }.map { [$0.element.fpr, $0.element.tpr] }
        ece = Metrics.expectedCalibrationError(confidences: confidences, correct: correct)
        eceUncalibrated = Metrics.expectedCalibrationError(confidences: rawConfidences, correct: correct)
        reliability = Metrics.reliability(confidences: confidences, correct: correct)
        reliabilityUncalibrated = Metrics.reliability(confidences: rawConfidences, correct: correct)
        self.abstainBelow = abstainBelow
        let answered = confidences.indices.filter { confidences[$0] >= abstainBelow }
        coverageAtThreshold = Double(answered.count) / Double(max(samples.count, 1))
        accuracyAtThreshold = answered.isEmpty ? 1 : Double(answered.filter { correct[$0] }.count) / Double(answered.count)
        accuracyCoverage = Metrics.accuracyCoverage(confidences: confidences, correct: correct)
        var groups: [String: [String: GroupScore]] = [:]
        let kinds = Set(samples.flatMap { $0.groups.keys })
        for kind in kinds {
            var members: [String: [Int]] = [:]
            for (i, s) in samples.enumerated() { if let g = s.groups[kind] { members[g, default: []].append(i) } }
            groups[kind] = members.mapValues { indices in
                let hits = indices.filter { correct[$0] }.count, n = indices.count
                let ci = Metrics.wilsonInterval(successes: hits, total: n)
                let ece = Metrics.expectedCalibrationError(confidences: indices.map { confidences[$0] }, correct: indices.map { correct[$0] })
                return GroupScore(accuracy: Double(hits) / Double(n), count: n, ci95: Interval(low: ci.low, high: ci.high), ece: ece)
            }
        }
        self.groups = groups
    }
}
