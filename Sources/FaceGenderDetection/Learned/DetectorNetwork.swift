import FaceGenderEngine

/// The learned detector's network (`DetectorSpec`): [N, 3, H, W] images (H and W multiples of 32) in, [N, 15, P]
/// out, where P counts the positions of the three pyramid levels, finest first (`positions(height:width:)`).
///
/// forward:  stem -> s4 -> s8 = c3 -> s16 = c4 -> s32 = c5
///           m4 = unit(c4 + up(c5));  m3 = unit(c3 + up(m4));  heads on m3, m4, c5
/// backward: the same graph in reverse, gradients summed where a map feeds two branches.
public final class DetectorNetwork: Layer {
    public let spec: DetectorSpec
    private let stem: Sequential, stride4: Sequential, stride8: Sequential, stride16: Sequential, stride32: Sequential
    private let merge4: Sequential, merge3: Sequential
    private let up5 = Upsample2x(), up4 = Upsample2x()
    private let heads: [Sequential]
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    /// Sums of two branches, kept for the units that read them.
    private let sum4 = Tensor(shape: [0]), sum3 = Tensor(shape: [0])
    /// Gradients gathered from two branches.
    private let gradC5 = Tensor(shape: [0]), gradM4 = Tensor(shape: [0]), gradC4 = Tensor(shape: [0])
    private let headGradient = Tensor(shape: [0])
    private let levelGradients = [Tensor(shape: [0]), Tensor(shape: [0]), Tensor(shape: [0])]
    private let gradC3 = Tensor(shape: [0])
    private var levelShapes: [[Int]] = []

    /// `inputGradient`: whether backward computes dL/dimage (only gradient checks need it).
    public init(spec: DetectorSpec, seed: UInt64, parallelism: Parallelism, inputGradient: InputGradient = .skipped) {
        self.spec = spec
        var rng = RandomGenerator(seed: seed)
        let s = spec.stemChannels, f = spec.stride4Channels, p = spec.pyramidChannels
        func unit(_ name: String, _ c: Int, _ oc: Int) -> [Layer] {
            Self.unit(name, c, oc, parallelism: parallelism, rng: &rng)
        }
        func pool() -> Layer { MaxPool2D(kernel: 2, stride: 2, parallelism: parallelism) }
        stem = Sequential([
            Conv2D(name: "stem.0", inChannels: 3, outChannels: s, kernel: 3, stride: 2, padding: 1, inputGradient: inputGradient,
                   parallelism: parallelism, rng: &rng),
            BatchNorm2D(name: "stem.1", channels: s, parallelism: parallelism), ReLU(parallelism: parallelism),
        ] + unit("stem.2", s, s))
        stride4 = Sequential([pool()] + unit("s4.0", s, f) + unit("s4.1", f, f))
        stride8 = Sequential([pool()] + unit("s8.0", f, p) + unit("s8.1", p, p))
        stride16 = Sequential([pool()] + unit("s16.0", p, p) + unit("s16.1", p, p))
        stride32 = Sequential([pool()] + unit("s32.0", p, p) + unit("s32.1", p, p))
        merge4 = Sequential(unit("merge4", p, p))
        merge3 = Sequential(unit("merge3", p, p))
        heads = DetectorSpec.strides.map { stride in
            Sequential(unit("head\(stride).0", p, p) + [
                Conv2D(name: "head\(stride).1", inChannels: p, outChannels: DetectorSpec.outputsPerPosition, kernel: 1, bias: true,
                       parallelism: parallelism, rng: &rng),
            ])
        }
    }

    /// A depthwise-separable unit: 1x1 convolution (channel mixing), 3x3 depthwise convolution (space), BN, ReLU.
    static func unit(_ name: String, _ c: Int, _ oc: Int, parallelism: Parallelism, rng: inout RandomGenerator) -> [Layer] {
        [Conv2D(name: name + ".pointwise", inChannels: c, outChannels: oc, kernel: 1, parallelism: parallelism, rng: &rng),
         DepthwiseConv2D(name: name + ".depthwise", channels: oc, kernel: 3, padding: 1, parallelism: parallelism, rng: &rng),
         BatchNorm2D(name: name + ".bn", channels: oc, parallelism: parallelism), ReLU(parallelism: parallelism)]
    }

    private var sequentials: [Sequential] { [stem, stride4, stride8, stride16, stride32, merge4, merge3] + heads }
    public var parameters: [Parameter] { sequentials.flatMap(\.parameters) }
    public var buffers: [NamedTensor] { sequentials.flatMap(\.buffers) }
    public var namedTensors: [NamedTensor] { parameters.map { NamedTensor(name: $0.name, tensor: $0.value) } + buffers }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Positions of each pyramid level for an input of this size, finest first.
    public static func positions(height: Int, width: Int) -> [(height: Int, width: Int)] {
        DetectorSpec.strides.map { (height / $0, width / $0) }
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == 3 && x.shape[2] % 32 == 0 && x.shape[3] % 32 == 0,
                     "DetectorNetwork expects [N, 3, H, W] with H and W multiples of 32, got \(x.shape)")
        let c3 = stride8.forward(stride4.forward(stem.forward(x, mode: mode), mode: mode), mode: mode)
        let c4 = stride16.forward(c3, mode: mode)
        let c5 = stride32.forward(c4, mode: mode)
        Self.add(c4, up5.forward(c5, mode: mode), into: sum4)
        let m4 = merge4.forward(sum4, mode: mode)
        Self.add(c3, up4.forward(m4, mode: mode), into: sum3)
        let m3 = merge3.forward(sum3, mode: mode)
        let outs = zip(heads, [m3, m4, c5]).map { $0.forward($1, mode: mode) }
        levelShapes = outs.map(\.shape)
        concatenate(outs)
        return output
    }

    /// [N, 15, H_l, W_l] per level -> [N, 15, P].
    private func concatenate(_ levels: [Tensor]) {
        let n = levels[0].shape[0], k = DetectorSpec.outputsPerPosition
        let sizes = levels.map { $0.shape[2] * $0.shape[3] }, total = sizes.reduce(0, +)
        output.resize([n, k, total])
        for i in 0..<n {
            for c in 0..<k {
                var offset = 0
                for (level, size) in zip(levels, sizes) {
                    (output.data + (i * k + c) * total + offset).update(from: level.data + (i * k + c) * size, count: size)
                    offset += size
                }
            }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let n = dy.shape[0], k = DetectorSpec.outputsPerPosition, total = dy.shape[2]
        var offset = 0
        for (l, (head, shape)) in zip(heads, levelShapes).enumerated() {
            let size = shape[2] * shape[3]
            headGradient.resize(shape)
            for i in 0..<n {
                for c in 0..<k {
                    (headGradient.data + (i * k + c) * size).update(from: dy.data + (i * k + c) * total + offset, count: size)
                }
            }
            levelGradients[l].copy(from: head.backward(headGradient))
            offset += size
        }
        // m3 = merge3(c3 + up4(m4))
        let dSum3 = merge3.backward(levelGradients[0])
        gradM4.copy(from: levelGradients[1])
        Self.accumulate(up4.backward(dSum3), into: gradM4)
        // m4 = merge4(c4 + up5(c5))
        let dSum4 = merge4.backward(gradM4)
        gradC5.copy(from: levelGradients[2])
        Self.accumulate(up5.backward(dSum4), into: gradC5)
        gradC4.copy(from: dSum4)
        Self.accumulate(stride32.backward(gradC5), into: gradC4)
        gradC3.copy(from: stride16.backward(gradC4))
        Self.accumulate(dSum3, into: gradC3)
        gradInput.copy(from: stem.backward(stride4.backward(stride8.backward(gradC3))))
        return gradInput
    }

    private static func add(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        precondition(a.shape == b.shape, "pyramid maps differ: \(a.shape) and \(b.shape)")
        out.resize(a.shape)
        for i in 0..<a.count { out[i] = a[i] + b[i] }
    }

    private static func accumulate(_ g: Tensor, into out: Tensor) {
        precondition(g.shape == out.shape, "gradient shapes differ: \(g.shape) and \(out.shape)")
        for i in 0..<g.count { out[i] += g[i] }
    }
}
