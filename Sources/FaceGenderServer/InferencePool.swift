import Dispatch
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// When the server takes a request: only when the work queued ahead of it predicts an answer within the budget.
/// Past that it answers 503 at once (with Retry-After), so that overload costs the excess requests a fast refusal
/// instead of costing every request a long wait.
public struct AdmissionPolicy: Sendable {
    /// The latency a request may expect; a request predicted to take longer is refused.
    public var latencyBudgetSeconds = 1.0
    /// Requests waiting for a worker, at the most, whatever the prediction.
    public var maxQueued = 64

    public init() {}
}

/// Decoding and face detection run per request on a fixed set of worker threads (one analyzer each: layers reuse
/// buffers), off Swift's cooperative pool so that HTTP handling never stalls behind them; the faces of all requests
/// are then classified together in batches (`CropBatcher`). Requests are admitted by deadline (`AdmissionPolicy`).
public final class InferencePool: FacePredictor, @unchecked Sendable {
    public let modelInfo: ModelInfo
    private let analyzers: [FaceAnalyzer]
    private let decoder: ImageDecoder
    private let gate: WorkerGate
    private let batcher: CropBatcher
    private let queues: [DispatchQueue]
    private let metrics: ServerMetrics

    /// `analyzers`: one per worker thread (decode, detect, crop); `classifier`: the batcher's own copy of the model.
    public init(analyzers: [FaceAnalyzer], classifier: GenderClassifier, decoder: ImageDecoder,
                admission: AdmissionPolicy = AdmissionPolicy(), batching: BatchingPolicy = BatchingPolicy(),
                metrics: ServerMetrics = ServerMetrics()) {
        precondition(!analyzers.isEmpty, "an inference pool needs at least one analyzer")
        self.analyzers = analyzers
        self.modelInfo = classifier.info
        self.decoder = decoder
        self.metrics = metrics
        gate = WorkerGate(workers: analyzers.count, policy: admission, metrics: metrics)
        batcher = CropBatcher(classifier: classifier, policy: batching) { metrics.batchSize($0) }
        queues = analyzers.indices.map { DispatchQueue(label: "facegender.inference.\($0)", qos: .userInitiated) }
    }

    deinit { batcher.stop() }

    /// True for a second after a request was refused: /readyz then tells load balancers to send work elsewhere.
    public var isShedding: Bool { gate.isShedding }

    public func analyze(_ bytes: Data) async throws -> ImageAnalysis {
        let worker = try await gate.acquire(classifySeconds: batcher.secondsPerRequest.value)
        let start = DispatchTime.now()
        let found: Result<(photo: DecodedPhoto, faces: [(box: FaceBox, source: FaceSource)], crops: [RGBImage], decodeMs: Double), Error>
        found = await withCheckedContinuation { continuation in
            queues[worker].async { [analyzers, decoder] in
                continuation.resume(returning: Result {
                    let photo = try decoder.decodeReduced(bytes, keepingLongSide: FaceAnalyzer.decodedLongSide)
                    let decoded = DispatchTime.now()
                    let analyzer = analyzers[worker], pre = analyzer.classifier.info.preprocessor
                    let faces = analyzer.faces(in: photo.image, selection: .all, whenNoFace: .answerNone)
                    return (photo, faces, faces.map { pre.crop(photo.image, face: $0.box) },
                            Double(decoded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
                })
            }
        }
        await gate.release(worker, heldSeconds: Self.seconds(since: start))
        let (photo, faces, crops, decodeMs): (DecodedPhoto, [(box: FaceBox, source: FaceSource)], [RGBImage], Double)
        do { (photo, faces, crops, decodeMs) = try found.get() } catch { await gate.leave(); throw error }
        let probabilities = await batcher.classify(crops)
        await gate.leave()
        return ImageAnalysis(width: photo.width, height: photo.height,
                             faces: analyzers[worker].predictions(faces, probabilities: probabilities).map { $0.scaled(by: photo.scale) },
                             decodeMilliseconds: decodeMs, inferenceMilliseconds: Self.seconds(since: start) * 1000 - decodeMs)
    }

    static func seconds(since start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
}

/// An exponential moving average of durations, safe to update from any thread.
final class MovingAverage: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double = 0
    private var count = 0

    var value: Double { lock.lock(); defer { lock.unlock() }; return current }

    func add(_ x: Double) {
        lock.lock(); defer { lock.unlock() }
        count += 1
        current += (x - current) * max(0.1, 1 / Double(count))
    }
}

/// Hands out worker indices, first come first served, and refuses a request at once when the work admitted ahead
/// of it predicts a longer wait than the budget. A request passes two stages: a worker (decode and detection, the
/// workers in parallel) and then the one batcher (classification). Its predicted time is that of the slower path:
/// the worker queue ahead of it, (waiting / workers + 1) x the mean worker hold, then its own classification; or
/// its own hold, then the batcher's time for every request admitted ahead of it and its own. An idle server
/// admits any request.
actor WorkerGate {
    private var free: [Int]
    private var waiting: [CheckedContinuation<Int, Never>] = []
    /// Requests admitted and not yet answered.
    private var admitted = 0
    private let workers: Int
    private let policy: AdmissionPolicy
    private let metrics: ServerMetrics
    private let holdSeconds = MovingAverage()
    private let lastShed = LockedDate()

    init(workers: Int, policy: AdmissionPolicy, metrics: ServerMetrics) {
        free = Array((0..<workers).reversed())
        self.workers = workers; self.policy = policy; self.metrics = metrics
    }

    nonisolated var isShedding: Bool { lastShed.isWithin(seconds: 1) }

    /// `classifySeconds`: the batcher's mean time per request.
    func acquire(classifySeconds: Double) async throws -> Int {
        let hold = holdSeconds.value
        let workerPath = (Double(waiting.count) / Double(workers) + 1) * hold + classifySeconds
        let batcherPath = hold + Double(admitted + 1) * classifySeconds
        let predicted = max(workerPath, batcherPath)
        guard admitted == 0 || (waiting.count < policy.maxQueued && predicted <= policy.latencyBudgetSeconds) else {
            lastShed.set()
            metrics.shed()
            throw PredictorError.busy(retryAfterSeconds: max(1, Int(predicted.rounded(.up))))
        }
        admitted += 1
        if let worker = free.popLast() { return worker }
        metrics.queueLength(waiting.count + 1)
        return await withCheckedContinuation { waiting.append($0) }
    }

    /// The worker is done with the request (it goes on to the batcher).
    func release(_ worker: Int, heldSeconds: Double) {
        holdSeconds.add(heldSeconds)
        if waiting.isEmpty { free.append(worker); return }
        waiting.removeFirst().resume(returning: worker)
        metrics.queueLength(waiting.count)
    }

    /// The request is answered (or failed).
    func leave() { admitted -= 1 }
}

/// A moment, set from one thread and read from another.
final class LockedDate: @unchecked Sendable {
    private let lock = NSLock()
    private var date = Date.distantPast
    func set() { lock.lock(); date = Date(); lock.unlock() }
    func isWithin(seconds: Double) -> Bool { lock.lock(); defer { lock.unlock() }; return Date().timeIntervalSince(date) < seconds }
}
