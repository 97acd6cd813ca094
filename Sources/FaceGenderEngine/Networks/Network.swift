/// A network built from a `ModelSpec`: the layers, their parameters and saved buffers by name.
public final class Network {
    /// What every layer's (and so every tensor's) name starts with.
    public static let layerPrefix = "layers."
    public let spec: ModelSpec
    public let root: Sequential
    public let outputShape: [Int]

    /// `algorithm`: `.im2col` builds the reference twin of the network for tests and side-by-side benchmarks.
    public init(spec: ModelSpec, seed: UInt64, parallelism: Parallelism, algorithm: ConvolutionAlgorithm = .fastest) throws {
        self.spec = spec
        var builder = NetworkBuilder(rng: RandomGenerator(seed: seed), parallelism: parallelism, algorithm: algorithm)
        var shape = [spec.inputChannels, spec.inputHeight, spec.inputWidth]
        let layers = try builder.build(spec.layers, shape: &shape, prefix: Self.layerPrefix, firstLayerInput: .skipped)
        root = Sequential(layers)
        outputShape = shape
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { root.forward(x, mode: mode) }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor { root.backward(dy) }

    public var parameters: [Parameter] { root.parameters }

    /// Reseeds every random layer from `seed` (the trainer passes one per step, for exact resumption).
    public func reseedRandomLayers(_ seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        forEachLayer { ($0 as? Dropout)?.reseed(rng.next()) }
    }

    /// Calls `body` on every layer, depth first, nested ones included.
    public func forEachLayer(_ body: (Layer) -> Void) {
        func visit(_ layer: Layer) {
            body(layer)
            switch layer {
            case let s as Sequential: s.layers.forEach(visit)
            case let r as Residual: visit(r.body); visit(r.shortcut)
            case let e as EnsembleMean: e.members.forEach(visit)
            default: break
            }
        }
        visit(root)
    }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Every tensor that defines the network's behaviour, by name: parameters then buffers.
    public var namedTensors: [NamedTensor] {
        parameters.map { NamedTensor(name: $0.name, tensor: $0.value) } + root.buffers
    }

    /// Floating-point operations of one forward pass of one sample (multiply-add = 2).
    public var forwardFlops: Int {
        var flops = 0
        var shape = [spec.inputChannels, spec.inputHeight, spec.inputWidth]
        Network.count(spec.layers, &shape, &flops)
        return flops
    }

    private static func count(_ specs: [LayerSpec], _ shape: inout [Int], _ flops: inout Int) {
        for spec in specs {
            switch spec {
            case let .conv(oc, k, s, p, _):
                let oh = (shape[1] + 2 * p - k) / s + 1, ow = (shape[2] + 2 * p - k) / s + 1
                flops += 2 * oc * oh * ow * shape[0] * k * k
                shape = [oc, oh, ow]
            case let .depthwiseConv(k, s, p):
                let oh = (shape[1] + 2 * p - k) / s + 1, ow = (shape[2] + 2 * p - k) / s + 1
                flops += 2 * shape[0] * oh * ow * k * k
                shape = [shape[0], oh, ow]
            case let .maxPool(k, s):
                shape = [shape[0], (shape[1] - k) / s + 1, (shape[2] - k) / s + 1]
            case .globalAvgPool: shape = [shape[0]]
            case .flatten: shape = [shape.reduce(1, *)]
            case let .dense(out):
                flops += 2 * shape[0] * out
                shape = [out]
            case let .residual(body, shortcut):
                var b = shape, c = shape
                count(body, &b, &flops)
                count(shortcut, &c, &flops)
                shape = b
            case let .ensemble(members):
                var memberShape = shape
                for member in members {
                    memberShape = shape
                    count(member, &memberShape, &flops)
                }
                shape = memberShape
            case let .squeezeExcite(reduction):
                flops += 2 * 2 * shape[0] * max(1, shape[0] / max(1, reduction)) + shape.reduce(1, *)
            case .batchNorm, .relu, .dropout: break
            }
        }
    }
}
