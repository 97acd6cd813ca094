/// max(0, x).
public final class ReLU: Layer {
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private let parallelism: Parallelism
    public init(parallelism: Parallelism = Parallelism(workers: 1)) { self.parallelism = parallelism }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        output.resize(x.shape)
        let s = x.data, d = output.data
        parallelism.forEachSlice(x.count) { range in for i in range { d[i] = max(s[i], 0) } }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(dy.shape)
        let y = output.data, g = dy.data, d = gradInput.data
        parallelism.forEachSlice(dy.count) { range in for i in range { d[i] = y[i] > 0 ? g[i] : 0 } }
        return gradInput
    }
}
