#if canImport(Glibc)
import Glibc
#endif

/// Mean softmax cross-entropy over a batch of logits [N, K], with optional label smoothing
/// (the target puts 1 - s on the true class and s / K on every class), or on a range of outputs (`OutputTarget`).
public final class SoftmaxCrossEntropy {
    public let labelSmoothing: Float
    public let probabilities = Tensor(shape: [0])
    public let gradient = Tensor(shape: [0])

    public init(labelSmoothing: Float = 0) { self.labelSmoothing = labelSmoothing }

    /// Returns the mean loss; fills `probabilities` and `gradient` (dL/dlogits).
    @discardableResult
    public func forward(logits: Tensor, labels: [Int]) -> Float {
        forward(logits: logits, targets: labels.map { .output($0) })
    }

    /// As `forward(logits:labels:)`; an `.anyOf` target's loss is -log of its outputs' summed probability (with
    /// smoothing: (1 - s) times that, plus s times the uniform cross-entropy). Its gradient is that of a target
    /// spread over the range in proportion to the network's own probabilities.
    @discardableResult
    public func forward(logits: Tensor, targets: [OutputTarget]) -> Float {
        let n = logits.shape[0], k = logits.sampleCount
        precondition(targets.count == n, "\(targets.count) targets for \(n) samples")
        probabilities.resize([n, k])
        gradient.resize([n, k])
        softmax(logits, into: probabilities)
        var loss: Float = 0
        let off = labelSmoothing / Float(k), on = 1 - labelSmoothing
        for i in 0..<n {
            let p = probabilities.data + i * k, g = gradient.data + i * k
            let right = targets[i].outputs
            var mass: Float = 0
            for j in right { mass += p[j] }
            mass = max(mass, 1e-12)
            loss -= on * logf(mass)
            for j in 0..<k {
                if off > 0 { loss -= off * logf(max(p[j], 1e-12)) }
                let target = off + (right.contains(j) ? on * p[j] / mass : 0)
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
