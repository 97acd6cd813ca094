import CBLAS
import Dispatch

/// Row-major C[M, N] = alpha * op(A)[M, K] * op(B)[K, N] + beta * C, through OpenBLAS.
@inline(__always)
public func matmul(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The plain, obviously correct twin of `matmul`, for tests.
public func matmulNaive(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let av = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += av * bv
            }
            c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
        }
    }
}

/// How the engine spreads work over cores. The engine parallelises across images itself and keeps
/// OpenBLAS single-threaded, so the two never oversubscribe the cores.
public struct Parallelism: Sendable {
    public var workers: Int

    public init(workers: Int) {
        self.workers = max(1, workers)
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
        DispatchQueue.concurrentPerform(iterations: chunks) { w in
            let lo = count * w / chunks, hi = count * (w + 1) / chunks
            body(w, lo..<hi)
        }
    }
}
