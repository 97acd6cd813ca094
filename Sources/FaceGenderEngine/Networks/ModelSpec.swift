/// One layer of an architecture, as data. A saved model carries its list of these, so a file
/// describes its own network.
public indirect enum LayerSpec: Codable, Equatable, Sendable {
    case conv(outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool)
    case depthwiseConv(kernel: Int, stride: Int, padding: Int)
    case batchNorm
    case relu
    case maxPool(kernel: Int, stride: Int)
    case globalAvgPool
    case flatten
    case dense(outFeatures: Int)
    case dropout(rate: Float)
    /// Per-channel gates from the channel means (`SqueezeExcite`), hidden width channels / reduction.
    case squeezeExcite(reduction: Int)
    /// body(x) + shortcut(x); an empty shortcut is the identity.
    case residual(body: [LayerSpec], shortcut: [LayerSpec])
    /// Whole networks on the same input answering the log of the mean of their softmax probabilities (`EnsembleMean`):
    /// independently trained members.
    case ensemble(members: [[LayerSpec]])
}

/// A whole network: input shape (C, H, W) and layers.
public struct ModelSpec: Codable, Equatable, Sendable {
    public var inputChannels: Int, inputHeight: Int, inputWidth: Int
    public var layers: [LayerSpec]

    public init(inputChannels: Int, inputHeight: Int, inputWidth: Int, layers: [LayerSpec]) {
        self.inputChannels = inputChannels; self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.layers = layers
    }

    /// Whole networks run per input: an ensemble's members, else 1.
    public var memberCount: Int {
        if layers.count == 1, case let .ensemble(members) = layers[0] { return members.count }
        return 1
    }
}

public enum ModelSpecError: Error, CustomStringConvertible, Equatable {
    case invalidShape(layer: String, shape: [Int])

    public var description: String {
        switch self {
        case let .invalidShape(layer, shape):
            return "architecture error: layer \(layer) cannot take an input of shape \(shape)"
        }
    }
}

/// Turns a spec into layers, tracking the per-sample shape ([C, H, W] or [F]) from layer to layer.
struct NetworkBuilder {
    /// Names of member `j`'s layers inside the ensemble layer `name`.
    static func memberPrefix(_ name: String, _ j: Int) -> String { "\(name).member\(j)." }

    var rng: RandomGenerator
    let parallelism: Parallelism
    let algorithm: ConvolutionAlgorithm

    /// `firstLayerInput`: whether the first layer (if a convolution) computes dL/dinput.
    mutating func build(_ specs: [LayerSpec], shape: inout [Int], prefix: String,
                        firstLayerInput: InputGradient = .computed) throws -> [Layer] {
        var layers: [Layer] = []
        for (i, spec) in specs.enumerated() {
            layers.append(try build(spec, shape: &shape, name: "\(prefix)\(i)", inputGradient: i == 0 ? firstLayerInput : .computed))
        }
        return layers
    }

    private mutating func build(_ spec: LayerSpec, shape: inout [Int], name: String, inputGradient: InputGradient) throws -> Layer {
        func spatial() throws -> (Int, Int, Int) {
            guard shape.count == 3 else { throw ModelSpecError.invalidShape(layer: name, shape: shape) }
            return (shape[0], shape[1], shape[2])
        }
        func window(_ size: Int, _ k: Int, _ s: Int, _ p: Int) throws -> Int {
            let out = (size + 2 * p - k) / s + 1
            guard k > 0, s > 0, out > 0 else { throw ModelSpecError.invalidShape(layer: name, shape: shape) }
            return out
        }
        switch spec {
        case let .conv(oc, k, s, p, bias):
            let (c, h, w) = try spatial()
            shape = [oc, try window(h, k, s, p), try window(w, k, s, p)]
            return Conv2D(name: name, inChannels: c, outChannels: oc, kernel: k, stride: s, padding: p, bias: bias,
                          algorithm: algorithm, inputGradient: inputGradient, parallelism: parallelism, rng: &rng)
        case let .depthwiseConv(k, s, p):
            let (c, h, w) = try spatial()
            shape = [c, try window(h, k, s, p), try window(w, k, s, p)]
            return DepthwiseConv2D(name: name, channels: c, kernel: k, stride: s, padding: p,
                                   parallelism: parallelism, rng: &rng)
        case .batchNorm:
            let (c, _, _) = try spatial()
            return BatchNorm2D(name: name, channels: c, parallelism: parallelism)
        case .relu: return ReLU(parallelism: parallelism)
        case let .maxPool(k, s):
            let (c, h, w) = try spatial()
            shape = [c, try window(h, k, s, 0), try window(w, k, s, 0)]
            return MaxPool2D(kernel: k, stride: s, parallelism: parallelism)
        case .globalAvgPool:
            let (c, _, _) = try spatial()
            shape = [c]
            return GlobalAvgPool()
        case .flatten:
            shape = [shape.reduce(1, *)]
            return Flatten()
        case let .dense(out):
            guard shape.count == 1 else { throw ModelSpecError.invalidShape(layer: name, shape: shape) }
            defer { shape = [out] }
            return Dense(name: name, inFeatures: shape[0], outFeatures: out, rng: &rng)
        case let .dropout(rate):
            return Dropout(rate: rate, rng: &rng)
        case let .squeezeExcite(reduction):
            let (c, _, _) = try spatial()
            guard reduction > 0 else { throw ModelSpecError.invalidShape(layer: name, shape: shape) }
            return SqueezeExcite(name: name, channels: c, reduction: reduction, rng: &rng)
        case let .residual(bodySpecs, shortcutSpecs):
            var bodyShape = shape, shortcutShape = shape
            let body = try build(bodySpecs, shape: &bodyShape, prefix: name + ".body.")
            let shortcut = try build(shortcutSpecs, shape: &shortcutShape, prefix: name + ".shortcut.")
            guard bodyShape == shortcutShape else { throw ModelSpecError.invalidShape(layer: name, shape: bodyShape) }
            shape = bodyShape
            return Residual(body: Sequential(body), shortcut: Sequential(shortcut))
        case let .ensemble(memberSpecs):
            guard !memberSpecs.isEmpty else { throw ModelSpecError.invalidShape(layer: name, shape: shape) }
            var outputShape: [Int]?
            var members: [Sequential] = []
            for (j, specs) in memberSpecs.enumerated() {
                var memberShape = shape
                members.append(Sequential(try build(specs, shape: &memberShape, prefix: Self.memberPrefix(name, j),
                                                    firstLayerInput: inputGradient)))
                guard outputShape == nil || outputShape == memberShape else {
                    throw ModelSpecError.invalidShape(layer: name, shape: memberShape)
                }
                outputShape = memberShape
            }
            shape = outputShape ?? shape
            return EnsembleMean(members: members)
        }
    }
}
