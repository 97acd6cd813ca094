import FaceGenderEngine
import Foundation
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct WorkerPoolTests {
    /// Runs `regions` regions and returns, per worker index, how many times it ran.
    func runCounts(_ pool: WorkerPool, regions: Int) -> [Int] {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: pool.workers)
        counts.initialize(repeating: 0, count: pool.workers)
        defer { counts.deallocate() }
        for _ in 0..<regions { pool.run { w in counts[w] += 1 } }
        return Array(UnsafeBufferPointer(start: counts, count: pool.workers))
    }

    @Test(arguments: [1, 2, 3])
    func everyWorkerRunsOncePerRegion(workers: Int) {
        let pool = WorkerPool(workers: workers)
        #expect(runCounts(pool, regions: 20_000) == Array(repeating: 20_000, count: workers))
    }

    @Test func regionsAfterTheHelpersFellAsleepStillRunOnEveryWorker() {
        let pool = WorkerPool(workers: 2)
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.002)  // far longer than the spin: the helper is asleep
            #expect(runCounts(pool, regions: 1) == [1, 1])
        }
    }

    @Test func concurrentCallersAndNestedRegionsGetEveryWorkerOnce() async {
        let pool = WorkerPool(workers: 2)
        let total = Atomic<Int>(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<2_000 {
                        pool.run { _ in
                            pool.run { _ in total.add(1, ordering: .relaxed) }  // nested: the pool is busy
                        }
                    }
                }
            }
        }
        #expect(total.load(ordering: .relaxed) == 4 * 2_000 * 2 * 2)
    }

    @Test func aFreedPoolStopsItsThreads() throws {
        func threadCount() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count }
        let before = try threadCount()
        for _ in 0..<40 { _ = runCounts(WorkerPool(workers: 2), regions: 3) }
        var after = try threadCount()
        for _ in 0..<100 where after >= before + 40 { Thread.sleep(forTimeInterval: 0.01); after = try threadCount() }
        #expect(after < before + 40)
    }
}
