/// 2-D convolution, NCHW, square kernel: im2col + one SGEMM per image.
///
/// forward:  out[n] (OC x OH*OW) = W (OC x C*K*K) * col(x[n]) (C*K*K x OH*OW) + b
/// backward: dW += dout[n] * col^T;  dcol = W^T * dout[n];  dx[n] = col2im(dcol)
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int
    public let kernel: Int, stride: Int, padding: Int
    public let weight: Parameter          // [OC, C, K, K]
    public let bias: Parameter?           // [OC]
    /// False for a network's first layer: nobody needs dL/dimage, so skip computing it.
    public var propagatesGradient = true
    private let parallelism: Parallelism

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private var columns: [Tensor]          // one im2col scratch per worker
    private var weightGradParts: [Tensor]  // one dW accumulator per worker, summed at the end
    private var biasGradParts: [Tensor]

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1,
                padding: Int = 0, bias: Bool = false, parallelism: Parallelism, rng: inout RandomGenerator) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.parallelism = parallelism
        let fanIn = Float(inChannels * kernel * kernel)
        let std = (2 / fanIn).squareRoot()  // He initialisation for ReLU networks
        let w = Tensor(shape: [outChannels, inChannels, kernel, kernel])
        for i in 0..<w.count { w[i] = rng.normal() * std }
        weight = Parameter(name: name + ".weight", value: w, decays: true)
        self.bias = bias ? Parameter(name: name + ".bias", value: Tensor(shape: [outChannels]), decays: false) : nil
        columns = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
        weightGradParts = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
        biasGradParts = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private func geometry(_ x: Tensor) -> ConvGeometry {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels, "Conv2D expects [N, \(inChannels), H, W], got \(x.shape)")
        return ConvGeometry(channels: inChannels, height: x.shape[2], width: x.shape[3],
                            kernel: kernel, stride: stride, padding: padding)
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        input = x
        let g = geometry(x), n = x.shape[0]
        output.resize([n, outChannels, g.outHeight, g.outWidth])
        if n >= parallelism.workers || parallelism.workers == 1 {
            parallelism.forEachChunk(n) { w, images in
                for i in images { forwardImage(i, x, g, columns[w], rows: 0..<outChannels) }
            }
        } else {
            // Fewer images than cores (batch-1 latency): share each image's GEMM by output channels.
            for i in 0..<n {
                let col = unfold(x.data + i * x.sampleCount, g, columns[0])
                parallelism.forEachChunk(outChannels) { _, rows in
                    multiply(col, g, image: i, rows: rows)
                }
            }
        }
        return output
    }

    private func unfold(_ image: UnsafePointer<Float>, _ g: ConvGeometry, _ scratch: Tensor) -> UnsafePointer<Float> {
        if g.isPointwise { return image }
        scratch.resize([g.patchSize, g.outPixels])
        im2col(image, scratch.data, g)
        return UnsafePointer(scratch.data)
    }

    private func forwardImage(_ i: Int, _ x: Tensor, _ g: ConvGeometry, _ scratch: Tensor, rows: Range<Int>) {
        let col = unfold(x.data + i * x.sampleCount, g, scratch)
        multiply(col, g, image: i, rows: rows)
    }

    private func multiply(_ col: UnsafePointer<Float>, _ g: ConvGeometry, image i: Int, rows: Range<Int>) {
        let pixels = g.outPixels
        let out = output.data + i * outChannels * pixels + rows.lowerBound * pixels
        matmul(transposeA: false, transposeB: false, m: rows.count, n: pixels, k: g.patchSize,
               a: weight.value.data + rows.lowerBound * g.patchSize, lda: g.patchSize,
               b: col, ldb: pixels, beta: 0, c: out, ldc: pixels)
        if let bias {
            for oc in rows {
                let b = bias.value[oc]
                let plane = output.data + (i * outChannels + oc) * pixels
                for p in 0..<pixels { plane[p] += b }
            }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Conv2D.backward before forward") }
        let g = geometry(x), n = x.shape[0], pixels = g.outPixels
        if propagatesGradient { gradInput.resize(x.shape); gradInput.zero() }
        let workers = min(parallelism.workers, n)
        for w in 0..<workers {
            weightGradParts[w].resize(weight.value.shape); weightGradParts[w].zero()
            biasGradParts[w].resize([outChannels]); biasGradParts[w].zero()
        }
        parallelism.forEachChunk(n) { w, images in
            let dW = weightGradParts[w], dB = biasGradParts[w], scratch = columns[w]
            for i in images {
                let col = unfold(x.data + i * x.sampleCount, g, scratch)
                let dout = dy.data + i * outChannels * pixels
                matmul(transposeA: false, transposeB: true, m: outChannels, n: g.patchSize, k: pixels,
                       a: dout, lda: pixels, b: col, ldb: pixels, beta: 1, c: dW.data, ldc: g.patchSize)
                if bias != nil {
                    for oc in 0..<outChannels {
                        var s: Float = 0
                        let plane = dout + oc * pixels
                        for p in 0..<pixels { s += plane[p] }
                        dB[oc] += s
                    }
                }
                guard propagatesGradient else { continue }
                let dx = gradInput.data + i * x.sampleCount
                if g.isPointwise {
                    matmul(transposeA: true, transposeB: false, m: g.patchSize, n: pixels, k: outChannels,
                           a: weight.value.data, lda: g.patchSize, b: dout, ldb: pixels, beta: 0, c: dx, ldc: pixels)
                } else {
                    scratch.resize([g.patchSize, pixels])
                    matmul(transposeA: true, transposeB: false, m: g.patchSize, n: pixels, k: outChannels,
                           a: weight.value.data, lda: g.patchSize, b: dout, ldb: pixels, beta: 0, c: scratch.data, ldc: pixels)
                    col2im(scratch.data, dx, g)
                }
            }
        }
        for w in 0..<workers {
            accumulate(weight.gradient, weightGradParts[w])
            if let bias { accumulate(bias.gradient, biasGradParts[w]) }
        }
        return gradInput
    }
}

/// target += source, elementwise.
@inline(__always)
func accumulate(_ target: Tensor, _ source: Tensor) {
    let t = target.data, s = source.data
    for i in 0..<target.count { t[i] += s[i] }
}
