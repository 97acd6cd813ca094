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
        if stride == 1 && kernel == 3 && padding == 1 && g.width >= 2 { forward3x3(x, g, n, epilogue); return output }
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

    /// 3x3, stride 1, padding 1 (every unit of the detector): each output written once, its nine taps summed in
    /// registers across a row (rows outside the image count with zero weights), the edge columns apart.
    private func forward3x3(_ x: Tensor, _ g: ConvGeometry, _ n: Int, _ epilogue: ConvEpilogue) {
        let h = g.height, w = g.width, plane = h * w
        parallelism.forEachChunk(channels * n) { _, range in
            for p in range {
                let c = p % channels
                let k = self.weight.value.data + c * 9
                let src = x.data + p * plane, dst = self.output.data + p * plane
                for y in 0..<h {
                    // Rows above and below the image: any row, with zero weights.
                    let up = y > 0, down = y < h - 1
                    let r0 = src + (up ? y - 1 : y) * w, r1 = src + y * w, r2 = src + (down ? y + 1 : y) * w
                    let a0 = up ? k[0] : 0, a1 = up ? k[1] : 0, a2 = up ? k[2] : 0
                    let b0 = k[3], b1 = k[4], b2 = k[5]
                    let c0 = down ? k[6] : 0, c1 = down ? k[7] : 0, c2 = down ? k[8] : 0
                    let out = dst + y * w
                    out[0] = a1 * r0[0] + a2 * r0[1] + b1 * r1[0] + b2 * r1[1] + c1 * r2[0] + c2 * r2[1]
                    for i in 1..<(w - 1) {
                        var s = a0 * r0[i - 1] + a1 * r0[i] + a2 * r0[i + 1]
                        s += b0 * r1[i - 1] + b1 * r1[i] + b2 * r1[i + 1]
                        s += c0 * r2[i - 1] + c1 * r2[i] + c2 * r2[i + 1]
                        out[i] = s
                    }
                    let e = w - 1
                    out[e] = a0 * r0[e - 1] + a1 * r0[e] + b0 * r1[e - 1] + b1 * r1[e] + c0 * r2[e - 1] + c1 * r2[e]
                }
                if !epilogue.isIdentity { epilogue.apply(dst, count: plane, channel: c) }
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
