import FaceGenderEvaluation
import FaceGenderModel
import Foundation

/// A self-contained HTML page for a training run: learning curves and the settings used.
public enum TrainingReport {
    public static func write(history: [EpochRecord], info: ModelInfo, config: TrainingConfig, to path: String) throws {
        let loss = SVGPlot.lineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "train (smoothed labels)", color: "#4c78a8", points: history.map { (Double($0.epoch), $0.trainLoss) }),
            .init(name: "validation", color: "#e45756", points: history.map { (Double($0.epoch), $0.validationLoss) }),
        ])
        let accuracy = SVGPlot.lineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", series: [
            .init(name: "train (augmented)", color: "#4c78a8", points: history.map { (Double($0.epoch), $0.trainAccuracy) }),
            .init(name: "validation", color: "#e45756", points: history.map { (Double($0.epoch), $0.validationAccuracy) }),
        ])
        let lr = SVGPlot.lineChart(title: "Learning rate at epoch end", xLabel: "epoch", yLabel: "learning rate", series: [
            .init(name: "lr", color: "#54a24b", points: history.map { (Double($0.epoch), $0.learningRate) }),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let settings = String(decoding: try encoder.encode(config), as: UTF8.self)
        let metrics = info.metrics.sorted { $0.key < $1.key }.map { "<tr><td>\($0.key)</td><td>\(String(format: "%.4f", $0.value))</td></tr>" }.joined()
        let body = """
            <h1>Training report: \(SVGPlot.escape(info.name)) \(SVGPlot.escape(info.version))</h1>
            <p>Classes: \(info.classes.joined(separator: ", ")). Temperature \(String(format: "%.3f", info.temperature)); \
            faces below \(String(format: "%.3f", info.abstainBelow)) top probability are reported as uncertain.</p>
            <p>A widening gap between train and validation loss is overfitting; the weights kept are those of the \
            lowest validation loss.</p>
            <div class="charts">\(loss)\(accuracy)\(lr)</div>
            <h2>Validation metrics</h2><table>\(metrics)</table>
            <h2>Settings</h2><pre>\(SVGPlot.escape(settings))</pre>
            """
        try Data(HTMLPage.wrap(title: "FaceGender training report", body: body).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
