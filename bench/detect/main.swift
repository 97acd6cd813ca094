// Detection benchmark: share of ../shared's aligned photos where a face is found, and time per 640x480 photo.
// Usage: swift run -c release bench-detect [--shared PATH] [--limit N] [--standard | --learned FILE]   (see bench/README.md)
import Dispatch
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderEvaluation
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let shared = option("--shared") ?? ProcessInfo.processInfo.environment["FACEGENDER_SHARED"] ?? "../shared"
let limit = option("--limit").flatMap(Int.init) ?? Int.max
var baseOptions = CascadeDetectorOptions()
if let f = option("--scale-factor").flatMap(Double.init) { baseOptions.scaleFactor = f }
if let m = option("--max-scan-side").flatMap(Int.init) { baseOptions.maxScanSide = m }
if let m = option("--min-face-size").flatMap(Int.init) { baseOptions.minFaceSize = m }
// --standard: the product's detector (tilt-tolerant alt2, then large faces of the default cascade).
let useStandard = arguments.contains("--standard")
// --learned FILE: a learned detector, timed on one thread beside the standard Haar detector on one thread.
let learnedPath = option("--learned")
// The plain Haar detector is also timed with its scalar reference evaluation, in the same run, for the ratio.
func makeDetector(_ options: CascadeDetectorOptions, scalar: Bool = false) throws -> FaceDetector {
    if let learnedPath { return try LearnedFaceDetector(contentsOf: learnedPath) }
    if useStandard { return try FallbackDetector.standard(cascadePath: nil, options: options) }
    return HaarFaceDetector(cascade: try HaarCascade.load(path: nil), options: options, evaluation: scalar ? .scalar : .eightWindows)
}
let detector = try makeDetector(baseOptions)
let decoder = ImageDecoder()

// 1. Detection rate over every split of the aligned set.
let root = shared + "/datasets/utkface"
var files: [String] = []
for split in ["Train", "Validation", "Test"] {
    for label in ["Female", "Male"] {
        let dir = "\(root)/\(split)/\(label)"
        files += ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { "\(dir)/\($0)" }
    }
}
files = Array(files.prefix(limit))
let lock = NSLock()
var found = 0, total = 0
// Per race (UTKFace names): a detector that misses one group's faces more is unfair to it.
let raceNames = UTKFaceName.races
var foundByRace = [Int](repeating: 0, count: raceNames.count), totalByRace = foundByRace
DispatchQueue.concurrentPerform(iterations: 2) { w in
    var i = w
    while i < files.count {
        if let image = try? decoder.decodeFile(atPath: files[i]) {
            let hit = !detector.detect(in: image).isEmpty
            let raceName = UTKFaceName.groups(fileName: URL(fileURLWithPath: files[i]).lastPathComponent)["race"]
            let race = raceName.flatMap { raceNames.firstIndex(of: $0) }
            lock.lock()
            total += 1; if hit { found += 1 }
            if let race { totalByRace[race] += 1; if hit { foundByRace[race] += 1 } }
            lock.unlock()
        }
        i += 2
    }
}

// 2. Time on 640x480 photos: a "group" scene (two faces, 160 and 100 pixels, on a gradient with
//    camera-like noise) and a "selfie" (one face filling most of the frame).
func scene(noise: Int, faces: Bool = true) -> RGBImage {
    var scene = RGBImage(width: 640, height: 480)
    var rng = SystemRandomNumberGenerator()
    for y in 0..<480 { for x in 0..<640 {
        let i = (y * 640 + x) * 3, n = noise > 0 ? Int.random(in: -noise...noise, using: &rng) : 0
        scene.pixels[i] = UInt8(max(0, min(255, (x * 255) / 640 + n)))
        scene.pixels[i + 1] = UInt8(max(0, min(255, (y * 255) / 480 + n)))
        scene.pixels[i + 2] = UInt8(max(0, min(255, ((x / 24 + y / 24) % 2) * 70 + 80 + n)))
    } }
    for (file, side, x0, y0) in faces ? [(files.first, 160, 80, 100), (files.last, 100, 420, 260)] : [] {
        guard let file, let face = try? decoder.decodeFile(atPath: file) else { continue }
        let small = Resampler.resize(face, width: side, height: side)
        for y in 0..<side { for x in 0..<side { for c in 0..<3 {
            scene.pixels[((y0 + y) * 640 + x0 + x) * 3 + c] = small.pixels[(y * side + x) * 3 + c]
        } } }
    }
    return scene
}

func time(_ image: RGBImage, threads: Int, scalar: Bool = false, haar: Bool = false) throws -> (median: Double, faces: Int) {
    var options = baseOptions
    options.threads = threads
    let d = haar ? try FallbackDetector.standard(cascadePath: nil, options: options) : try makeDetector(options, scalar: scalar)
    var times: [Double] = []
    var faces = 0
    for _ in 0..<30 {
        let start = DispatchTime.now()
        faces = d.detect(in: image).count
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
    }
    times.sort()
    return (times[times.count / 2], faces)
}

let selfie = Resampler.resample(try decoder.decodeFile(atPath: files[files.count / 2]), region: Region(x: -40, y: 0, width: 280, height: 210), width: 640, height: 480)
let rate = Double(found) / Double(max(total, 1))
print(String(format: "aligned photos with a face found: %d / %d = %.2f%%", found, total, 100 * rate))
var results: [String: Double] = ["detection_rate": rate, "photos": Double(total)]
for (r, name) in raceNames.enumerated() where totalByRace[r] > 0 {
    let share = Double(foundByRace[r]) / Double(totalByRace[r])
    print(String(format: "  %@: %d / %d = %.2f%%", name, foundByRace[r], totalByRace[r], 100 * share))
    results["detection_rate_\(name.lowercased())"] = (share * 10000).rounded() / 10000
}
// "empty": the scene without faces, where every fallback scan runs and finds nothing (the slowest case).
let empty = scene(noise: 6, faces: false)
for (name, image, expected) in [("group", scene(noise: 6), 2), ("group-noisy", scene(noise: 20), 2), ("selfie", selfie, 1), ("empty", empty, 0)] {
    for threads in [1, 2] {
        let (ms, faces) = try time(image, threads: threads)
        print(String(format: "640x480 %@ (%d of %d faces found), %d thread%@: median %.1f ms", name, faces, expected, threads, threads == 1 ? "" : "s", ms), terminator: "")
        results["\(name)_ms_\(threads)t"] = (ms * 100).rounded() / 100
        if learnedPath != nil {
            let (haarMs, haarFaces) = try time(image, threads: threads, haar: true)
            print(String(format: "; standard Haar %.1f ms (%d faces), learned / Haar = %.2fx", haarMs, haarFaces, ms / haarMs), terminator: "")
            results["\(name)_haar_ms_\(threads)t"] = (haarMs * 100).rounded() / 100
        } else if !useStandard {
            let (scalarMs, _) = try time(image, threads: threads, scalar: true)
            print(String(format: "; scalar cascade %.1f ms (%.2fx)", scalarMs, scalarMs / ms), terminator: "")
            results["\(name)_scalar_ms_\(threads)t"] = (scalarMs * 100).rounded() / 100
        }
        print()
    }
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(results), as: UTF8.self))
