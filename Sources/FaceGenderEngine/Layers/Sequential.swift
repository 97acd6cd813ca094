/// Layers applied in order; backward runs them in reverse.
///
/// Inference fuses Conv2D or DepthwiseConv2D → BatchNorm2D (→ ReLU) into the convolution's epilogue. The skipped layers then
/// hold nothing for backward, so a backward after a fused forward first reruns the forward unfused.
public final class Sequential: Layer {
    public let layers: [Layer]
    private var fusedInput: Tensor?
    public init(_ layers: [Layer]) { self.layers = layers }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        var h = x, i = 0, fused = false
        while i < layers.count {
            if mode == .inference, layers[i] is Conv2D || layers[i] is DepthwiseConv2D, i + 1 < layers.count,
               let bn = layers[i + 1] as? BatchNorm2D {
                let relu = i + 2 < layers.count && layers[i + 2] is ReLU
                let epilogue = bn.inferenceEpilogue(relu: relu)
                h = (layers[i] as? Conv2D)?.forward(h, mode: mode, then: epilogue)
                    ?? (layers[i] as! DepthwiseConv2D).forward(h, mode: mode, then: epilogue)
                i += relu ? 3 : 2
                fused = true
            } else {
                h = layers[i].forward(h, mode: mode)
                i += 1
            }
        }
        // Only a fused forward needs its input kept for a rerun.
        fusedInput = fused ? x : nil
        return h
    }

    /// The plain layer-by-layer forward, which leaves every layer ready for backward.
    private func forwardUnfused(_ x: Tensor, mode: Mode) {
        var h = x
        for layer in layers { h = layer.forward(h, mode: mode) }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        if let x = fusedInput {
            forwardUnfused(x, mode: .inference)
            fusedInput = nil
        }
        var g = dy
        for layer in layers.reversed() { g = layer.backward(g) }
        return g
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var buffers: [NamedTensor] { layers.flatMap(\.buffers) }
}

/// y = body(x) + shortcut(x); an empty shortcut is the identity.
public final class Residual: Layer {
    public let body: Sequential, shortcut: Sequential
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(body: Sequential, shortcut: Sequential) { self.body = body; self.shortcut = shortcut }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let a = body.forward(x, mode: mode)
        let b = shortcut.forward(x, mode: mode)
        precondition(a.shape == b.shape, "Residual branches disagree: \(a.shape) vs \(b.shape)")
        output.resize(a.shape)
        for i in 0..<a.count { output[i] = a[i] + b[i] }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let da = body.backward(dy)
        let db = shortcut.backward(dy)
        gradInput.resize(da.shape)
        for i in 0..<da.count { gradInput[i] = da[i] + db[i] }
        return gradInput
    }

    public var parameters: [Parameter] { body.parameters + shortcut.parameters }
    public var buffers: [NamedTensor] { body.buffers + shortcut.buffers }
}
