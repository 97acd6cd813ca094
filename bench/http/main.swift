// HTTP load benchmark: the server under wrk on loopback beside in-process predict throughput, in one run.
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
let duration = Int(option("--seconds", "30")) ?? 30
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
let detector = try FallbackDetector.standard(cascadePath: nil)
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

// 2. The server under wrk.
func run(_ path: String, _ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: out, as: UTF8.self)
}
func rssMB(_ pid: Int32) -> Double {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first { Double($0) != nil } ?? "0") ?? 0) / 1024
}
let port = 18000 + Int(getpid() % 1000)
let server = Process()
server.executableURL = URL(fileURLWithPath: binary)
server.arguments = ["serve", "--port", String(port), "--model", model.path, "--max-queued", "64"]
server.standardOutput = FileHandle.nullDevice
server.standardError = FileHandle.nullDevice
try server.run()
defer { server.terminate() }
let url = "http://127.0.0.1:\(port)/api/v1/predict"
for _ in 0..<100 where (try? run("/usr/bin/curl", ["-fs", "http://127.0.0.1:\(port)/readyz"]))?.contains("ready") != true { usleep(100_000) }
let lua = NSTemporaryDirectory() + "facegender-bench.lua"
try """
local f = io.open("\(photoPath)", "rb"); local body = f:read("*all"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "image/jpeg"
""".write(toFile: lua, atomically: true, encoding: .utf8)
func requests(_ text: String) -> Int { Int(text.split(separator: "\n").first { $0.contains("requests in") }?.split(separator: " ").first ?? "0") ?? 0 }
// Warm-up: 1,000 requests, so allocator arenas and connection buffers reach their working size before RSS is read.
var warmup = 0
while warmup < 1_000 { warmup += requests(try run("/usr/bin/wrk", ["-t2", "-c32", "-d5s", "-s", lua, url])) }
let rssBefore = rssMB(server.processIdentifier)
let report = try run("/usr/bin/wrk", ["-t2", "-c32", "-d\(duration)s", "--latency", "-s", lua, url])
// Keep going to at least 10,000 requests for the RSS check; RSS is also read halfway, so a leak shows as
// growth that goes on rather than a one-off step.
var total = requests(report)
var rssHalfway: Double?
while total < 10_000 {
    total += requests(try run("/usr/bin/wrk", ["-t2", "-c32", "-d10s", "-s", lua, url]))
    if rssHalfway == nil && total >= 5_000 { rssHalfway = rssMB(server.processIdentifier) }
}
let rssAfter = rssMB(server.processIdentifier)

func value(_ prefix: String) -> String? {
    report.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }.map {
        $0.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
    }
}
func milliseconds(_ s: String?) -> Double {
    guard let s else { return -1 }
    if s.hasSuffix("ms") { return Double(s.dropLast(2)) ?? -1 }
    if s.hasSuffix("us") { return (Double(s.dropLast(2)) ?? -1) / 1000 }
    if s.hasSuffix("s") { return (Double(s.dropLast(1)) ?? -1) * 1000 }
    return -1
}
let rps = Double(value("Requests/sec:") ?? "") ?? -1
let errorLine = report.split(separator: "\n").first { $0.contains("Non-2xx") || $0.contains("Socket errors") }
let errors = errorLine.map { line in line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +) } ?? 0
print(report)
print("photo: 640x480 JPEG, \(jpeg.count) bytes, \(faces) face(s); model \(model.path)")
print(String(format: "in-process predict: %.1f images/s (2 workers)", inProcessIPS))
print(String(format: "HTTP: %.1f requests/s = %.0f%% of in-process; p50 %.1f ms, p99 %.1f ms; errors %d", rps, 100 * rps / inProcessIPS,
             milliseconds(value("50%")), milliseconds(value("99%")), errors))
print(String(format: "server RSS %.1f MB after %d warm-up requests, %.1f MB halfway, %.1f MB after %d more requests (%+.1f%%)",
             rssBefore, warmup, rssHalfway ?? rssAfter, rssAfter, total, 100 * (rssAfter - rssBefore) / rssBefore))
let summary: [String: Double] = ["rps": rps, "p50_ms": milliseconds(value("50%")), "p99_ms": milliseconds(value("99%")),
                                 "errors": Double(errors), "in_process_ips": inProcessIPS, "rss_growth": (rssAfter - rssBefore) / rssBefore,
                                 "requests": Double(total)]
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(summary.mapValues { ($0 * 1000).rounded() / 1000 }), as: UTF8.self))
