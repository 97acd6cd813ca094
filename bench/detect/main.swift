// Detection benchmark: share of ../shared's aligned photos where a face is found, and time per 640x480 photo.
// Usage: swift run -c release bench-detect [--shared PATH] [--limit N] [--detector FILE]   (see bench/README.md)
import Dispatch
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import FaceGenderEvaluation
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let shared = option("--shared") ?? ProcessInfo.processInfo.environment["FACEGENDER_SHARED"] ?? "../shared"
let limit = option("--limit").flatMap(Int.init) ?? Int.max
// --detector FILE: the detector to measure (default: the shipped Models/detector.safetensors).
let detectorPath = option("--detector") ?? "Models/detector.safetensors"
let detector = try LearnedFaceDetector(contentsOf: detectorPath)
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

/// Median time of one detection on the calling thread (the detector runs one photo on one thread).
func time(_ image: RGBImage) -> (median: Double, faces: Int) {
    var times: [Double] = []
    var faces = 0
    for _ in 0..<30 {
        let start = DispatchTime.now()
        faces = detector.detect(in: image).count
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
// "empty": the scene without faces.
let empty = scene(noise: 6, faces: false)
for (name, image, expected) in [("group", scene(noise: 6), 2), ("group-noisy", scene(noise: 20), 2), ("selfie", selfie, 1), ("empty", empty, 0)] {
    let (ms, faces) = time(image)
    print(String(format: "640x480 %@ (%d of %d faces found), 1 thread: median %.1f ms", name, faces, expected, ms))
    results["\(name)_ms"] = (ms * 100).rounded() / 100
}
// A 12 MP phone photo (the group scene enlarged, JPEG quality 90): decoding it is part of every such answer.
let phonePhoto = try JPEGEncoder.encode(Resampler.resize(scene(noise: 6), width: 4000, height: 3000), quality: 90)
// "full": decoded whole; "reduced": as the product decodes (DCT scaling, at least FaceAnalyzer.decodedLongSide).
for (name, reduced) in [("full", false), ("reduced", true)] {
    var decodeTimes: [Double] = [], detectTimes: [Double] = []
    for _ in 0..<9 {
        let start = DispatchTime.now()
        let photo = reduced ? try decoder.decodeReduced(phonePhoto, keepingLongSide: FaceAnalyzer.decodedLongSide).image : try decoder.decode(phonePhoto)
        let decoded = DispatchTime.now()
        _ = detector.detect(in: photo)
        decodeTimes.append(Double(decoded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
        detectTimes.append(Double(DispatchTime.now().uptimeNanoseconds - decoded.uptimeNanoseconds) / 1e6)
    }
    let decodeMs = decodeTimes.sorted()[4], detectMs = detectTimes.sorted()[4]
    print(String(format: "4000x3000 JPEG (%.1f MB) decoded %@, 1 thread: decode %.1f ms, detection (scaling included) %.1f ms",
                 Double(phonePhoto.count) / 1e6, name, decodeMs, detectMs))
    results["phone_\(name)_decode_ms"] = (decodeMs * 100).rounded() / 100
    results["phone_\(name)_detect_ms"] = (detectMs * 100).rounded() / 100
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(results), as: UTF8.self))
