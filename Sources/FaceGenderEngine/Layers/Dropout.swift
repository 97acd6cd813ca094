/// Inverted dropout: in training, zeroes each element with probability `rate` and scales the rest
/// by 1/(1-rate); identity at inference.
public final class Dropout: Layer {
    public let rate: Float
    private var rng: RandomGenerator
    private let mask = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private var lastMode: Mode = .inference

    public init(rate: Float, rng: inout RandomGenerator) {
        self.rate = rate
        self.rng = rng.split()
    }

    /// Restarts the mask stream, so a resumed run draws the same masks as an uninterrupted one.
    public func reseed(_ seed: UInt64) { rng = RandomGenerator(seed: seed) }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        lastMode = mode
        guard mode == .training, rate > 0 else { return x }
        output.resize(x.shape)
        mask.resize(x.shape)
        let keep = 1 / (1 - rate)
        for i in 0..<x.count {
            let m: Float = rng.uniform() < rate ? 0 : keep
            mask[i] = m
            output[i] = x[i] * m
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard lastMode == .training, rate > 0 else { return dy }
        gradInput.resize(dy.shape)
        for i in 0..<dy.count { gradInput[i] = dy[i] * mask[i] }
        return gradInput
    }
}
