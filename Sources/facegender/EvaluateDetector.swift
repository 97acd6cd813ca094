import ArgumentParser
import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderModel
import Foundation

struct EvaluateDetector: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-detector",
        abstract: "Measure a face detector on scene photos: recall and precision, by skin type, size, pose, occlusion and blur.",
        discussion: """
            DATA is a CSV of file,x,y,width,height,blur,occlusion,pose,invalid[,perceived_gender,perceived_age,perceived_skin] \
            (WIDER FACE's layout in ../shared/datasets/widerface). Faces of at least --minimum-side pixels that are not marked \
            invalid count; a detection is right when it overlaps one by IoU >= 0.4 (greedy matching, best score first).
            """)

    @Option(help: "Scene photos with their faces (CSV).") var data: String = Shared.path("datasets/widerface/Validation.csv")
    @Option(help: "Face detector file (default: the shipped Models/detector.safetensors).") var detector: String?
    @Option(help: "Faces whose box's longer side is shorter are not counted.") var minimumSide = 40.0
    @Option(help: "Output format: text or json (the JSON object is the last thing printed).") var format: ReportFormat = .text
    @Option(help: "Worker threads.") var workers = 2
    @Option(help: "Scale photos so their longer side is at most this many pixels (default: the detector's own).") var longSide: Int?

    func run() throws {
        let scenes = try SceneDataset.load(csv: data)
        // The learned detector reports from a low score so that its whole precision-recall curve can be read.
        let path = try DetectorOptions.path(detector)
        let faceDetector = try LearnedFaceDetector(contentsOf: path, minFaceSize: 8, scoreThreshold: 0.05, longSide: longSide)
        let metrics = DetectionMetrics(minimumSide: minimumSide)
        let decoder = ImageDecoder()
        let outcomes = ParallelMap.strided(count: scenes.photos.count, workers: workers) { _, i in
            Result { () throws -> (matched: DetectionMetrics.Matched, milliseconds: Double) in
                let image = try decoder.decodeFile(atPath: scenes.photos[i].path)
                let start = DispatchTime.now()
                let found = faceDetector.detect(in: image)
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
                return (metrics.match(found, to: scenes.photos[i].faces), milliseconds)
            }
        }
        let failures = zip(scenes.photos, outcomes).compactMap { photo, outcome -> String? in
            if case let .failure(error) = outcome { return "\(photo.path): \(error)" }
            return nil
        }
        for failure in failures.prefix(10) { log("skipped: \(failure)") }
        let measured = outcomes.compactMap { try? $0.get() }
        guard !measured.isEmpty else { throw ValidationError("\(data): none of its \(scenes.photos.count) photos could be read") }
        let milliseconds = measured.map(\.milliseconds).sorted()
        let threshold = faceDetector.info.scoreThreshold
        let report = DetectionReport(photos: measured.map(\.matched), threshold: threshold, milliseconds: milliseconds[milliseconds.count / 2])
        if format == .json { print(try JSONOutput.string(report)); return }
        print(String(format: "%@ on %@: %d photos, %d counted faces; median %.1f ms per photo (%d threads in parallel)",
                     path, data, measured.count, report.faces, report.medianMilliseconds, workers))
        print(String(format: "at score >= %.2f: recall %.3f, precision %.3f", threshold, report.recall, report.precision))
        if let best = report.bestRecallAtPrecision90 {
            print(String(format: "best recall at precision >= 0.90: %.3f (precision %.3f, score >= %.2f)", best.recall, best.precision, best.threshold))
        }
        for (group, r) in report.groups.sorted(by: { $0.key < $1.key }) {
            print("  \(group.padding(toLength: 22, withPad: " ", startingAt: 0)) recall \(String(format: "%.3f", r.recall))  n=\(r.faces)")
        }
    }
}
