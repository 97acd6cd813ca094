/// Fully connected layer: y[N, OUT] = x[N, IN] * W^T + b, with W stored [OUT, IN] as PyTorch's Linear.
public final class Dense: Layer {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter, bias: Parameter
    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(name: String, inFeatures: Int, outFeatures: Int, rng: inout RandomGenerator) {
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        let w = Tensor(shape: [outFeatures, inFeatures])
        for i in 0..<w.count { w[i] = rng.uniform(-bound, bound) }
        weight = Parameter(name: name + ".weight", value: w, decays: true)
        bias = Parameter(name: name + ".bias", value: Tensor(shape: [outFeatures]), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.sampleCount == inFeatures, "Dense expects \(inFeatures) features per sample, got \(x.shape)")
        input = x
        let n = x.shape[0]
        output.resize([n, outFeatures])
        for i in 0..<n { (output.data + i * outFeatures).update(from: bias.value.data, count: outFeatures) }
        matmul(transposeA: false, transposeB: true, m: n, n: outFeatures, k: inFeatures,
               a: x.data, lda: inFeatures, b: weight.value.data, ldb: inFeatures, beta: 1, c: output.data, ldc: outFeatures)
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Dense.backward before forward") }
        let n = x.shape[0]
        // dW[OUT, IN] += dy^T[OUT, N] * x[N, IN]
        matmul(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: n,
               a: dy.data, lda: outFeatures, b: x.data, ldb: inFeatures, beta: 1, c: weight.gradient.data, ldc: inFeatures)
        for i in 0..<n {
            let row = dy.data + i * outFeatures
            for o in 0..<outFeatures { bias.gradient[o] += row[o] }
        }
        gradInput.resize(x.shape)
        matmul(transposeA: false, transposeB: false, m: n, n: inFeatures, k: outFeatures,
               a: dy.data, lda: outFeatures, b: weight.value.data, ldb: inFeatures, beta: 0, c: gradInput.data, ldc: inFeatures)
        return gradInput
    }
}
