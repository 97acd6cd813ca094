/// Mean over H and W: [N, C, H, W] -> [N, C].
public final class GlobalAvgPool: Layer {
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    public init() {}

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAvgPool expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        output.resize([x.shape[0], x.shape[1]])
        for p in 0..<planes {
            var s: Float = 0
            let src = x.data + p * plane
            for j in 0..<plane { s += src[j] }
            output[p] = s / Float(plane)
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        let planes = inputShape[0] * inputShape[1], plane = inputShape[2] * inputShape[3]
        for p in 0..<planes {
            let g = dy[p] / Float(plane)
            (gradInput.data + p * plane).update(repeating: g, count: plane)
        }
        return gradInput
    }
}
