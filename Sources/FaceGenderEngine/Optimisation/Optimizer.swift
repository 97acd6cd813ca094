/// Updates parameters from their accumulated gradients, then zeroes the gradients.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Updates taken so far (AdamW's bias correction depends on it).
    var stepCount: Int { get set }
    func step()
    /// Internal state by name, for checkpoints; restoring copies values back into these tensors.
    var state: [NamedTensor] { get }
}

/// Clips the global L2 norm of all gradients to `maxNorm`; returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var sq: Float = 0
    for p in parameters {
        let g = p.gradient.data
        for i in 0..<p.gradient.count { sq += g[i] * g[i] }
    }
    let norm = sq.squareRoot()
    if norm > maxNorm && norm > 0 {
        let scale = maxNorm / norm
        for p in parameters {
            let g = p.gradient.data
            for i in 0..<p.gradient.count { g[i] *= scale }
        }
    }
    return norm
}

/// Adam with decoupled weight decay (Loshchilov & Hutter).
public final class AdamW: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public var stepCount: Int = 0
    private let parameters: [Parameter]
    private let firstMoment: [Tensor], secondMoment: [Tensor]

    public init(parameters: [Parameter], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        self.parameters = parameters
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
        self.epsilon = epsilon; self.weightDecay = weightDecay
        firstMoment = parameters.map { Tensor(shape: $0.value.shape) }
        secondMoment = parameters.map { Tensor(shape: $0.value.shape) }
    }

    public func step() {
        stepCount += 1
        let c1 = 1 - powf(beta1, Float(stepCount)), c2 = 1 - powf(beta2, Float(stepCount))
        for (k, p) in parameters.enumerated() {
            let w = p.value.data, g = p.gradient.data, m = firstMoment[k].data, v = secondMoment[k].data
            let decay = p.decays ? 1 - learningRate * weightDecay : 1
            for i in 0..<p.value.count {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let update = (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
                w[i] = w[i] * decay - learningRate * update
                g[i] = 0
            }
        }
    }

    public var state: [NamedTensor] {
        parameters.indices.flatMap { k in
            [NamedTensor(name: "adamw.m." + parameters[k].name, tensor: firstMoment[k]),
             NamedTensor(name: "adamw.v." + parameters[k].name, tensor: secondMoment[k])]
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
