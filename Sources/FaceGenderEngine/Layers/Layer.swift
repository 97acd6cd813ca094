/// Whether a forward pass trains (batch statistics, dropout active) or infers.
public enum Mode: Sendable {
    case training
    case inference
}

/// A trainable tensor with its gradient. `decays` is false for biases and normalisation scales,
/// which weight decay should not shrink.
public final class Parameter {
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    public let decays: Bool

    public init(name: String, value: Tensor, decays: Bool) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
        self.decays = decays
    }
}

/// A saved tensor that is not trained, e.g. BatchNorm running statistics.
public struct NamedTensor {
    public let name: String
    public let tensor: Tensor

    public init(name: String, tensor: Tensor) { self.name = name; self.tensor = tensor }
}

/// One layer of a network: forward and backward side by side.
///
/// `forward` caches what `backward` needs; `backward` takes dL/doutput and returns dL/dinput,
/// accumulating parameter gradients into `parameters[i].gradient` (the optimiser zeroes them).
/// Returned tensors are owned by the layer and overwritten by its next call.
public protocol Layer: AnyObject {
    func forward(_ input: Tensor, mode: Mode) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    var parameters: [Parameter] { get }
    var buffers: [NamedTensor] { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [NamedTensor] { [] }
}
