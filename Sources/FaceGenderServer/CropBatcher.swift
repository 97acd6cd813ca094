import Dispatch
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// How face crops of concurrent requests are batched through the network.
public struct BatchingPolicy: Sendable {
    /// A batch closes when it holds this many crops...
    public var maxBatch = 16
    /// ...or this long after its first crop arrived.
    public var maxWaitSeconds = 0.003

    public init() {}
}

/// Face crops from concurrent requests classified together on one thread: a batch closes when it is full or
/// `maxWaitSeconds` after its first crop came; every caller gets the answers of its own crops, in its order. A
/// request with more crops than a batch holds goes through alone.
final class CropBatcher: @unchecked Sendable {
    private struct Job { var crops: [RGBImage]; var continuation: CheckedContinuation<[[Double]], Never> }

    private let classifier: GenderClassifier
    private let policy: BatchingPolicy
    private let observe: (Int) -> Void
    /// The network's time per request: each batch's compute time shared among its requests.
    let secondsPerRequest = MovingAverage()
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var firstArrival: Date?
    private var stopped = false

    /// `observe` hears every batch's size in crops.
    init(classifier: GenderClassifier, policy: BatchingPolicy, observe: @escaping (Int) -> Void = { _ in }) {
        self.classifier = classifier; self.policy = policy; self.observe = observe
        // The thread keeps the batcher alive until `stop` ends its loop.
        let thread = Thread { self.loop() }
        thread.name = "facegender.batcher"
        thread.qualityOfService = .userInitiated
        thread.start()
    }

    func classify(_ crops: [RGBImage]) async -> [[Double]] {
        guard !crops.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            condition.lock()
            if pending.isEmpty { firstArrival = Date() }
            pending.append(Job(crops: crops, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Ends the batching thread once the work already handed in is answered.
    func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
    }

    private func loop() {
        while let jobs = nextBatch() {
            let crops = jobs.flatMap(\.crops)
            observe(crops.count)
            let start = DispatchTime.now()
            let rows = classifier.probabilities(crops: crops)
            let seconds = InferencePool.seconds(since: start)
            for _ in jobs { secondsPerRequest.add(seconds / Double(jobs.count)) }
            var offset = 0
            for job in jobs {
                job.continuation.resume(returning: Array(rows[offset..<(offset + job.crops.count)]))
                offset += job.crops.count
            }
        }
    }

    /// Waits for work, then until the batch is full or its time is up; takes whole requests, first come first.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !stopped { condition.wait() }
        if pending.isEmpty { return nil }
        let deadline = (firstArrival ?? Date()).addingTimeInterval(policy.maxWaitSeconds)
        while pending.reduce(0, { $0 + $1.crops.count }) < policy.maxBatch && Date() < deadline {
            _ = condition.wait(until: deadline)
        }
        var taken: [Job] = [], count = 0
        while let job = pending.first, taken.isEmpty || count + job.crops.count <= policy.maxBatch {
            taken.append(job); count += job.crops.count
            pending.removeFirst()
        }
        firstArrival = pending.isEmpty ? nil : Date()
        return taken
    }
}
