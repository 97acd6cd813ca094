// Classification cost per face on one core: every view of the model's own test-time views (scales x mirror), and
// fewer views beside it, at batch 1 (one face per photo) and batch 16 (the server's batcher, full).
// Usage: swift build -c release --product bench-classify && .build/release/bench-classify [--model PATH] [--iterations N]
import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let shared = option("--shared") ?? ProcessInfo.processInfo.environment["FACEGENDER_SHARED"] ?? "../shared"
let iterations = option("--iterations").flatMap(Int.init) ?? 200
let bundle = try ModelBundle.load(path: try ModelLocator.resolve(explicit: option("--model"), executablePath: arguments[0]), card: .none)

// Real crops: the first 16 photos of utkface Validation/Female, cropped as the model crops (the whole photo as the face box).
let dir = shared + "/datasets/utkface/Validation/Female"
let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().prefix(16)
let pre = bundle.info.preprocessor
let crops = try files.map { file -> RGBImage in
    let image = try ImageDecoder().decodeFile(atPath: dir + "/" + file)
    return pre.crop(image, face: FaceBox(x: 0, y: 0, width: Double(image.width), height: Double(image.height), score: 1))
}

func millisecondsPerFace(_ views: TestTimeViews, batch: Int) throws -> Double {
    let classifier = try bundle.classifier(parallelism: Parallelism(workers: 1))
    classifier.info.views = views
    let input = Array(crops.prefix(batch))
    for _ in 0..<5 { _ = classifier.probabilities(crops: input) }
    let rounds = max(5, iterations / batch)
    let start = DispatchTime.now()
    for _ in 0..<rounds { _ = classifier.probabilities(crops: input) }
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 / Double(rounds * batch)
}

let own = bundle.info.views
var candidates = [own]
for views in [TestTimeViews(scales: own.scales, mirror: .none), TestTimeViews(scales: [1], mirror: .averaged), .centre] where !candidates.contains(views) {
    candidates.append(views)
}
let members = bundle.stored.spec.memberCount
print("model \(bundle.info.version) (\(bundle.path)\(members > 1 ? ", an ensemble of \(members) networks" : "")), one thread, ms per face:")
print("| views | network passes | batch 1 | batch 16 |")
print("|---|---|---|---|")
for views in candidates {
    let name = views.scales.map { String(format: "%g", $0) }.joined(separator: ",") + (views.mirror == .averaged ? " + mirror" : "")
    print("| \(name)\(views == own ? " (the model's)" : "") | \(views.passes * members) | "
          + String(format: "%.2f | %.2f |", try millisecondsPerFace(views, batch: 1), try millisecondsPerFace(views, batch: 16)))
}
