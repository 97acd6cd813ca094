import Dispatch
import Foundation
import Synchronization

/// Helper threads that wait for work by spinning for a while before they sleep, so that a parallel
/// region a few microseconds after the last one starts at once.
///
/// `DispatchQueue.concurrentPerform` wakes a sleeping pool thread for every call: measured here, two 20 µs
/// halves took 62 µs per call (the second thread joined late or not at all), against 21 µs with a spinning
/// helper. A batch-1 forward pass is a few dozen such regions of 5–50 µs, so the hand-off cost was a large
/// part of its time (bench/README.md).
///
/// One caller at a time: a call that finds the pool busy (another thread, or a region nested in one) runs
/// through `concurrentPerform` instead, which is correct, only slower.
public final class WorkerPool: @unchecked Sendable {
    public let workers: Int
    private let state: State

    /// `workers` counts the calling thread, so `workers - 1` helper threads are started.
    public init(workers: Int) {
        self.workers = max(1, workers)
        state = State(helpers: self.workers - 1)
        for helper in 1..<self.workers {
            let thread = Thread { [state] in state.serve(worker: helper) }
            thread.name = "facegender-worker-\(helper)"
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Runs `body(worker)` for worker 0..<workers, the caller being worker 0; returns when all are done.
    public func run(_ body: (Int) -> Void) {
        guard workers > 1 else { body(0); return }
        guard state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: body)
            return
        }
        withoutActuallyEscaping(body) { body in state.dispatch(body) }
        state.busy.store(false, ordering: .releasing)
    }

    /// What the helper threads share with the pool; they hold this, not the pool, so the pool can be freed.
    private final class State: @unchecked Sendable {
        let helpers: Int
        let busy = Atomic<Bool>(false)
        /// Bumped once per region; helpers run when it moves.
        let generation = Atomic<Int>(0)
        /// Helpers still running the current region.
        let pending = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let sleepers: [Sleeper]
        /// The current region's body; written before `generation` is bumped, read after.
        nonisolated(unsafe) var body: ((Int) -> Void)?

        /// Roughly 0.1 ms of polling on this machine before a helper sleeps: longer than most gaps between a
        /// forward pass's regions (resnet-small at batch 1: 2.14 ms with a tenth of it, 1.91 ms with this).
        /// A pool left idle then costs nothing (0.1 ms of CPU per second, measured).
        static let spinsBeforeSleeping = 200_000

        init(helpers: Int) {
            self.helpers = helpers
            sleepers = (0..<helpers).map { _ in Sleeper() }
        }

        func dispatch(_ work: @escaping (Int) -> Void) {
            body = work
            pending.store(helpers, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
            work(0)
            while pending.load(ordering: .acquiring) != 0 {}
            body = nil
        }

        func stop() {
            stopping.store(true, ordering: .releasing)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        private func wakeSleepers() {
            for s in sleepers where s.asleep.exchange(false, ordering: .sequentiallyConsistent) { s.wakeup.signal() }
        }

        func serve(worker: Int) {
            var seen = 0
            while true {
                seen = awaitGeneration(after: seen, helper: worker - 1)
                if stopping.load(ordering: .acquiring) { return }
                body?(worker)
                pending.subtract(1, ordering: .releasing)
            }
        }

        /// Spins, then sleeps, until `generation` moves past `seen`; returns the new generation.
        private func awaitGeneration(after seen: Int, helper h: Int) -> Int {
            while true {
                for _ in 0..<Self.spinsBeforeSleeping {
                    let g = generation.load(ordering: .acquiring)
                    if g != seen { return g }
                }
                // Sequentially consistent on both sides: this store must be seen before the load below,
                // or a dispatcher could bump the generation, find no sleeper, and leave this helper asleep.
                sleepers[h].asleep.store(true, ordering: .sequentiallyConsistent)
                let g = generation.load(ordering: .sequentiallyConsistent)
                if g != seen {
                    // Work arrived while going to sleep: take the flag back, or, if the dispatcher already
                    // took it, absorb the signal it sent.
                    if !sleepers[h].asleep.exchange(false, ordering: .sequentiallyConsistent) { sleepers[h].wakeup.wait() }
                    return g
                }
                sleepers[h].wakeup.wait()
            }
        }
    }

    /// One helper's way to sleep: `asleep` is true while it waits on `wakeup` and must be signalled.
    private final class Sleeper: Sendable {
        let asleep = Atomic<Bool>(false)
        let wakeup = DispatchSemaphore(value: 0)
    }
}
