import ArgumentParser
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderEvaluation
import Foundation

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate apparent gender for every face in photos.",
        discussion: "Photos or folders of photos. A photo that cannot be read is reported and the rest go on; "
            + "the exit status is 1 when any photo failed. A photo with no face gets an empty list of faces.")

    @Argument(help: "Photos (JPEG, PNG, WebP) or folders of them.") var paths: [String]
    @Option(help: "Model file (default: $FACEGENDER_MODEL, else the shipped Models/default.safetensors).") var model: String?
    @Option(help: "Output format: text, json or csv.") var format: OutputFormat = .text
    @OptionGroup var detection: DetectorOptions

    struct Box: Encodable { var x, y, width, height: Int }
    struct Face: Encodable {
        var box: Box; var label: String; var probability: Double; var probabilities: [String: Double]; var uncertain: Bool
        var landmarks: FaceLandmarks?
    }
    struct Answer: Encodable { var file: String; var faces: [Face]?; var error: String? }

    func run() throws {
        let bundle = try ModelBundle.locate(explicit: model, card: .none)
        let analyzer = FaceAnalyzer(classifier: try bundle.classifier(parallelism: Parallelism(workers: 2)),
                                    detector: try detection.make())
        let decoder = ImageDecoder()
        var answers: [Answer] = []
        for file in PhotoFiles.expand(paths) {
            do {
                let photo = try decoder.decodeFileReduced(atPath: file, keepingLongSide: FaceAnalyzer.decodedLongSide)
                let faces = analyzer.analyze(photo.image).map { $0.scaled(by: photo.scale) }.map { p in
                    let b = p.box.clipped(width: photo.width, height: photo.height)
                    return Face(box: Box(x: Int(b.x.rounded()), y: Int(b.y.rounded()), width: Int(b.width.rounded()), height: Int(b.height.rounded())),
                         label: p.label, probability: (p.probability * 10000).rounded() / 10000,
                         probabilities: p.probabilities.mapValues { ($0 * 10000).rounded() / 10000 }, uncertain: p.uncertain,
                         landmarks: p.box.landmarks?.rounded)
                }
                answers.append(Answer(file: file, faces: faces))
            } catch {
                // Only decoding throws here (typed ImageError).
                answers.append(Answer(file: file, error: error.description))
            }
        }
        switch format {
        case .json: print(try JSONOutput.string(answers))
        case .csv:
            print("file,face,x,y,width,height,label,probability,uncertain,error")
            for a in answers {
                if let e = a.error { print("\(CSVField.escape(a.file)),,,,,,,,,\(CSVField.escape(e))"); continue }
                for (i, f) in (a.faces ?? []).enumerated() {
                    print("\(CSVField.escape(a.file)),\(i),\(f.box.x),\(f.box.y),\(f.box.width),\(f.box.height),\(f.label),\(f.probability),\(f.uncertain),")
                }
            }
        case .text:
            for a in answers {
                if let e = a.error { print("\(a.file): error: \(e)"); continue }
                let faces = a.faces ?? []
                if faces.isEmpty { print("\(a.file): no face found"); continue }
                print("\(a.file): \(faces.count) face\(faces.count == 1 ? "" : "s")")
                for f in faces {
                    let verdict = f.uncertain ? "uncertain (leaning \(f.label))" : f.label
                    print("  [\(f.box.x),\(f.box.y) \(f.box.width)x\(f.box.height)] \(verdict) \(String(format: "%.1f%%", 100 * f.probability))")
                }
            }
        }
        if answers.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}

/// Expands folders into the photos they hold (sorted); files are kept as given, whatever their name.
enum PhotoFiles {
    static let extensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { path + "/" + $0 }
        }
    }
}
