import ArgumentParser
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import FaceGenderEvaluation
import Foundation

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model on labelled photos: accuracy with CI, per class, per group, calibration, ROC.",
        discussion: """
            DATA is a folder with one folder per class (e.g. .../utkface/Test) or a CSV of file,label[,group...]. \
            Each photo goes through the predict path: detect, take the largest face, crop; photos with no face found \
            are classified on the whole photo and counted. UTKFace names (AGE_GENDER_RACE_DATE.jpg) give age and race groups. \
            SCENES is a CSV of faces in scene photos with a perceived_gender column (WIDER FACE's layout in \
            ../shared/datasets/widerface): every face of at least 40 px that the detector finds (IoU >= 0.4) is classified \
            from its detection; faces it misses are counted apart.
            """)

    @Option(help: "[NAME=]PATH: labelled photos, a folder of class folders or a CSV; repeat to evaluate several datasets side by side (group dataset=NAME).")
    var data: [DatasetArgument] = []
    @Option(help: "[NAME=]CSV: scene photos with boxed faces and their perceived gender (e.g. widerface/Validation.csv); repeatable, alone or beside --data.")
    var scenes: [DatasetArgument] = []
    @Option(help: "Model file (default: $FACEGENDER_MODEL, else the shipped Models/default.safetensors).") var model: String?
    @Option(help: "Output format: text or json (the JSON object is the last thing printed).") var format: ReportFormat = .text
    @Option(help: "Write the metrics as JSON here.") var metrics: String?
    @Option(help: "Write a self-contained HTML report with plots here.") var report: String?
    @Option(help: "Write one CSV row per photo here: label, answer, probability, uncertain, groups.") var predictions: String?
    @Option(help: "Training photos (a folder of class folders, or a CSV): evaluated photos with the same bytes are left out and counted.")
    var trainingData: String?
    @Option(help: "Zoom factors of the views averaged per face, e.g. 0.9,1,1.1 (default: the model's own; 1 is the centre view). The model's temperature is kept, so compare accuracy, not calibration; `calibrate --view-scales` refits it.")
    var viewScales: ViewScales?
    @OptionGroup var detection: DetectorOptions
    @Option(help: "Worker threads.") var workers = 2

    private var dataNames: String { (data + scenes).map { "\($0.name)=\($0.path)" }.joined(separator: ", ") }

    func validate() throws {
        guard !data.isEmpty || !scenes.isEmpty else { throw ValidationError("--data or --scenes: give at least one dataset") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        var bundle = try ModelBundle.locate(explicit: model, card: .none)
        if let viewScales { bundle.info.views.scales = viewScales.values }
        let detector = try detection.make()
        var outcome = Evaluator.Outcome(samples: [], unreadable: [])
        var trainingCopies: Int?
        if !data.isEmpty {
            let sets = try data.map { try LabeledDataset.load($0.path).named($0.name) }
            if let scene = zip(data, sets).first(where: { $0.1.hasSceneFaces }) {
                throw ValidationError("--data \(scene.0.path) lists faces in scene photos: evaluate it with --scenes")
            }
            var dataset = try LabeledDataset.union(sets)
            if let trainingData {
                (dataset, trainingCopies) = dataset.removingCopies(of: try LabeledDataset.load(trainingData))
                log("left out \(trainingCopies ?? 0) photos that are byte-identical to training photos")
            }
            let bar = ProgressBar(total: dataset.samples.count, label: "evaluate")
            outcome = try Evaluator.run(dataset: dataset, model: bundle, detector: detector, decoder: ImageDecoder(),
                                        workers: workers) { bar.update($0) }
            bar.finish()
        }
        for scene in scenes {
            let found = try SceneEvaluator.run(scenes: try SceneDataset.load(csv: scene.path), name: scene.name, model: bundle,
                                               detector: detector, decoder: ImageDecoder(), workers: workers)
            log("\(scene.name): \(found.samples.count) labelled faces found and classified, \(found.missed) missed by the detector")
            outcome.samples += found.samples
            outcome.unreadable += found.unreadable
        }
        for failure in outcome.unreadable.prefix(10) { log("skipped: \(failure)") }
        guard !outcome.samples.isEmpty else { throw EvaluationError.nothingEvaluated }
        let info = bundle.info
        let summary = EvaluationSummary(samples: outcome.samples, unreadable: outcome.unreadable.count, classes: info.classes,
                                        model: "\(info.name) \(info.version)", abstainBelow: info.abstainBelow,
                                        trainingCopiesLeftOut: trainingCopies)
        let json = try JSONOutput.string(summary)
        if let metrics { try Data(json.utf8).write(to: URL(fileURLWithPath: metrics), options: .atomic) }
        if let predictions {
            let table = PredictionTable.csv(outcome.samples, classes: info.classes, abstainBelow: info.abstainBelow)
            try Data(table.utf8).write(to: URL(fileURLWithPath: predictions), options: .atomic)
        }
        if let report {
            let html = EvaluationReport.html(summary, history: bundle.history, dataName: dataNames)
            try Data(html.utf8).write(to: URL(fileURLWithPath: report), options: .atomic)
        }
        if format == .json { print(json); return }
        printText(summary)
    }

    private func printText(_ s: EvaluationSummary) {
        func pct(_ v: Double) -> String { String(format: "%.2f%%", 100 * v) }
        let leftOut = s.trainingCopiesLeftOut.map { ", \($0) copies of training photos left out" } ?? ""
        let items = scenes.isEmpty ? "photos" : data.isEmpty ? "faces" : "photos and scene faces"
        print("model \(s.model) on \(dataNames): \(s.count) \(items) (\(s.noFaceCount) without a detected face, \(s.unreadableCount) unreadable\(leftOut))")
        print("accuracy \(pct(s.accuracy))  (95% CI \(pct(s.accuracyCI95.low)) – \(pct(s.accuracyCI95.high)))   ROC AUC \(String(format: "%.4f", s.rocAUC))")
        print("ECE \(String(format: "%.4f", s.ece)) (uncalibrated \(String(format: "%.4f", s.eceUncalibrated)));  "
              + "uncertain below \(String(format: "%.3f", s.abstainBelow)): answers \(pct(s.coverageAtThreshold)) at \(pct(s.accuracyAtThreshold))")
        for c in s.classes {
            let m = s.perClass[c]!
            print("  \(c.padding(toLength: 10, withPad: " ", startingAt: 0)) precision \(pct(m.precision))  recall \(pct(m.recall))  F1 \(pct(m.f1))  n=\(m.support)")
        }
        print("  confusion (rows true, columns predicted \(s.classes)): \(s.confusion)")
        for kind in s.groups.keys.sorted() {
            print("  by \(kind):")
            for (g, v) in s.groups[kind]!.sorted(by: { $0.key.localizedStandardCompare($1.key) == .orderedAscending }) {
                print("    \(g.padding(toLength: 10, withPad: " ", startingAt: 0)) \(pct(v.accuracy))  (\(pct(v.ci95.low)) – \(pct(v.ci95.high)))  ECE \(String(format: "%.4f", v.ece))  n=\(v.count)")
            }
        }
    }
}
