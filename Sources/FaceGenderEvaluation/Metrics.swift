import Foundation

/// Classification metrics from labels and calibrated probabilities. Plain functions of their inputs,
/// checked against hand-computed values in the tests.
public enum Metrics {
    public static func predictions(_ probabilities: [[Double]]) -> [Int] {
        probabilities.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
    }

    public static func accuracy(labels: [Int], predicted: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        return Double(zip(labels, predicted).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Wilson score interval for a proportion (95% by default): honest near 0 and 1, unlike p ± 1.96 se.
    public static func wilsonInterval(successes: Int, total: Int, z: Double = 1.959964) -> (low: Double, high: Double) {
        guard total > 0 else { return (0, 1) }
        let n = Double(total), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        return (max(0, centre - half), min(1, centre + half))
    }

    /// confusion[true][predicted].
    public static func confusion(labels: [Int], predicted: [Int], classes: Int) -> [[Int]] {
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (t, p) in zip(labels, predicted) { m[t][p] += 1 }
        return m
    }

    public struct ClassScores: Codable, Equatable, Sendable {
        public var precision: Double, recall: Double, f1: Double, support: Int
    }

    public static func perClass(confusion m: [[Int]]) -> [ClassScores] {
        m.indices.map { c in
            let tp = Double(m[c][c])
            let predicted = Double(m.reduce(0) { $0 + $1[c] }), actual = Double(m[c].reduce(0, +))
            let precision = predicted > 0 ? tp / predicted : 0, recall = actual > 0 ? tp / actual : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScores(precision: precision, recall: recall, f1: f1, support: Int(actual))
        }
    }

    /// Area under the ROC curve of `scores` for the positive class, with ties counted half (Mann-Whitney U).
    public static func rocAUC(scores: [Double], positives: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        let nPos = Double(positives.filter { $0 }.count), nNeg = Double(positives.count) - nPos
        guard nPos > 0, nNeg > 0 else { return .nan }
        let rankSum = zip(ranks, positives).filter { $1 }.reduce(0) { $0 + $1.0 }
        return (rankSum - nPos * (nPos + 1) / 2) / (nPos * nNeg)
    }

    /// ROC curve points (false positive rate, true positive rate), from the highest threshold down.
    public static func rocCurve(scores: [Double], positives: [Bool]) -> [(fpr: Double, tpr: Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let nPos = Double(max(1, positives.filter { $0 }.count)), nNeg = Double(max(1, positives.count - positives.filter { $0 }.count))
        var tp = 0.0, fp = 0.0
        var points: [(Double, Double)] = [(0, 0)]
        for (k, i) in order.enumerated() {
            if positives[i] { tp += 1 } else { fp += 1 }
            if k + 1 == order.count || scores[order[k + 1]] != scores[i] { points.append((fp / nNeg, tp / nPos)) }
        }
        return points
    }

    public struct ReliabilityBin: Codable, Equatable, Sendable {
        public var lower: Double, upper: Double, count: Int, confidence: Double, accuracy: Double
    }

    /// Equal-width bins of top-class confidence with their mean confidence and accuracy.
    public static func reliability(confidences: [Double], correct: [Bool], bins: Int = 10) -> [ReliabilityBin] {
        (0..<bins).map { b in
            let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
            let members = confidences.indices.filter { confidences[$0] > lo && confidences[$0] <= hi || (b == 0 && confidences[$0] == 0) }
            let n = Double(max(members.count, 1))
            return ReliabilityBin(lower: lo, upper: hi, count: members.count,
                                  confidence: members.reduce(0) { $0 + confidences[$1] } / n,
                                  accuracy: Double(members.filter { correct[$0] }.count) / n)
        }
    }

    /// Expected calibration error: the count-weighted mean |accuracy - confidence| over the bins.
    public static func expectedCalibrationError(confidences: [Double], correct: [Bool], bins: Int = 10) -> Double {
        let total = Double(max(confidences.count, 1))
        return reliability(confidences: confidences, correct: correct, bins: bins)
            .reduce(0) { $0 + Double($1.count) / total * abs($1.accuracy - $1.confidence) }
    }

    public struct CoveragePoint: Codable, Equatable, Sendable {
        public var threshold: Double, coverage: Double, accuracy: Double
    }

    /// Accuracy on the answered samples when abstaining below each threshold.
    public static func accuracyCoverage(confidences: [Double], correct: [Bool],
                                        thresholds: [Double] = stride(from: 0.5, through: 0.99, by: 0.01).map { $0 }) -> [CoveragePoint] {
        thresholds.map { t in
            let kept = confidences.indices.filter { confidences[$0] >= t }
            return CoveragePoint(threshold: t, coverage: Double(kept.count) / Double(max(confidences.count, 1)),
                                 accuracy: kept.isEmpty ? 1 : Double(kept.filter { correct[$0] }.count) / Double(kept.count))
        }
    }

    /// The lowest threshold whose answered samples reach `targetAccuracy`, within [0.5, maxThreshold].
    public static func abstentionThreshold(confidences: [Double], correct: [Bool], targetAccuracy: Double,
                                           maxThreshold: Double = 0.9) -> Double {
        let curve = accuracyCoverage(confidences: confidences, correct: correct,
                                     thresholds: stride(from: 0.5, through: maxThreshold + 1e-9, by: 0.005).map { $0 })
        return curve.first { $0.accuracy >= targetAccuracy }?.threshold ?? maxThreshold
    }
}
