import CBLAS

/// How the engine spreads work over cores. The engine parallelises across images itself and keeps
/// OpenBLAS single-threaded, so the two never oversubscribe the cores.
///
/// Copies share one `WorkerPool`; layers of one network run one at a time, so they never contend for it.
public struct Parallelism: Sendable {
    public let workers: Int
    private let pool: WorkerPool

    public init(workers: Int) {
        self.workers = max(1, workers)
        pool = WorkerPool(workers: self.workers)
        openblas_set_num_threads(1)
    }

    /// Runs `body(range)` over `count` elements in one slice per worker, or in one call when the work
    /// is too small to be worth a thread hand-off.
    public func forEachSlice(_ count: Int, minimumPerWorker: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        if workers == 1 || count < 2 * minimumPerWorker { body(0..<count); return }
        forEachChunk(count) { _, range in body(range) }
    }

    /// Runs `body(worker, range)` over `count` items split into contiguous chunks, one per worker.
    public func forEachChunk(_ count: Int, _ body: (Int, Range<Int>) -> Void) {
        let chunks = min(workers, count)
        if chunks <= 1 {
            body(0, 0..<count)
            return
        }
        pool.run { w in
            guard w < chunks else { return }
            let lo = count * w / chunks, hi = count * (w + 1) / chunks
            body(w, lo..<hi)
        }
    }
}
