// Robustness benchmark: accuracy of models on ../shared's photos degraded the way photos from other cameras
// and framings differ from the aligned set: small, upscaled from low resolution, heavily compressed, dark and
// noisy, tilted, or a small face in a larger scene. Every degraded photo goes through the `predict` path
// (detect, largest face, crop; the whole photo when no face is found). Models are compared in one run.
// Usage: .build/release/bench-robustness [--shared PATH] [--dataset utkface|celeba] [--split Validation] [--limit N]
//        [--detector FILE] [MODEL ...]
//        (no MODEL: the shipped one; see bench/README.md)
import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
var options: [String: String] = [:], models: [String] = []
var i = 0
while i < arguments.count {
    if arguments[i].hasPrefix("--"), i + 1 < arguments.count { options[arguments[i]] = arguments[i + 1]; i += 2 } else { models.append(arguments[i]); i += 1 }
}
let shared = options["--shared"] ?? ProcessInfo.processInfo.environment["FACEGENDER_SHARED"] ?? "../shared"
let split = options["--split"] ?? "Validation"
let limit = options["--limit"].flatMap(Int.init) ?? Int.max
if models.isEmpty { models = [try ModelLocator.resolve(explicit: nil)] }

// Photos, alternating classes so that --limit keeps both.
let root = "\(shared)/datasets/\(options["--dataset"] ?? "utkface")/\(split)"
let classes = ["Female", "Male"]
let perClass = classes.map { label in
    ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(label)")) ?? []).sorted().map { ("\(root)/\(label)/\($0)", label) }
}
var photos: [(path: String, label: String)] = []
for k in 0..<perClass.map(\.count).max()! { for list in perClass where k < list.count { photos.append(list[k]) } }
photos = Array(photos.prefix(limit))
guard !photos.isEmpty else { print("no photos under \(root)"); exit(1) }

/// A deterministic pseudo-random value in [-1, 1] for pixel i (noise without a generator to thread through).
func noise(_ i: Int) -> Float { Float((i &* 2_654_435_761 >> 8) & 1023) / 511.5 - 1 }

func resized(_ image: RGBImage, side: Int) -> RGBImage {
    let s = Double(side) / Double(max(image.width, image.height))
    return Resampler.resize(image, width: max(1, Int(Double(image.width) * s)), height: max(1, Int(Double(image.height) * s)))
}

func rotated(_ image: RGBImage, degrees: Double) -> RGBImage {
    var out = RGBImage(width: image.width, height: image.height)
    let c = cos(degrees * .pi / 180), s = sin(degrees * .pi / 180)
    let cx = Double(image.width) / 2, cy = Double(image.height) / 2
    for y in 0..<image.height { for x in 0..<image.width {
        let u = Double(x) + 0.5 - cx, v = Double(y) + 0.5 - cy
        let sx = min(max(Int(c * u + s * v + cx), 0), image.width - 1), sy = min(max(Int(-s * u + c * v + cy), 0), image.height - 1)
        for ch in 0..<3 { out.pixels[(y * image.width + x) * 3 + ch] = image.pixels[(sy * image.width + sx) * 3 + ch] }
    } }
    return out
}

let degradations: [(name: String, apply: (RGBImage) throws -> RGBImage)] = [
    ("original (aligned 200 px)", { $0 }),
    ("small: whole photo 64 px", { resized($0, side: 64) }),
    ("low resolution: 40 px, upscaled back", { img in Resampler.resize(resized(img, side: 40), width: img.width, height: img.height) }),
    ("JPEG quality 10", { img in try ImageDecoder().decode(Data(try JPEGEncoder.encode(img, quality: 10))) }),
    ("dark and noisy (x0.35, noise ±20)", { img in
        var out = img
        for k in out.pixels.indices { out.pixels[k] = UInt8(max(0, min(255, Float(img.pixels[k]) * 0.35 + 20 * noise(k)))) }
        return out
    }),
    ("dark (x0.35)", { img in
        var out = img
        for k in out.pixels.indices { out.pixels[k] = UInt8(Float(img.pixels[k]) * 0.35) }
        return out
    }),
    ("dark, random noise (x0.35, uniform ±20)", { img in
        var out = img
        var rng = RandomGenerator(seed: UInt64(img.pixels.count))
        for k in out.pixels.indices { out.pixels[k] = UInt8(max(0, min(255, Float(img.pixels[k]) * 0.35 + Float.random(in: -20...20, using: &rng)))) }
        return out
    }),
    ("tilted 20°", { rotated($0, degrees: 20) }),
    ("grey border 100 px (same pixels)", { img in
        var out = RGBImage(width: img.width + 200, height: img.height + 200, fill: (120, 120, 120))
        for y in 0..<img.height { for x in 0..<img.width { for ch in 0..<3 {
            out.pixels[((100 + y) * out.width + 100 + x) * 3 + ch] = img.pixels[(y * img.width + x) * 3 + ch]
        } } }
        return out
    }),
    // A phone selfie scaled to the detector's 640 px: the face fills the frame.
    ("close-up: enlarged to 480 px", { img in Resampler.resize(img, width: 480, height: 480) }),
    ("close-up: enlarged to 640 px", { img in Resampler.resize(img, width: 640, height: 640) }),
    ("in a 640x480 scene, face ~110 px", { img in
        var scene = RGBImage(width: 640, height: 480)
        for k in scene.pixels.indices { scene.pixels[k] = UInt8(110 + 30 * noise(k / 3 / 7)) }
        let small = Resampler.resize(img, width: 160, height: 160)
        for y in 0..<160 { for x in 0..<160 { for ch in 0..<3 {
            scene.pixels[((200 + y) * 640 + 300 + x) * 3 + ch] = small.pixels[(y * 160 + x) * 3 + ch]
        } } }
        return scene
    }),
]

print("\(photos.count) photos of \(root); \(models.count) model(s)")
// The product's detector, or --detector FILE.
let detector = try LearnedFaceDetector(contentsOf: options["--detector"]
    ?? ModelLocator.resolve(explicit: nil, relativePath: ModelLocator.shippedDetectorPath))
var results: [[String: Double]] = []
for model in models {
    var correct = [Int](repeating: 0, count: degradations.count), detected = correct, uncertain = correct
    let lock = NSLock()
    let analyzers = try ModelBundle.load(path: model, card: .none).analyzers(count: 2, detector: detector)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: 2) { w in
        var k = w
        while k < photos.count {
            if let image = try? ImageDecoder().decodeFile(atPath: photos[k].path) {
                for (d, degradation) in degradations.enumerated() {
                    guard let degraded = try? degradation.apply(image),
                          let p = analyzers[w].analyze(degraded, selection: .largest, whenNoFace: .classifyWholePhoto).first else { continue }
                    lock.lock()
                    if p.label == photos[k].label { correct[d] += 1 }
                    if p.source == .detected { detected[d] += 1 }
                    if p.uncertain { uncertain[d] += 1 }
                    lock.unlock()
                }
            }
            k += 2
        }
    }
    let name = analyzers[0].classifier.info.version
    print("\nmodel \(model) (\(name)), detector \(detector.settings), \(Int(Date().timeIntervalSince(start))) s")
    var row: [String: Double] = [:]
    for (d, degradation) in degradations.enumerated() {
        let n = Double(photos.count)
        let label = degradation.name.padding(toLength: 38, withPad: " ", startingAt: 0)
        print(label + String(format: " accuracy %6.2f%%   face found %6.2f%%   uncertain %5.1f%%",
                     100 * Double(correct[d]) / n, 100 * Double(detected[d]) / n, 100 * Double(uncertain[d]) / n))
        row[degradation.name] = Double(correct[d]) / n
    }
    results.append(row)
}
