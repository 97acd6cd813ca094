/// [N, C, H, W] -> [N, C*H*W].
public final class Flatten: Layer {
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    public init() {}

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        inputShape = x.shape
        output.resize([x.shape[0], x.sampleCount])
        output.data.update(from: x.data, count: x.count)
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        gradInput.data.update(from: dy.data, count: dy.count)
        return gradInput
    }
}
