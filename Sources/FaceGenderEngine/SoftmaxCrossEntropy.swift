#if canImport(Glibc)
import Glibc
#endif

/// Mean softmax cross-entropy over a batch of logits [N, K], with optional label smoothing
/// (the target puts 1 - s on the true class and s / K on every class).
public final class SoftmaxCrossEntropy {
    public let labelSmoothing: Float
    public let probabilities = Tensor(shape: [0])
    public let gradient = Tensor(shape: [0])

    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// Returns the mean loss; fills `probabilities` and `gradient` (dL/dlogits). With `mixedWith` (mixup), sample
    /// i's target is `weight` x that of `labels[i]` plus (1 - `weight`) x that of `mixedWith[i]`. With
    /// `softTargets` ([N, K] distributions, self-distillation), that target is then blended with sample i's row:
    /// (1 - `softWeight`) x target + `softWeight` x row.
    @discardableResult
    public func forward(logits: Tensor, labels: [Int], mixedWith partners: [Int]? = nil, weight: Float = 1,
                        softTargets: [Float]? = nil, softWeight: Float = 0) -> Float {
        let n = logits.shape[0], k = logits.sampleCount
        precondition(labels.count == n, "\(labels.count) labels for \(n) samples")
        precondition(partners == nil || partners?.count == n, "mixup needs one partner label per sample")
        precondition(softTargets == nil || softTargets?.count == n * k, "soft targets need one row of \(k) per sample")
        probabilities.resize([n, k])
        gradient.resize([n, k])
        softmax(logits, into: probabilities)
        var loss: Float = 0
        let off = labelSmoothing / Float(k), on = 1 - labelSmoothing + off
        for i in 0..<n {
            let p = probabilities.data + i * k, g = gradient.data + i * k
            for j in 0..<k {
                var target = j == labels[i] ? on : off
                if let partners { target = weight * target + (1 - weight) * (j == partners[i] ? on : off) }
                if let softTargets { target = (1 - softWeight) * target + softWeight * softTargets[i * k + j] }
                if target > 0 { loss -= target * logf(max(p[j], 1e-12)) }
                g[j] = (p[j] - target) / Float(n)
            }
        }
        return loss / Float(n)
    }
}

/// Row-wise numerically stable softmax of [N, K] logits, optionally divided by a temperature.
public func softmax(_ logits: Tensor, into out: Tensor, temperature: Float = 1) {
    let n = logits.shape[0], k = logits.sampleCount
    out.resize([n, k])
    for i in 0..<n {
        let z = logits.data + i * k, p = out.data + i * k
        var m = -Float.infinity
        for j in 0..<k { m = max(m, z[j] / temperature) }
        var s: Float = 0
        for j in 0..<k { p[j] = expf(z[j] / temperature - m); s += p[j] }
        for j in 0..<k { p[j] /= s }
    }
}

/// Mean sigmoid binary cross-entropy over logits [N] (or [N, 1]) against targets in [0, 1].
public final class SigmoidBinaryCrossEntropy {
    public let gradient = Tensor(shape: [0])
    public init() {}

    @discardableResult
    public func forward(logits: Tensor, targets: [Float]) -> Float {
        let n = logits.count
        precondition(targets.count == n, "\(targets.count) targets for \(n) logits")
        gradient.resize(logits.shape)
        var loss: Float = 0
        for i in 0..<n {
            let z = logits[i], t = targets[i]
            // log(1 + e^-|z|) + max(z, 0) - z t: stable for large |z|.
            loss += max(z, 0) - z * t + log1pf(expf(-abs(z)))
            gradient[i] = (1 / (1 + expf(-z)) - t) / Float(n)
        }
        return loss / Float(n)
    }
}
