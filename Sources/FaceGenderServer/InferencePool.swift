import Dispatch
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// A fixed set of analyzers (one model copy each: layers reuse buffers, so one thread per copy), a
/// bounded FIFO of waiting requests, and the CPU work on dedicated threads rather than Swift's
/// cooperative pool, so HTTP handling never stalls behind inference.
public final class InferencePool: FacePredictor, @unchecked Sendable {
    public let modelInfo: ModelInfo
    private let analyzers: [FaceAnalyzer]
    private let decoder: ImageDecoder
    private let gate: WorkerGate
    private let queues: [DispatchQueue]

    public init(analyzers: [FaceAnalyzer], decoder: ImageDecoder, maxQueued: Int, queueTimeoutSeconds: Double) {
        precondition(!analyzers.isEmpty, "an inference pool needs at least one analyzer")
        self.analyzers = analyzers
        self.modelInfo = analyzers[0].classifier.info
        self.decoder = decoder
        gate = WorkerGate(workers: analyzers.count, maxQueued: maxQueued, timeoutSeconds: queueTimeoutSeconds)
        queues = analyzers.indices.map { DispatchQueue(label: "facegender.inference.\($0)", qos: .userInitiated) }
    }

    public func analyze(_ bytes: Data) async throws -> ImageAnalysis {
        let worker = try await gate.acquire()
        defer { Task { await gate.release(worker) } }
        let analyzer = analyzers[worker], decoder = self.decoder
        return try await withCheckedThrowingContinuation { continuation in
            queues[worker].async {
                let start = DispatchTime.now()
                do {
                    let image = try decoder.decode(bytes)
                    let decoded = DispatchTime.now()
                    let faces = analyzer.analyze(image)
                    let done = DispatchTime.now()
                    continuation.resume(returning: ImageAnalysis(
                        width: image.width, height: image.height, faces: faces,
                        decodeMilliseconds: Double(decoded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6,
                        inferenceMilliseconds: Double(done.uptimeNanoseconds - decoded.uptimeNanoseconds) / 1e6))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Hands out worker indices; callers beyond the free workers wait in FIFO order, up to `maxQueued`,
/// for at most `timeoutSeconds`.
actor WorkerGate {
    private var free: [Int]
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Int, any Error>)] = []
    private var nextID: UInt64 = 0
    private let maxQueued: Int
    private let timeoutSeconds: Double

    init(workers: Int, maxQueued: Int, timeoutSeconds: Double) {
        free = Array((0..<workers).reversed())
        self.maxQueued = maxQueued
        self.timeoutSeconds = timeoutSeconds
    }

    func acquire() async throws -> Int {
        if let worker = free.popLast() { return worker }
        guard waiting.count < maxQueued else { throw PredictorError.busy(retryAfterSeconds: 1) }
        nextID += 1
        let id = nextID
        let timeout = timeoutSeconds
        Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            await self?.expire(id)
        }
        return try await withCheckedThrowingContinuation { waiting.append((id, $0)) }
    }

    func release(_ worker: Int) {
        if waiting.isEmpty { free.append(worker) } else { waiting.removeFirst().continuation.resume(returning: worker) }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: PredictorError.busy(retryAfterSeconds: 2))
    }
}
