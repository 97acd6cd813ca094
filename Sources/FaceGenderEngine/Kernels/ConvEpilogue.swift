/// What a convolution applies to each output channel on the way out: y * scale + shift, then optionally
/// ReLU. Inference folds a following BatchNorm (and ReLU) into it: one pass over the output instead of three.
public struct ConvEpilogue {
    public var scale: [Float]?
    public var shift: [Float]?
    public var relu: Bool

    public init(scale: [Float]? = nil, shift: [Float]? = nil, relu: Bool = false) {
        self.scale = scale; self.shift = shift; self.relu = relu
    }

    public static let identity = ConvEpilogue()

    public var isIdentity: Bool { scale == nil && shift == nil && !relu }

    /// This epilogue applied after a per-channel bias: (y + b) * s + t = y * s + (b * s + t).
    public func afterBias(_ bias: Tensor?) -> ConvEpilogue {
        guard let bias else { return self }
        var e = self
        e.shift = (0..<bias.count).map { bias[$0] * (scale?[$0] ?? 1) + (shift?[$0] ?? 0) }
        return e
    }

    /// Applies the epilogue in place to the [channels, plane] maps of the given images.
    public func apply(_ y: UnsafeMutablePointer<Float>, images: Range<Int>, channels: Int, plane: Int) {
        guard !isIdentity else { return }
        for i in images {
            for c in 0..<channels { apply(y + (i * channels + c) * plane, count: plane, channel: c) }
        }
    }

    /// Applies channel `c`'s epilogue in place to `count` values.
    @inline(__always)
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int, channel c: Int) {
        let s = scale?[c] ?? 1, t = shift?[c] ?? 0
        if relu {
            for j in 0..<count { p[j] = max(p[j] * s + t, 0) }
        } else {
            for j in 0..<count { p[j] = p[j] * s + t }
        }
    }
}
