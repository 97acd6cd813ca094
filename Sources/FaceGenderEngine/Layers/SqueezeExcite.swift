import Foundation

/// Squeeze-and-excitation (Hu et al., 2018): every channel of a block's output is multiplied by a gate in
/// (0, 1) that a small two-layer network computes from the means of all channels, so a block can weigh its
/// features per photo (say, hair against skin) for 2·C²/reduction weights and no convolution.
public final class SqueezeExcite: Layer {
    public let channels: Int, hidden: Int
    /// Channel means -> hidden -> one gate logit per channel.
    private let excitation: Sequential
    private var input: Tensor?
    private let gate = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let gradGateLogits = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(name: String, channels: Int, reduction: Int, rng: inout RandomGenerator) {
        self.channels = channels
        hidden = max(1, channels / max(1, reduction))
        excitation = Sequential([
            GlobalAvgPool(),
            Dense(name: name + ".reduce", inFeatures: channels, outFeatures: hidden, rng: &rng),
            ReLU(),
            Dense(name: name + ".expand", inFeatures: hidden, outFeatures: channels, rng: &rng),
        ])
    }

    public var parameters: [Parameter] { excitation.parameters }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == channels, "SqueezeExcite expects [N, \(channels), H, W], got \(x.shape)")
        input = x
        let logits = excitation.forward(x, mode: mode)
        gate.resize(logits.shape)
        for p in 0..<logits.count { gate[p] = 1 / (1 + exp(-logits[p])) }
        output.resize(x.shape)
        let plane = x.shape[2] * x.shape[3]
        for p in 0..<gate.count {
            let g = gate[p], src = x.data + p * plane, dst = output.data + p * plane
            for j in 0..<plane { dst[j] = src[j] * g }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("SqueezeExcite.backward before forward") }
        let plane = x.shape[2] * x.shape[3]
        gradGateLogits.resize(gate.shape)
        for p in 0..<gate.count {
            let src = x.data + p * plane, grad = dy.data + p * plane
            var s: Float = 0
            for j in 0..<plane { s += grad[j] * src[j] }
            gradGateLogits[p] = s * gate[p] * (1 - gate[p])
        }
        // The gate depends on x through the channel means: that part comes back spread over each plane.
        let throughGate = excitation.backward(gradGateLogits)
        gradInput.resize(x.shape)
        for p in 0..<gate.count {
            let g = gate[p], grad = dy.data + p * plane, back = throughGate.data + p * plane, dst = gradInput.data + p * plane
            for j in 0..<plane { dst[j] = grad[j] * g + back[j] }
        }
        return gradInput
    }
}
