#if canImport(Glibc)
import Glibc
#endif

/// Learning rate as a function of the step, for the whole run.
public enum LearningRateSchedule: Codable, Equatable, Sendable {
    /// Linear warm-up from 0 over `warmupSteps`, then constant.
    case constant(warmupSteps: Int)
    /// Linear warm-up, then cosine decay to `finalFraction` of the peak at `totalSteps`.
    case cosine(warmupSteps: Int, totalSteps: Int, finalFraction: Float)
    /// One-cycle: rise from peak/25 to the peak over `rampFraction` of the run, then cosine down to peak/1e4.
    case oneCycle(totalSteps: Int, rampFraction: Float)

    public func rate(at step: Int, peak: Float) -> Float {
        switch self {
        case let .constant(warmup):
            return warmup > 0 && step < warmup ? peak * Float(step + 1) / Float(warmup) : peak
        case let .cosine(warmup, total, final):
            if warmup > 0 && step < warmup { return peak * Float(step + 1) / Float(warmup) }
            let t = min(1, Float(step - warmup) / Float(max(1, total - warmup)))
            return peak * (final + (1 - final) * 0.5 * (1 + cosf(.pi * t)))
        case let .oneCycle(total, ramp):
            let rampSteps = max(1, Int(Float(total) * ramp))
            let low = peak / 25, end = peak / 1e4
            if step < rampSteps {
                let t = Float(step) / Float(rampSteps)
                return low + (peak - low) * 0.5 * (1 - cosf(.pi * t))
            }
            let t = min(1, Float(step - rampSteps) / Float(max(1, total - rampSteps)))
            return end + (peak - end) * 0.5 * (1 + cosf(.pi * t))
        }
    }
}
