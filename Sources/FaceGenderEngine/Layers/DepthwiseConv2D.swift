/// Depthwise 2-D convolution: one K x K filter per channel, NCHW. Direct loops, parallel over channels
/// (each worker owns whole channels, so weight gradients never race).
public final class DepthwiseConv2D: Layer {
    public let channels: Int, kernel: Int, stride: Int, padding: Int
    public let weight: Parameter  // [C, 1, K, K]
    private let parallelism: Parallelism
    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(name: String, channels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                parallelism: Parallelism, rng: inout RandomGenerator) {
        self.channels = channels; self.kernel = kernel; self.stride = stride; self.padding = padding
        self.parallelism = parallelism
        let std = (2 / Float(kernel * kernel)).squareRoot()
        let w = Tensor(shape: [channels, 1, kernel, kernel])
        for i in 0..<w.count { w[i] = rng.normal() * std }
        weight = Parameter(name: name + ".weight", value: w, decays: true)
    }

    public var parameters: [Parameter] { [weight] }

    private func geometry(_ x: Tensor) -> ConvGeometry {
        precondition(x.shape.count == 4 && x.shape[1] == channels, "DepthwiseConv2D expects [N, \(channels), H, W], got \(x.shape)")
        return ConvGeometry(channels: 1, height: x.shape[2], width: x.shape[3], kernel: kernel, stride: stride, padding: padding)
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { forward(x, mode: mode, then: .identity) }

    /// The convolution followed by `epilogue` (inference folds a following BatchNorm and ReLU into it).
    public func forward(_ x: Tensor, mode: Mode, then epilogue: ConvEpilogue) -> Tensor {
        input = x
        let g = geometry(x), n = x.shape[0], oh = g.outHeight, ow = g.outWidth
        output.resize([n, channels, oh, ow])
        if stride == 1 { forwardByRows(x, g, n, epilogue); return output }
        defer { epilogue.apply(output.data, images: 0..<n, channels: channels, plane: oh * ow) }
        let inPlane = g.height * g.width, outPlane = oh * ow
        parallelism.forEachChunk(channels) { _, range in
            for c in range {
                let w = weight.value.data + c * kernel * kernel
                for i in 0..<n {
                    let src = x.data + (i * channels + c) * inPlane
                    let dst = output.data + (i * channels + c) * outPlane
                    for y in 0..<oh {
                        for xo in 0..<ow {
                            var s: Float = 0
                            for kh in 0..<kernel {
                                let iy = y * stride - padding + kh
                                if iy < 0 || iy >= g.height { continue }
                                for kw in 0..<kernel {
                                    let ix = xo * stride - padding + kw
                                    if ix < 0 || ix >= g.width { continue }
                                    s += w[kh * kernel + kw] * src[iy * g.width + ix]
                                }
                            }
                            dst[y * ow + xo] = s
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("DepthwiseConv2D.backward before forward") }
        let g = geometry(x), n = x.shape[0], oh = g.outHeight, ow = g.outWidth
        gradInput.resize(x.shape)
        gradInput.zero()
        if stride == 1 { backwardByRows(x, dy, g, n); return gradInput }
        let inPlane = g.height * g.width, outPlane = oh * ow
        parallelism.forEachChunk(channels) { _, range in
            for c in range {
                let w = weight.value.data + c * kernel * kernel
                let dw = weight.gradient.data + c * kernel * kernel
                for i in 0..<n {
                    let src = x.data + (i * channels + c) * inPlane
                    let dsrc = gradInput.data + (i * channels + c) * inPlane
                    let dout = dy.data + (i * channels + c) * outPlane
                    for y in 0..<oh {
                        for xo in 0..<ow {
                            let d = dout[y * ow + xo]
                            for kh in 0..<kernel {
                                let iy = y * stride - padding + kh
                                if iy < 0 || iy >= g.height { continue }
                                for kw in 0..<kernel {
                                    let ix = xo * stride - padding + kw
                                    if ix < 0 || ix >= g.width { continue }
                                    dw[kh * kernel + kw] += d * src[iy * g.width + ix]
                                    dsrc[iy * g.width + ix] += d * w[kh * kernel + kw]
                                }
                            }
                        }
                    }
                }
            }
        }
        return gradInput
    }

    /// The columns of an output row that tap input column x + kw - padding inside the image (stride 1).
    private func columns(_ kw: Int, _ g: ConvGeometry) -> Range<Int> {
        max(0, padding - kw)..<min(g.outWidth, g.width + padding - kw)
    }

    /// Stride 1, the detector's case: each output row is a sum of K x K shifted input rows, contiguous loops the
    /// compiler vectorises. The loops above are its plain twin (tests compare the two).
    private func forwardByRows(_ x: Tensor, _ g: ConvGeometry, _ n: Int, _ epilogue: ConvEpilogue) {
        let oh = g.outHeight, ow = g.outWidth, inPlane = g.height * g.width, outPlane = oh * ow
        parallelism.forEachChunk(channels * n) { _, range in
            for plane in range {
                let c = plane % channels
                let w = self.weight.value.data + c * self.kernel * self.kernel
                let src = x.data + plane * inPlane, dst = self.output.data + plane * outPlane
                dst.update(repeating: 0, count: outPlane)
                for y in 0..<oh {
                    let out = dst + y * ow
                    for kh in 0..<self.kernel {
                        let iy = y - self.padding + kh
                        guard iy >= 0, iy < g.height else { continue }
                        let row = src + iy * g.width
                        for kw in 0..<self.kernel {
                            let wk = w[kh * self.kernel + kw], shift = kw - self.padding
                            for xo in self.columns(kw, g) { out[xo] += wk * row[xo + shift] }
                        }
                    }
                }
                if !epilogue.isIdentity { epilogue.apply(dst, count: outPlane, channel: c) }
            }
        }
    }

    /// dW by dot products of shifted rows, dx by shifted accumulation; each worker owns whole channels.
    private func backwardByRows(_ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, _ n: Int) {
        let oh = g.outHeight, ow = g.outWidth, inPlane = g.height * g.width, outPlane = oh * ow
        parallelism.forEachChunk(channels) { _, range in
            for c in range {
                let w = self.weight.value.data + c * self.kernel * self.kernel
                let dw = self.weight.gradient.data + c * self.kernel * self.kernel
                for i in 0..<n {
                    let plane = i * self.channels + c
                    let src = x.data + plane * inPlane, dsrc = self.gradInput.data + plane * inPlane, dout = dy.data + plane * outPlane
                    for y in 0..<oh {
                        let d = dout + y * ow
                        for kh in 0..<self.kernel {
                            let iy = y - self.padding + kh
                            guard iy >= 0, iy < g.height else { continue }
                            let row = src + iy * g.width, drow = dsrc + iy * g.width
                            for kw in 0..<self.kernel {
                                let wk = w[kh * self.kernel + kw], shift = kw - self.padding
                                var sum: Float = 0
                                for xo in self.columns(kw, g) {
                                    sum += d[xo] * row[xo + shift]
                                    drow[xo + shift] += wk * d[xo]
                                }
                                dw[kh * self.kernel + kw] += sum
                            }
                        }
                    }
                }
            }
        }
    }
}
