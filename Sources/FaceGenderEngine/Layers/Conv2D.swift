#if canImport(Glibc)
import Glibc
#endif

/// 2-D convolution, NCHW, square kernel, as im2col + SGEMM, or for 3x3 stride-1 'same' layers by Winograd
/// F(4x4, 3x3) (`Winograd3x3`) where a call has enough output tiles, or directly (`DirectConv3x3`, strides 1
/// and 2) where the layer has too few input channels for Winograd.
///
/// im2col: images are processed in groups that share one column matrix, so the GEMM is wide even where the
/// feature maps are small (deep layers):
/// forward:  Y (OC x G*P) = W (OC x C*K*K) * col (C*K*K x G*P), then scattered back to NCHW
/// backward: dW += dY * col^T;  dcol = W^T * dY;  dx = col2im(dcol)
/// with G images per group and P = OH*OW output pixels per image.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int
    public let kernel: Int, stride: Int, padding: Int
    public let weight: Parameter          // [OC, C, K, K]
    public let bias: Parameter?           // [OC]
    /// Skipped for a network's first layer: nobody needs dL/dimage.
    public let inputGradient: InputGradient
    private let parallelism: Parallelism

    private var input: Tensor?
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    /// Per-worker scratch: column matrix, GEMM result / gathered gradient, and dW / db accumulators.
    private let columns: [Tensor], products: [Tensor], weightGradParts: [Tensor], biasGradParts: [Tensor]

    /// Largest column matrix per worker (floats), which bounds how many images share one GEMM.
    public var columnBudget = 4 << 20

    /// 3x3 stride-1 'same' convolutions with enough input channels run by Winograd F(4x4, 3x3): the forward
    /// pass, the data gradient (as the transposed convolution) and the weight gradient.
    /// A first layer's three channels would make Winograd's GEMMs too thin, so it keeps im2col.
    private let winograd: Winograd3x3?, winogradTransposed: Winograd3x3?
    /// The weights `winograd` was last set up with, so inference reuses the transform while they stay the same.
    private let winogradWeights = Tensor(shape: [0])
    public var usesWinograd: Bool { winograd != nil }
    /// Fewer 4x4 output tiles than this in a call make Winograd's 36 GEMMs too narrow to beat one im2col GEMM
    /// (measured at batch 1: an 8x8 map, 4 tiles, is faster by im2col; 16x16 and 32x32 maps by Winograd).
    public var winogradMinimumTiles = 16
    /// 3x3 padding-1 convolutions of stride 1 or 2 with too few input channels for Winograd (a first layer on
    /// RGB) run their forward pass directly (`DirectConv3x3`); backward stays im2col.
    private let direct: DirectConv3x3?
    public var usesDirect: Bool { direct != nil }

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1,
                padding: Int = 0, bias: Bool = false, algorithm: ConvolutionAlgorithm = .fastest,
                inputGradient: InputGradient = .computed, parallelism: Parallelism, rng: inout RandomGenerator) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.inputGradient = inputGradient
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.parallelism = parallelism
        let fanIn = Float(inChannels * kernel * kernel)
        let std = (2 / fanIn).squareRoot()  // He initialisation for ReLU networks
        let w = Tensor(shape: [outChannels, inChannels, kernel, kernel])
        for i in 0..<w.count { w[i] = rng.normal() * std }
        weight = Parameter(name: name + ".weight", value: w, decays: true)
        self.bias = bias ? Parameter(name: name + ".bias", value: Tensor(shape: [outChannels]), decays: false) : nil
        func scratch() -> [Tensor] { (0..<parallelism.workers).map { _ in Tensor(shape: [0]) } }
        columns = scratch(); products = scratch(); weightGradParts = scratch(); biasGradParts = scratch()
        let sameShape = algorithm == .fastest && kernel == 3 && stride == 1 && padding == 1
        let winogradShape = sameShape && inChannels >= 8
        winograd = winogradShape ? Winograd3x3(inChannels: inChannels, outChannels: outChannels, parallelism: parallelism) : nil
        winogradTransposed = winogradShape ? Winograd3x3(inChannels: outChannels, outChannels: inChannels, parallelism: parallelism) : nil
        let directShape = algorithm == .fastest && kernel == 3 && padding == 1 && stride <= 2 && inChannels < 8
        direct = directShape ? DirectConv3x3(inChannels: inChannels, outChannels: outChannels, stride: stride, parallelism: parallelism) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private func geometry(_ x: Tensor) -> ConvGeometry {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels, "Conv2D expects [N, \(inChannels), H, W], got \(x.shape)")
        return ConvGeometry(channels: inChannels, height: x.shape[2], width: x.shape[3],
                            kernel: kernel, stride: stride, padding: padding)
    }

    /// Maps at least this large get one GEMM per image, written straight into NCHW: already wide enough,
    /// and no scatter/gather copies of large tensors.
    static let wideMapPixels = 1024

    /// Images per GEMM: one for large maps, else as many as the column budget allows.
    private func groupSize(_ g: ConvGeometry) -> Int {
        g.outPixels >= Conv2D.wideMapPixels ? 1 : max(1, columnBudget / max(1, g.patchSize * g.outPixels))
    }

    private func groups(_ images: Range<Int>, _ g: ConvGeometry) -> StrideTo<Int> {
        Swift.stride(from: images.lowerBound, to: images.upperBound, by: groupSize(g))
    }

    private func groupEnd(_ start: Int, _ images: Range<Int>, _ g: ConvGeometry) -> Int {
        min(images.upperBound, start + groupSize(g))
    }

    /// The column matrix of images start..<end: one image of a 1x1 stride-1 convolution is its own, else `unfold`.
    private func columnMatrix(_ x: Tensor, _ start: Int, _ end: Int, _ g: ConvGeometry, scratch col: Tensor) -> UnsafePointer<Float> {
        if g.isPointwise && end - start == 1 { return UnsafePointer(x.data + start * x.sampleCount) }
        unfold(x, start, end, g, into: col)
        return UnsafePointer(col.data)
    }

    /// col [C*K*K, G*P] for images start..<end (a 1x1 stride-1 convolution just regroups channels).
    private func unfold(_ x: Tensor, _ start: Int, _ end: Int, _ g: ConvGeometry, into col: Tensor) {
        let count = end - start, pixels = g.outPixels, ld = count * pixels
        col.resize([g.patchSize, ld])
        for j in 0..<count {
            let image = x.data + (start + j) * x.sampleCount
            if g.isPointwise {
                for c in 0..<inChannels { (col.data + c * ld + j * pixels).update(from: image + c * pixels, count: pixels) }
            } else {
                im2col(image, col.data + j * pixels, g, rowStride: ld)
            }
        }
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor { forward(x, mode: mode, then: .identity) }

    /// The convolution followed by `epilogue` (inference fuses a following BatchNorm and ReLU into it).
    public func forward(_ x: Tensor, mode: Mode, then epilogue: ConvEpilogue) -> Tensor {
        input = x
        let g = geometry(x), n = x.shape[0]
        output.resize([n, outChannels, g.outHeight, g.outWidth])
        let withBias = epilogue.afterBias(bias?.value)
        if let winograd, winogradApplies(images: n, g) {
            prepareWinograd(winograd)
            winograd.run(x.data, output.data, images: n, height: g.height, width: g.width, epilogue: withBias)
            return output
        }
        if let direct {
            direct.run(x.data, output.data, weights: weight.value.data, images: n, height: g.height, width: g.width, epilogue: withBias)
            return output
        }
        forwardByColumns(x, g, n, withBias)
        return output
    }

    /// Whether a call on `images` images of this geometry runs by Winograd.
    private func winogradApplies(images n: Int, _ g: ConvGeometry) -> Bool {
        usesWinograd && n * ((g.height + 3) / 4) * ((g.width + 3) / 4) >= winogradMinimumTiles
    }

    /// Transforms the weights unless they are the ones already transformed (steady inference).
    private func prepareWinograd(_ winograd: Winograd3x3) {
        let w = weight.value
        if winogradWeights.count == w.count && memcmp(winogradWeights.data, w.data, w.count * MemoryLayout<Float>.size) == 0 { return }
        winogradWeights.resize(w.shape)
        winogradWeights.data.update(from: w.data, count: w.count)
        winograd.setWeights(w.data)
    }

    /// im2col + GEMM, then the epilogue (bias included) while each block of output is still in cache.
    private func forwardByColumns(_ x: Tensor, _ g: ConvGeometry, _ n: Int, _ epilogue: ConvEpilogue) {
        if n >= parallelism.workers || parallelism.workers == 1 {
            parallelism.forEachChunk(n) { w, images in
                for start in groups(images, g) {
                    let end = groupEnd(start, images, g)
                    forwardGroup(x, start, end, g, columns[w], products[w])
                    epilogue.apply(output.data, images: start..<end, channels: outChannels, plane: g.outPixels)
                }
            }
        } else {
            // Fewer images than cores (batch-1 latency): share each image's GEMM by output pixels, which
            // keeps every worker's GEMM as tall as the layer (BLAS kernels want whole row panels).
            for i in 0..<n {
                multiplyByColumns(columnMatrix(x, i, i + 1, g, scratch: columns[0]), image: i, g, epilogue)
            }
        }
    }

    /// Y = W * col for one image, the output pixels split across workers, then the epilogue on each worker's pixels.
    private func multiplyByColumns(_ col: UnsafePointer<Float>, image i: Int, _ g: ConvGeometry, _ epilogue: ConvEpilogue) {
        let pixels = g.outPixels
        let out = output.data + i * outChannels * pixels
        parallelism.forEachChunk(pixels) { _, columns in
            matmul(transposeA: false, transposeB: false, m: outChannels, n: columns.count, k: g.patchSize,
                   a: weight.value.data, lda: g.patchSize, b: col + columns.lowerBound, ldb: pixels,
                   beta: 0, c: out + columns.lowerBound, ldc: pixels)
            guard !epilogue.isIdentity else { return }
            for oc in 0..<outChannels { epilogue.apply(out + oc * pixels + columns.lowerBound, count: columns.count, channel: oc) }
        }
    }

    /// Y = W * col for images start..<end, written to their NCHW output (the caller adds bias and epilogue).
    private func forwardGroup(_ x: Tensor, _ start: Int, _ end: Int, _ g: ConvGeometry, _ col: Tensor, _ product: Tensor) {
        let columns = columnMatrix(x, start, end, g, scratch: col)
        let pixels = g.outPixels, count = end - start, ld = count * pixels
        let single = count == 1
        if !single { product.resize([outChannels, ld]) }
        // One image: write straight into the output; several: into the product, then scatter.
        let target = single ? output.data + start * outChannels * pixels : product.data
        matmul(transposeA: false, transposeB: false, m: outChannels, n: ld, k: g.patchSize,
               a: weight.value.data, lda: g.patchSize, b: columns, ldb: ld, beta: 0, c: target, ldc: ld)
        guard !single else { return }
        for j in 0..<count {
            for oc in 0..<outChannels {
                (output.data + ((start + j) * outChannels + oc) * pixels).update(from: product.data + oc * ld + j * pixels, count: pixels)
            }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Conv2D.backward before forward") }
        let g = geometry(x), n = x.shape[0]
        if inputGradient == .computed { gradInput.resize(x.shape) }
        if let winograd, let winogradTransposed, winogradApplies(images: n, g) {
            backwardByWinograd(x, dy, g, n, winograd, winogradTransposed)
        } else {
            backwardByColumns(x, dy, g, n)
        }
        return gradInput
    }

    /// Weight gradient and data gradient (as the transposed convolution) both by Winograd; no column matrix.
    private func backwardByWinograd(_ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, _ n: Int,
                                    _ winograd: Winograd3x3, _ transposed: Winograd3x3) {
        winograd.accumulateWeightGradient(input: x.data, outputGradient: dy.data, images: n, height: g.height, width: g.width,
                                          into: weight.gradient.data)
        if let bias {
            let plane = outChannels * g.outPixels
            for i in 0..<n { addRowSums(dy.data + i * plane, rows: outChannels, length: g.outPixels, into: bias.gradient.data) }
        }
        guard inputGradient == .computed else { return }
        transposed.setWeights(weight.value.data, flipped: true)
        transposed.run(dy.data, gradInput.data, images: n, height: g.height, width: g.width, epilogue: .identity)
    }

    private func backwardByColumns(_ x: Tensor, _ dy: Tensor, _ g: ConvGeometry, _ n: Int) {
        if inputGradient == .computed { gradInput.zero() }
        let workers = min(parallelism.workers, n)
        for w in 0..<workers {
            weightGradParts[w].resize(weight.value.shape); weightGradParts[w].zero()
            biasGradParts[w].resize([outChannels]); biasGradParts[w].zero()
        }
        parallelism.forEachChunk(n) { w, images in
            for start in groups(images, g) { backwardGroup(x, dy, start, groupEnd(start, images, g), g, w) }
        }
        for w in 0..<workers {
            accumulate(weight.gradient, weightGradParts[w])
            if let bias { accumulate(bias.gradient, biasGradParts[w]) }
        }
    }

    private func backwardGroup(_ x: Tensor, _ dy: Tensor, _ start: Int, _ end: Int, _ g: ConvGeometry, _ w: Int) {
        let pixels = g.outPixels, count = end - start, ld = count * pixels
        let col = columns[w], gathered = products[w], dW = weightGradParts[w], dB = biasGradParts[w]
        // dY of the group as one [OC, G*P] matrix: one image's dY already is; several are gathered.
        let dYGroup: UnsafeMutablePointer<Float>
        if count == 1 {
            dYGroup = dy.data + start * outChannels * pixels
        } else {
            gathered.resize([outChannels, ld])
            for j in 0..<count {
                for oc in 0..<outChannels {
                    (gathered.data + oc * ld + j * pixels).update(from: dy.data + ((start + j) * outChannels + oc) * pixels, count: pixels)
                }
            }
            dYGroup = gathered.data
        }
        let columns = columnMatrix(x, start, end, g, scratch: col)
        matmul(transposeA: false, transposeB: true, m: outChannels, n: g.patchSize, k: ld,
               a: dYGroup, lda: ld, b: columns, ldb: ld, beta: 1, c: dW.data, ldc: g.patchSize)
        if bias != nil { addRowSums(dYGroup, rows: outChannels, length: ld, into: dB.data) }
        guard inputGradient == .computed else { return }
        if g.isPointwise && count == 1 {
            // One image's dcol is its dx.
            matmul(transposeA: true, transposeB: false, m: g.patchSize, n: ld, k: outChannels, a: weight.value.data,
                   lda: g.patchSize, b: dYGroup, ldb: ld, beta: 0, c: gradInput.data + start * x.sampleCount, ldc: ld)
            return
        }
        // dcol = W^T * dY overwrites the column matrix, then folds back per image.
        matmul(transposeA: true, transposeB: false, m: g.patchSize, n: ld, k: outChannels,
               a: weight.value.data, lda: g.patchSize, b: dYGroup, ldb: ld, beta: 0, c: col.data, ldc: ld)
        for j in 0..<count {
            let dx = gradInput.data + (start + j) * x.sampleCount
            if g.isPointwise {
                for c in 0..<inChannels { (dx + c * pixels).update(from: col.data + c * ld + j * pixels, count: pixels) }
            } else {
                col2im(col.data + j * pixels, dx, g, rowStride: ld)
            }
        }
    }
}

/// sums[r] += the sum of row r of a rows x length matrix (a bias gradient from dL/dy).
@inline(__always)
func addRowSums(_ matrix: UnsafePointer<Float>, rows: Int, length: Int, into sums: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { sums[r] += laneSum(matrix + r * length, count: length) }
}

/// target += source, elementwise.
@inline(__always)
func accumulate(_ target: Tensor, _ source: Tensor) {
    let t = target.data, s = source.data
    for i in 0..<target.count { t[i] += s[i] }
}

/// Which kernels a convolution may use, chosen when it is built.
public enum ConvolutionAlgorithm: Sendable {
    /// Winograd or the direct kernel where they apply, im2col + GEMM elsewhere.
    case fastest
    /// im2col + GEMM everywhere: the reference the fast kernels are tested and benchmarked against.
    case im2col
}

/// Whether a layer's backward pass computes dL/dinput.
public enum InputGradient: Sendable {
    case computed
    /// A network's first layer: nobody needs dL/dimage.
    case skipped
}
