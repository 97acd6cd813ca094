import Dispatch

/// Work on whole items (photos) spread over a few threads, each with its own state (a network, an analyzer).
public enum ParallelMap {
    /// `body(worker, index)` for every index in 0..<count: worker w takes w, w + workers, w + 2 x workers, ...;
    /// the results come back in index order.
    public static func strided<T>(count: Int, workers: Int, _ body: (_ worker: Int, _ index: Int) -> T) -> [T] {
        let workers = max(1, workers)
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: count, by: workers) { out[i] = body(w, i) }
            }
        }
        return results.map { $0! }
    }
}
