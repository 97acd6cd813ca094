import FaceGenderModel
import Foundation

/// The evaluation as a self-contained HTML page with SVG plots.
public enum EvaluationReport {
    public static func html(_ s: EvaluationSummary, history: [EpochRecord], dataName: String) -> String {
        func pct(_ v: Double) -> String { String(format: "%.1f%%", 100 * v) }
        var charts: [String] = []
        if !history.isEmpty {
            charts.append(SVGPlot.lineChart(title: "Learning curves: loss", xLabel: "epoch", yLabel: "loss", series: [
                .init(name: "train", color: "#4c78a8", points: history.map { (Double($0.epoch), $0.trainLoss) }),
                .init(name: "validation", color: "#e45756", points: history.map { (Double($0.epoch), $0.validationLoss) }),
            ]))
            charts.append(SVGPlot.lineChart(title: "Learning curves: accuracy", xLabel: "epoch", yLabel: "accuracy", series: [
                .init(name: "train", color: "#4c78a8", points: history.map { (Double($0.epoch), $0.trainAccuracy) }),
                .init(name: "validation", color: "#e45756", points: history.map { (Double($0.epoch), $0.validationAccuracy) }),
            ]))
        }
        charts.append(SVGPlot.lineChart(title: "ROC (\(s.classes.last ?? "") vs rest), AUC \(String(format: "%.4f", s.rocAUC))",
                                        xLabel: "false positive rate", yLabel: "true positive rate",
                                        series: [.init(name: "ROC", color: "#4c78a8", points: s.roc.map { ($0[0], $0[1]) })],
                                        xRange: 0...1, yRange: 0...1, diagonal: true))
        func bins(_ b: [Metrics.ReliabilityBin]) -> [(x: Double, y: Double)] { b.filter { $0.count > 0 }.map { ($0.confidence, $0.accuracy) } }
        charts.append(SVGPlot.lineChart(title: "Reliability (ECE \(String(format: "%.3f", s.eceUncalibrated)) → \(String(format: "%.3f", s.ece)))",
                                        xLabel: "confidence", yLabel: "accuracy", series: [
                                            .init(name: "uncalibrated", color: "#bab0ac", points: bins(s.reliabilityUncalibrated), dashed: true),
                                            .init(name: "temperature-scaled", color: "#e45756", points: bins(s.reliability)),
                                        ], xRange: 0.5...1, yRange: 0.5...1, diagonal: true))
        charts.append(SVGPlot.lineChart(title: "Accuracy vs coverage when abstaining", xLabel: "coverage (share of faces answered)",
                                        yLabel: "accuracy on answered", series: [
                                            .init(name: "model", color: "#54a24b", points: s.accuracyCoverage.map { ($0.coverage, $0.accuracy) }),
                                        ]))
        charts.append(SVGPlot.confusionMatrix(title: "Confusion matrix", classes: s.classes, matrix: s.confusion))
        for kind in s.groups.keys.sorted() {
            let groups = s.groups[kind]!.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }
            charts.append(SVGPlot.barChart(title: "Accuracy by \(kind) (95% CI)", bars: groups.map {
                ($0.key, $0.value.accuracy, $0.value.ci95.low, $0.value.ci95.high)
            }, yRange: 0.5...1))
        }
        let classRows = s.classes.map { c -> String in
            let m = s.perClass[c]!
            return "<tr><td>\(SVGPlot.escape(c))</td><td>\(pct(m.precision))</td><td>\(pct(m.recall))</td><td>\(pct(m.f1))</td><td>\(m.support)</td></tr>"
        }.joined()
        let groupRows = s.groups.keys.sorted().flatMap { kind in
            s.groups[kind]!.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }.map { g, v in
                "<tr><td>\(SVGPlot.escape(kind))</td><td>\(SVGPlot.escape(g))</td><td>\(pct(v.accuracy))</td><td>\(pct(v.ci95.low))–\(pct(v.ci95.high))</td><td>\(String(format: "%.4f", v.ece))</td><td>\(v.count)</td></tr>"
            }
        }.joined()
        let body = """
            <h1>Evaluation of \(SVGPlot.escape(s.model))</h1>
            <p>Data: \(SVGPlot.escape(dataName)) — \(s.count) photos (\(s.noFaceCount) without a detected face, classified on the \
            whole photo; \(s.unreadableCount) unreadable, skipped\(s.trainingCopiesLeftOut.map { "; \($0) copies of training photos left out" } ?? "")).</p>
            <p><strong>Accuracy \(pct(s.accuracy))</strong> (95% CI \(pct(s.accuracyCI95.low))–\(pct(s.accuracyCI95.high))), \
            ROC AUC \(String(format: "%.4f", s.rocAUC)), expected calibration error \(String(format: "%.4f", s.ece)) \
            (\(String(format: "%.4f", s.eceUncalibrated)) before temperature scaling). Abstaining below \
            \(String(format: "%.3f", s.abstainBelow)) answers \(pct(s.coverageAtThreshold)) of faces at \(pct(s.accuracyAtThreshold)).</p>
            <div class="charts">\(charts.joined())</div>
            <h2>Per class</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>count</th></tr>\(classRows)</table>
            <h2>Per group</h2><table><tr><th>kind</th><th>group</th><th>accuracy</th><th>95% CI</th><th>ECE</th><th>count</th></tr>\(groupRows)</table>
            <p>Gender predicted from a face is an estimate of apparent, binary gender presentation, not of anyone's identity.</p>
            """
        return HTMLPage.wrap(title: "FaceGender evaluation", body: body)
    }
}
