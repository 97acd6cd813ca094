// Engine benchmark: the same CNN trained and run by the Swift engine and by PyTorch, in one run, side by side.
// Usage: swift run -c release bench-engine [--iterations N] [--profile] [--profile-train] [--profile-only] [--im2col]
//        [--winograd-min-tiles N] [--b1-rounds N]   (see bench/README.md)
// --im2col adds a column: the Swift engine with Winograd and the direct first layer turned off (every
// convolution as im2col + GEMM). --b1-rounds N (default 7): batch-1 medians in N rounds alternating between
// the two sides, besides the one-shot medians taken minutes apart.
import FaceGenderEngine
import FaceGenderModel
import Foundation

let referenceSpec: ModelSpec = {
    var layers: [LayerSpec] = []
    for c in [32, 64, 128, 256] {
        layers += [.conv(outChannels: c, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm, .relu, .maxPool(kernel: 2, stride: 2)]
    }
    layers += [.flatten, .dense(outFeatures: 2)]
    return ModelSpec(inputChannels: 3, inputHeight: 64, inputWidth: 64, layers: layers)
}()

let arguments = CommandLine.arguments
/// The integer after `name` on the command line; nil when the option is absent, last, or not an integer.
func intOption(_ name: String) -> Int? {
    guard let i = arguments.firstIndex(of: name), arguments.indices.contains(i + 1) else { return nil }
    return Int(arguments[i + 1])
}
let iterations = intOption("--iterations") ?? 30
let threads = intOption("--threads") ?? 2
let minimumTiles = intOption("--winograd-min-tiles")
let batchOneRounds = intOption("--b1-rounds") ?? 7
let peakPerCore = 115.0  // GFLOP/s, measured FMA peak of this machine (DEVELOPERS.md)

func residentMegabytes(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field) {
        return Double(line.split(separator: " ").dropFirst().first { Double($0) != nil }.flatMap { Double($0) } ?? 0) / 1024
    }
    return 0
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now()
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

struct Measurement: Codable {
    var trainIPS: Double, inferIPS: Double, b1Milliseconds: Double, peakRSSMB: Double, rssGrowthMB: Double
}

/// `--input-side N` sizes the product's network input (64 in use).
let productSide = intOption("--input-side") ?? 64
let productSpec = Architecture.resnetSmall.spec(inputSide: productSide, classes: 2, dropout: 0.2)

/// The reference network (or another spec) as the command line sets it up (Winograd and the direct first
/// layer on or off, Winograd's minimum tile count).
func makeNetwork(_ spec: ModelSpec = referenceSpec, algorithm: ConvolutionAlgorithm = .fastest) throws -> Network {
    let network = try Network(spec: spec, seed: 1, parallelism: Parallelism(workers: threads), algorithm: algorithm)
    network.forEachLayer { layer in
        guard let conv = layer as? Conv2D, let minimumTiles else { return }
        conv.winogradMinimumTiles = minimumTiles
    }
    return network
}

func measureSwift(algorithm: ConvolutionAlgorithm = .fastest) throws -> (Measurement, Int) {
    let network = try makeNetwork(algorithm: algorithm)
    var rng = RandomGenerator(seed: 2)
    let x = Tensor(shape: [64, 3, 64, 64])
    for i in 0..<x.count { x[i] = rng.normal() }
    let labels = (0..<64).map { $0 % 2 }
    let loss = SoftmaxCrossEntropy()
    let optimizer = AdamW(parameters: network.parameters, learningRate: 1e-3, weightDecay: 0.05)
    func trainStep() {
        loss.forward(logits: network.forward(x, mode: .training), labels: labels)
        network.backward(loss.gradient)
        optimizer.step()
    }
    for _ in 0..<3 { trainStep() }
    let rssAfterWarmup = residentMegabytes("VmRSS:")
    let train = seconds { for _ in 0..<iterations { trainStep() } }
    let rssGrowth = residentMegabytes("VmRSS:") - rssAfterWarmup
    for _ in 0..<3 { _ = network.forward(x, mode: .inference) }
    let infer = seconds { for _ in 0..<iterations { _ = network.forward(x, mode: .inference) } }
    return (Measurement(trainIPS: Double(64 * iterations) / train, inferIPS: Double(64 * iterations) / infer,
                        b1Milliseconds: batchOneMedian(network, warmedUpBatchOne(network, seed: 3)), peakRSSMB: residentMegabytes("VmHWM:"),
                        rssGrowthMB: rssGrowth), network.forwardFlops)
}

/// A random 3x64x64 image after 200 warm-up batch-1 passes of `network` on it (PyTorch gets the same): with 20,
/// the first batch-1 median after the batch-64 phase was sometimes doubled (~3 ms), a warm-up artefact of the
/// thread pool, not of the network.
func warmedUpBatchOne(_ network: Network, seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let one = Tensor(shape: [1, 3, 64, 64])
    for i in 0..<one.count { one[i] = rng.normal() }
    for _ in 0..<200 { _ = network.forward(one, mode: .inference) }
    return one
}

/// Median of 300 timed batch-1 forward passes, in milliseconds.
func batchOneMedian(_ network: Network, _ one: Tensor) -> Double {
    var latencies: [Double] = []
    for _ in 0..<300 { latencies.append(seconds { _ = network.forward(one, mode: .inference) }) }
    latencies.sort()
    return latencies[latencies.count / 2] * 1000
}

/// The PyTorch side as a process running torch_bench.py with `extra` arguments, or nil without the venv.
func torchProcess(_ extra: [String]) -> Process? {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let python = here.deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path
    guard FileManager.default.isExecutableFile(atPath: python) else {
        FileHandle.standardError.write(Data("PyTorch side skipped: \(python) missing; run bench/engine/run to create the venv\n".utf8))
        return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [here.appendingPathComponent("torch_bench.py").path, "--iterations", String(iterations), "--threads", String(threads)] + extra
    return process
}

/// Batch-1 medians taken in alternating rounds (Swift, PyTorch, Swift, ...), so a machine that speeds up or
/// slows down during the run moves both sides alike: the one-shot medians are minutes apart.
func interleavedBatchOne(rounds: Int) throws -> (swift: [Double], torch: [Double])? {
    guard let process = torchProcess(["--b1-server"]) else { return nil }
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    defer { try? input.fileHandleForWriting.close(); process.waitUntilExit() }
    let network = try makeNetwork()
    let one = warmedUpBatchOne(network, seed: 4)
    var swift: [Double] = [], torch: [Double] = [], pending = Data()
    for _ in 0..<rounds {
        swift.append(batchOneMedian(network, one))
        try input.fileHandleForWriting.write(contentsOf: Data("b1\n".utf8))
        while !pending.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            pending += chunk
        }
        let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
        guard let answer = try? JSONDecoder().decode([String: Double].self, from: pending[..<end]), let ms = answer["b1Milliseconds"] else { return nil }
        torch.append(ms)
        pending = Data(pending[(end + 1)...])
    }
    return (swift, torch)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func measureTorch() -> Measurement? {
    guard let process = torchProcess([]) else { return nil }
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last else { return nil }
    return try? JSONDecoder().decode(Measurement.self, from: Data(line.utf8))
}

/// Per-layer inference time at a batch size (`--profile`: 64 and 1), to show where the engine spends its time.
func profileLayers(batch: Int) throws {
    let network = try makeNetwork()
    var rng = RandomGenerator(seed: 3)
    let x = Tensor(shape: [batch, 3, 64, 64])
    for i in 0..<x.count { x[i] = rng.normal() }
    var totals = [Double](repeating: 0, count: network.root.layers.count)
    let rounds = batch == 1 ? 64 * iterations : iterations
    for round in 0..<(rounds + 3) {
        var h = x
        for (k, layer) in network.root.layers.enumerated() {
            let t = seconds { h = layer.forward(h, mode: .inference) }
            if round >= 3 { totals[k] += t }
        }
    }
    let sum = totals.reduce(0, +)
    print("per-layer inference time, batch \(batch) (\(rounds) rounds; layers one by one, so without inference fusion):")
    for (k, layer) in network.root.layers.enumerated() {
        print(String(format: "  %2d %-12@ %7.2f ms  %4.1f%%", k, String(describing: type(of: layer)) as NSString,
                     1000 * totals[k] / Double(rounds), 100 * totals[k] / sum))
    }
}
/// A top-level layer in a few words: its kind, and a convolution's kernel, stride and channels.
func describe(_ layer: Layer) -> String {
    func shape(_ c: Conv2D) -> String {
        "\(c.kernel)x\(c.kernel)/\(c.stride) \(c.inChannels)->\(c.outChannels)" + (c.usesWinograd ? " W" : c.usesDirect ? " D" : "")
    }
    switch layer {
    case let c as Conv2D: return "Conv2D " + shape(c)
    case let r as Residual: return "Residual " + r.body.layers.compactMap { ($0 as? Conv2D).map(shape) }.joined(separator: ", ")
    default: return String(describing: type(of: layer))
    }
}

/// Training time per top-level layer (`--profile-train`): forward and backward at batch 64, a residual block as one.
func profileTraining(_ name: String, _ network: Network) {
    let spec = network.spec
    var rng = RandomGenerator(seed: 3)
    let x = Tensor(shape: [64, spec.inputChannels, spec.inputHeight, spec.inputWidth])
    for i in 0..<x.count { x[i] = rng.normal() }
    let labels = (0..<64).map { $0 % 2 }
    let loss = SoftmaxCrossEntropy()
    let layers = network.root.layers
    var forward = [Double](repeating: 0, count: layers.count), backward = forward
    for round in 0..<(iterations + 3) {
        var h = x
        for (k, layer) in layers.enumerated() {
            let t = seconds { h = layer.forward(h, mode: .training) }
            if round >= 3 { forward[k] += t }
        }
        loss.forward(logits: h, labels: labels)
        var g = loss.gradient
        for (k, layer) in layers.enumerated().reversed() {
            let t = seconds { g = layer.backward(g) }
            if round >= 3 { backward[k] += t }
        }
    }
    let total = forward.reduce(0, +) + backward.reduce(0, +)
    print("training time per layer, \(name), batch 64 (\(iterations) rounds; W = Winograd, D = direct): \(String(format: "%.1f", 1000 * total / Double(iterations))) ms per step")
    for (k, layer) in layers.enumerated() {
        print(String(format: "  %2d %-44@ fwd %6.2f ms  bwd %6.2f ms  %4.1f%%", k, describe(layer) as NSString,
                     1000 * forward[k] / Double(iterations), 1000 * backward[k] / Double(iterations),
                     100 * (forward[k] + backward[k]) / total))
    }
}

if arguments.contains("--profile") {
    for batch in [64, 1] { try profileLayers(batch: batch) }
    let product = try makeNetwork(productSpec)
    let one = warmedUpBatchOne(product, seed: 5)
    print(String(format: "resnet-small (the product's network), batch 1: %.2f ms (median of 300)", batchOneMedian(product, one)))
}
if arguments.contains("--profile-train") {
    profileTraining("reference CNN", try makeNetwork())
    profileTraining("resnet-small (the product's network) at \(productSide) px", try makeNetwork(productSpec))
}
if arguments.contains("--profile-only") { exit(0) }

let (swift, flops) = try measureSwift()
let im2col = arguments.contains("--im2col") ? try measureSwift(algorithm: .im2col).0 : nil
let torch = measureTorch()
let interleaved = try interleavedBatchOne(rounds: batchOneRounds)
let gflop = Double(flops) / 1e9
func row(_ name: String, _ s: Double, _ t: Double?, _ format: String, im2col i: Double? = nil) {
    let ratio = t.map { String(format: "%.2fx", s / $0) } ?? "-"
    let extra = im2col.map { _ in "   " + (i.map { String(format: format, $0) } ?? "-") } ?? ""
    print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: format, s).padding(toLength: 12, withPad: " ", startingAt: 0),
          (t.map { String(format: format, $0) } ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0), ratio + extra)
}
print("reference CNN: 4 x [conv3x3-BN-ReLU-maxpool] 32-64-128-256, 3x64x64 -> 2; \(String(format: "%.3f", gflop)) GFLOP/image forward; \(threads) threads; \(iterations) iterations")
print("metric".padding(toLength: 34, withPad: " ", startingAt: 0), "Swift".padding(toLength: 12, withPad: " ", startingAt: 0),
      "PyTorch".padding(toLength: 12, withPad: " ", startingAt: 0), "Swift/PyTorch" + (im2col == nil ? "" : "   Swift im2col only"))
row("training images/s (batch 64)", swift.trainIPS, torch?.trainIPS, "%.0f", im2col: im2col?.trainIPS)
row("inference images/s (batch 64)", swift.inferIPS, torch?.inferIPS, "%.0f", im2col: im2col?.inferIPS)
row("latency batch 1 (ms, median)", swift.b1Milliseconds, torch?.b1Milliseconds, "%.2f", im2col: im2col?.b1Milliseconds)
if let interleaved {
    row("batch 1 alternating (ms, median)", median(interleaved.swift), median(interleaved.torch), "%.2f")
    let ratios = zip(interleaved.swift, interleaved.torch).map { String(format: "%.2f", $0 / $1) }
    print("  Swift/PyTorch in each of \(batchOneRounds) alternating rounds of 300 passes: " + ratios.joined(separator: " "))
}
row("peak RSS (MB)", swift.peakRSSMB, torch?.peakRSSMB, "%.0f")
row("RSS growth over timed training (MB)", swift.rssGrowthMB, torch?.rssGrowthMB, "%.1f")
let trainGFLOPS = swift.trainIPS * gflop * 3, inferGFLOPS = swift.inferIPS * gflop
row("training GFLOP/s (3x fwd, effective)", trainGFLOPS, torch.map { $0.trainIPS * gflop * 3 }, "%.1f")
row("inference GFLOP/s (effective)", inferGFLOPS, torch.map { $0.inferIPS * gflop }, "%.1f")
print(String(format: "effective = direct-convolution FLOPs / time (Winograd does fewer); share of %.0f GFLOP/s peak (%d cores): training %.0f%%, inference %.0f%%", peakPerCore * Double(threads), threads,
             100 * trainGFLOPS / (peakPerCore * Double(threads)), 100 * inferGFLOPS / (peakPerCore * Double(threads))))
let summary: [String: Double] = [
    "swift_train_ips": swift.trainIPS, "torch_train_ips": torch?.trainIPS ?? -1,
    "swift_infer_ips": swift.inferIPS, "torch_infer_ips": torch?.inferIPS ?? -1,
    "swift_b1_ms": swift.b1Milliseconds, "torch_b1_ms": torch?.b1Milliseconds ?? -1,
    "swift_b1_alternating_ms": interleaved.map { median($0.swift) } ?? -1, "torch_b1_alternating_ms": interleaved.map { median($0.torch) } ?? -1,
    "swift_im2col_train_ips": im2col?.trainIPS ?? -1, "swift_im2col_infer_ips": im2col?.inferIPS ?? -1,
    "swift_im2col_b1_ms": im2col?.b1Milliseconds ?? -1,
    "swift_peak_rss_mb": swift.peakRSSMB, "torch_peak_rss_mb": torch?.peakRSSMB ?? -1, "swift_rss_growth_mb": swift.rssGrowthMB,
]
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(summary.mapValues { ($0 * 100).rounded() / 100 }), as: UTF8.self))
