/// Batch normalisation over N, H, W per channel.
///
/// Training uses batch statistics and updates running ones (momentum 0.1, unbiased variance, as
/// PyTorch); inference uses the running statistics.
public final class BatchNorm2D: Layer {
    public let channels: Int
    public let epsilon: Float = 1e-5
    public let momentum: Float = 0.1
    public let gamma: Parameter, beta: Parameter
    public let runningMean: Tensor, runningVariance: Tensor
    private let name: String
    private let parallelism: Parallelism

    // Cached for backward: the normalised input and 1/sqrt(var + eps) per channel.
    private let normalized = Tensor(shape: [0])
    private let inverseStd = Tensor(shape: [0])
    private var lastMode: Mode = .inference
    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(name: String, channels: Int, parallelism: Parallelism) {
        self.name = name
        self.channels = channels
        self.parallelism = parallelism
        gamma = Parameter(name: name + ".weight", value: Tensor(shape: [channels], repeating: 1), decays: false)
        beta = Parameter(name: name + ".bias", value: Tensor(shape: [channels]), decays: false)
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
    }

    public var parameters: [Parameter] { [gamma, beta] }
    public var buffers: [NamedTensor] {
        [NamedTensor(name: name + ".running_mean", tensor: runningMean),
         NamedTensor(name: name + ".running_var", tensor: runningVariance)]
    }

    /// Inference BatchNorm as a per-channel affine map (for a convolution to apply on its way out).
    public func inferenceEpilogue(relu: Bool) -> ConvEpilogue {
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let inv = 1 / (runningVariance[c] + epsilon).squareRoot()
            scale[c] = gamma.value[c] * inv
            shift[c] = beta.value[c] - runningMean[c] * scale[c]
        }
        return ConvEpilogue(scale: scale, shift: shift, relu: relu)
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == channels, "BatchNorm2D expects [N, \(channels), H, W], got \(x.shape)")
        lastMode = mode
        input = x
        let n = x.shape[0], plane = x.shape[2] * x.shape[3], m = Float(n * plane)
        output.resize(x.shape)
        if mode == .training { normalized.resize(x.shape) }
        inverseStd.resize([channels])
        parallelism.forEachChunk(channels) { _, range in
            for c in range {
                var mean: Float, variance: Float
                if mode == .training {
                    var sum: Float = 0
                    for i in 0..<n { sum += laneSum(x.data + (i * channels + c) * plane, count: plane) }
                    mean = sum / m
                    var sq: Float = 0
                    for i in 0..<n { sq += laneSumOfSquares(x.data + (i * channels + c) * plane, count: plane, around: mean) }
                    variance = sq / m
                    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean
                    runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance * m / max(m - 1, 1)
                } else {
                    mean = runningMean[c]; variance = runningVariance[c]
                }
                let inv = 1 / (variance + epsilon).squareRoot()
                inverseStd[c] = inv
                let gm = gamma.value[c], bt = beta.value[c]
                for i in 0..<n {
                    let off = (i * channels + c) * plane
                    let src = x.data + off, nrm = normalized.data + off, dst = output.data + off
                    if mode == .training {
                        for j in 0..<plane {
                            let h = (src[j] - mean) * inv
                            nrm[j] = h
                            dst[j] = gm * h + bt
                        }
                    } else {
                        // Inference: one fused multiply-add per element, nothing kept for backward.
                        let scale = gm * inv, shift = bt - mean * gm * inv
                        for j in 0..<plane { dst[j] = src[j] * scale + shift }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let n = dy.shape[0], plane = dy.shape[2] * dy.shape[3], m = Float(n * plane)
        gradInput.resize(dy.shape)
        if lastMode == .inference { recomputeNormalized() }
        parallelism.forEachChunk(channels) { _, range in
            for c in range {
                var sumDy: Float = 0, sumDyH: Float = 0
                for i in 0..<n {
                    let off = (i * channels + c) * plane
                    let sums = laneSumAndDot(dy.data + off, normalized.data + off, count: plane)
                    sumDy += sums.sum; sumDyH += sums.dot
                }
                gamma.gradient[c] += sumDyH
                beta.gradient[c] += sumDy
                let scale = gamma.value[c] * inverseStd[c]
                for i in 0..<n {
                    let off = (i * channels + c) * plane
                    let d = dy.data + off, h = normalized.data + off, dx = gradInput.data + off
                    if lastMode == .training {
                        // dx = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat))
                        let meanDy = sumDy / m, meanDyH = sumDyH / m
                        for j in 0..<plane { dx[j] = scale * (d[j] - meanDy - h[j] * meanDyH) }
                    } else {
                        for j in 0..<plane { dx[j] = scale * d[j] }
                    }
                }
            }
        }
        return gradInput
    }

    /// Inference skips storing x-hat; the rare backward in inference mode (e.g. gradient checks,
    /// saliency) rebuilds it from the input and the running statistics.
    private func recomputeNormalized() {
        guard let x = input else { return }
        normalized.resize(x.shape)
        let n = x.shape[0], plane = x.shape[2] * x.shape[3]
        for c in 0..<channels {
            let mean = runningMean[c], inv = inverseStd[c]
            for i in 0..<n {
                let off = (i * channels + c) * plane
                for j in 0..<plane { normalized[off + j] = (x[off + j] - mean) * inv }
            }
        }
    }
}
