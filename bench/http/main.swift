// HTTP load benchmark: in-process throughput, then the server on loopback under open-loop Poisson arrivals at a
// ladder of rates and under a closed loop of 32 connections, and its RSS over 10,000 requests, in one run.
// Usage: bench/http/run   (builds, then runs this with the facegender binary's path)
import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderServer
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String { arguments.firstIndex(of: name).map { arguments[$0 + 1] } ?? fallback }
let binary = option("--facegender", ".build/release/facegender")
let shared = option("--shared", ProcessInfo.processInfo.environment["FACEGENDER_SHARED"] ?? "../shared")
let duration = Int(option("--seconds", "30")) ?? 30  // the closed loop
let model = try ModelBundle.load(path: try ModelLocator.resolve(explicit: arguments.firstIndex(of: "--model").map { arguments[$0 + 1] },
                                                                 executablePath: binary), card: .none)

// A 640x480 JPEG with one 220-pixel face on a gradient.
let faceDir = shared + "/datasets/utkface/Test/Male"
let faceFile = try FileManager.default.contentsOfDirectory(atPath: faceDir).sorted()[100]
let face = Resampler.resize(try ImageDecoder().decodeFile(atPath: faceDir + "/" + faceFile), width: 220, height: 220)
var scene = RGBImage(width: 640, height: 480)
for y in 0..<480 { for x in 0..<640 {
    let i = (y * 640 + x) * 3
    scene.pixels[i] = UInt8(60 + x * 120 / 640); scene.pixels[i + 1] = UInt8(80 + y * 100 / 480); scene.pixels[i + 2] = 150
} }
for y in 0..<220 { for x in 0..<220 { for c in 0..<3 { scene.pixels[((130 + y) * 640 + 210 + x) * 3 + c] = face.pixels[(y * 220 + x) * 3 + c] } } }
let jpeg = try JPEGEncoder.encode(scene, quality: 90)
let photoPath = NSTemporaryDirectory() + "facegender-bench-640x480.jpg"
try jpeg.write(to: URL(fileURLWithPath: photoPath))

// 1. In-process: the same InferencePool the server uses, 2 workers, 32 concurrent callers.
// --detector FILE: the face detector, in process and in the server (default: the shipped one).
let detectorPath = option("--detector", "Models/detector.safetensors")
let detector = try LearnedFaceDetector(contentsOf: detectorPath)
var admission = AdmissionPolicy()
admission.latencyBudgetSeconds = 60
let pool = InferencePool(analyzers: try model.analyzers(count: 2, detector: detector), classifier: try model.classifier(),
                         decoder: ImageDecoder(), admission: admission)
let faces = try await pool.analyze(jpeg).faces.count
let inProcessCount = 200
let start = DispatchTime.now()
try await withThrowingTaskGroup(of: Void.self) { group in
    for w in 0..<32 { group.addTask { for _ in stride(from: w, to: inProcessCount, by: 32) { _ = try await pool.analyze(jpeg) } } }
    try await group.waitForAll()
}
let inProcessIPS = Double(inProcessCount) / (Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)

// 2. The server, on loopback, under the load generator (LoadGenerator.swift).
func rssMB(_ pid: Int32) -> Double {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first { Double($0) != nil } ?? "0") ?? 0) / 1024
}
let port = 18000 + Int(getpid() % 1000)
let server = Process()
server.executableURL = URL(fileURLWithPath: binary)
// The server's latency budget: the open loop's bound, 100 ms, so that it sheds what would answer later than the
// benchmark counts (its own default, 1 s, suits interactive use).
let budget = option("--latency-budget", "0.1")
server.arguments = ["serve", "--port", String(port), "--model", model.path, "--latency-budget", budget, "--detector", detectorPath]
server.standardOutput = FileHandle.nullDevice
server.standardError = FileHandle.nullDevice
try server.run()
defer { server.terminate() }
let load = LoadGenerator(port: port, path: "/api/v1/predict", body: jpeg, contentType: "image/jpeg")
var ready = false
for _ in 0..<100 where !ready {
    ready = LoadGenerator(port: port, path: "/api/v1/predict", body: jpeg, contentType: "image/jpeg").post().status == 200
    if !ready { usleep(100_000) }
}
// Warm-up, so that allocator arenas and buffers reach their working size before RSS is read.
_ = load.closedLoop(connections: 32, seconds: 5, retry: .afterRetryAfter)
let rssBefore = rssMB(server.processIdentifier)

// 2a. Open loop: Poisson arrivals at a ladder of rates around in-process throughput.
let openSeconds = Double(option("--open-seconds", "20")) ?? 20
let shares = [0.25, 0.5, 0.7, 0.8, 0.9, 1.0, 1.2]
var ladder: [(rate: Double, summary: LoadSummary)] = []
for (i, share) in shares.enumerated() where openSeconds > 0 {
    let rate = share * inProcessIPS
    let outcomes = load.openLoop(rate: rate, seconds: openSeconds, seed: UInt64(i + 1))
    ladder.append((rate, LoadSummary(outcomes, seconds: openSeconds)))
}
let sustained = ladder.filter { $0.summary.p99 >= 0 && $0.summary.p99 <= 100 && $0.summary.shedShare < 0.01 && $0.summary.errors == 0 }
let openLoopRPS = sustained.map(\.rate).max() ?? 0

// 2b. Closed loop: 32 connections always busy, first as clients that honour Retry-After, then as clients that send
// their next request at once after a 503.
let closedOutcomes = load.closedLoop(connections: 32, seconds: Double(duration), retry: .afterRetryAfter)
let closed = LoadSummary(closedOutcomes, seconds: Double(duration))
let impatientOutcomes = load.closedLoop(connections: 32, seconds: Double(duration), retry: .atOnce)
let impatient = LoadSummary(impatientOutcomes, seconds: Double(duration))
// 2c. On to 10,000 answered requests since the warm-up for the RSS check, read halfway too: a leak grows on, a
// one-off step does not.
let rssRequests = Int(option("--rss-requests", "10000")) ?? 10_000
var answered = (ladder.map(\.summary) + [closed, impatient]).reduce(0) { $0 + $1.answered }, rssHalfway: Double?
while answered < rssRequests {
    answered += load.closedLoop(connections: 32, seconds: 10, retry: .afterRetryAfter).filter { $0.status == 200 }.count
    if rssHalfway == nil && answered >= rssRequests / 2 { rssHalfway = rssMB(server.processIdentifier) }
}
let rssAfter = rssMB(server.processIdentifier)

print("photo: 640x480 JPEG, \(jpeg.count) bytes, \(faces) face(s); model \(model.path); server --latency-budget \(budget)")
print(String(format: "in-process predict: %.1f images/s (the server's pool, 32 callers)", inProcessIPS))
print("open loop, \(Int(openSeconds)) s per rate:")
print("| rate /s | share of in-process | answered /s | p50 ms | p99 ms | shed | errors |")
print("|---|---|---|---|---|---|---|")
for (rate, s) in ladder {
    print(String(format: "| %.1f | %.0f%% | %.1f | %.1f | %.1f | %.1f%% | %d |", rate, 100 * rate / inProcessIPS, s.answeredPerSecond, s.p50, s.p99,
                 100 * s.shedShare, s.errors))
}
print(String(format: "open_loop_rps %.1f = %.2fx in-process (the highest rate with p99 <= 100 ms and under 1%% shed)", openLoopRPS,
             openLoopRPS / inProcessIPS))
print("closed loop, 32 connections, \(duration) s each:")
print("| clients after a 503 | answered /s | p50 ms | p99 ms | shed | errors |")
print("|---|---|---|---|---|---|")
for (name, s) in [("wait Retry-After", closed), ("retry at once", impatient)] {
    print(String(format: "| %@ | %.1f | %.1f | %.1f | %.1f%% | %d |", name, s.answeredPerSecond, s.p50, s.p99, 100 * s.shedShare, s.errors))
}
print(String(format: "server RSS %.1f MB after the warm-up, %.1f MB halfway, %.1f MB after %d answered requests (%+.1f%%)",
             rssBefore, rssHalfway ?? rssAfter, rssAfter, answered, 100 * (rssAfter - rssBefore) / rssBefore))
let summary: [String: Double] = [
    "in_process_ips": inProcessIPS, "open_loop_rps": openLoopRPS, "rps": closed.answeredPerSecond, "p50_ms": closed.p50, "p99_ms": closed.p99,
    "shed": closed.shedShare, "errors": Double(closed.errors + impatient.errors), "rss_growth": (rssAfter - rssBefore) / rssBefore,
    "p99_ms_retry_at_once": impatient.p99, "shed_retry_at_once": impatient.shedShare,
]
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(summary.mapValues { ($0 * 1000).rounded() / 1000 }), as: UTF8.self))
