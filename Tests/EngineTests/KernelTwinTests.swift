import FaceGenderEngine
import Testing

/// Optimised kernels against their plain twins.
@Suite struct KernelTwinTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulMatchesNaive(transposeA: Bool, transposeB: Bool) {
        let m = 5, n = 7, k = 4
        let a = randomTensor([m * k], seed: 1), b = randomTensor([k * n], seed: 2)
        let fast = randomTensor([m * n], seed: 3), slow = fast.clone()
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        matmul(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a.data, lda: lda,
               b: b.data, ldb: ldb, beta: 2, c: fast.data, ldc: n)
        matmulNaive(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a.data, lda: lda,
                    b: b.data, ldb: ldb, beta: 2, c: slow.data, ldc: n)
        for i in 0..<fast.count { #expect(abs(fast[i] - slow[i]) < 1e-4) }
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (1, 2, 0), (5, 2, 2), (7, 2, 3)])
    func conv2DMatchesDefinition(kernel: Int, stride: Int, padding: Int) {
        var rng = RandomGenerator(seed: 4)
        for workers in [1, 2] {
            let conv = Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, padding: padding,
                              parallelism: Parallelism(workers: workers), rng: &rng)
            for batch in [1, 3, 7] {
                // Small budgets split the batch into several column groups; large ones share one GEMM.
                conv.columnBudget = batch == 7 ? 1 : 4 << 20
                let x = randomTensor([batch, 3, 9, 8], seed: 5)
                let fast = conv.forward(x, mode: .inference).array
                let slow = naiveConvolution(x, conv.weight.value, stride: stride, padding: padding)
                #expect(fast.count == slow.count)
                for (a, b) in zip(fast, slow) { #expect(abs(a - b) < 1e-4) }
            }
        }
    }

    /// 3x3 'same' convolutions through im2col (Winograd and the direct kernel turned off), whose unfolding has a
    /// path of its own: maps narrower than, as wide as, and wider than a vector, alone and sharing a GEMM.
    @Test(arguments: [1, 4, 8, 13])
    func sameConvolutionByIm2colMatchesDefinition(width: Int) {
        var rng = RandomGenerator(seed: 51)
        for workers in [1, 2] {
            let conv = Conv2D(name: "c", inChannels: 9, outChannels: 5, kernel: 3, padding: 1, algorithm: .im2col,
                              parallelism: Parallelism(workers: workers), rng: &rng)
            for batch in [1, 3] {
                let x = randomTensor([batch, 9, 6, width], seed: 52)
                let fast = conv.forward(x, mode: .inference).array
                let slow = naiveConvolution(x, conv.weight.value, stride: 1, padding: 1)
                #expect(fast.count == slow.count)
                #expect(zip(fast, slow).allSatisfy { abs($0 - $1) < 1e-4 })
            }
        }
    }

    /// Batch 1 with two workers sharing the GEMM by pixels, with bias and the fused BatchNorm + ReLU epilogue
    /// applied by each worker to its own pixels.
    @Test func conv2DBatchOneSharedGEMMWithEpilogueMatchesDefinition() {
        var rng = RandomGenerator(seed: 21)
        let conv = Conv2D(name: "c", inChannels: 16, outChannels: 8, kernel: 3, stride: 2, padding: 1, bias: true,
                          parallelism: Parallelism(workers: 2), rng: &rng)
        for i in 0..<8 { conv.bias!.value[i] = Float(i) * 0.1 - 0.4 }
        let x = randomTensor([1, 16, 64, 64], seed: 22)
        let plane = 32 * 32
        let plain = naiveConvolution(x, conv.weight.value, stride: 2, padding: 1).enumerated().map { $1 + conv.bias!.value[$0 / plane] }
        let fast = conv.forward(x, mode: .inference).array
        #expect(zip(fast, plain).allSatisfy { abs($0 - $1) < 1e-4 })
        let epilogue = ConvEpilogue(scale: (0..<8).map { 0.5 + Float($0) * 0.1 }, shift: (0..<8).map { Float($0) * 0.05 - 0.2 }, relu: true)
        let fused = conv.forward(x, mode: .inference, then: epilogue).array
        let expected = plain.enumerated().map { max($1 * epilogue.scale![$0 / plane] + epilogue.shift![$0 / plane], 0) }
        #expect(zip(fused, expected).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// The direct first-layer convolution: widths that are and are not whole vectors, output channels not a
    /// multiple of its block of four, batch 1 shared by output channels and batches split by images, with bias
    /// and the fused BatchNorm + ReLU epilogue; strides 1 and 2, the latter on odd and even sides (the edges of
    /// its phase planes).
    @Test(arguments: [(8, 5, 1), (13, 32, 1), (64, 6, 1), (8, 5, 2), (13, 16, 2), (33, 6, 2), (64, 4, 2)])
    func directConvolutionMatchesDefinition(width: Int, outChannels: Int, stride: Int) {
        var rng = RandomGenerator(seed: 31)
        for workers in [1, 2] {
            let conv = Conv2D(name: "c", inChannels: 3, outChannels: outChannels, kernel: 3, stride: stride, padding: 1, bias: true,
                              parallelism: Parallelism(workers: workers), rng: &rng)
            #expect(conv.usesDirect)
            for i in 0..<outChannels { conv.bias!.value[i] = Float(i) * 0.1 - 0.3 }
            let scale = (0..<outChannels).map { 0.5 + Float($0) * 0.1 }, shift = (0..<outChannels).map { Float($0) * 0.05 - 0.2 }
            for (batch, height) in [(1, 7), (3, 7), (1, 8)] {
                let x = randomTensor([batch, 3, height, width], seed: 32)
                let plane = ((height - 1) / stride + 1) * ((width - 1) / stride + 1)
                func channel(_ index: Int) -> Int { (index / plane) % outChannels }
                let plain = naiveConvolution(x, conv.weight.value, stride: stride, padding: 1).enumerated().map { $1 + conv.bias!.value[channel($0)] }
                let fused = conv.forward(x, mode: .inference, then: ConvEpilogue(scale: scale, shift: shift, relu: true)).array
                let expected = plain.enumerated().map { max($1 * scale[channel($0)] + shift[channel($0)], 0) }
                #expect(fused.count == expected.count)
                #expect(zip(fused, expected).allSatisfy { abs($0 - $1) < 1e-4 })
                #expect(zip(conv.forward(x, mode: .inference).array, plain).allSatisfy { abs($0 - $1) < 1e-4 })
            }
        }
    }

    /// Large enough that the two-worker paths really split the work.
    @Test func parallelElementwiseLayersMatchSerial() {
        let x = randomTensor([4, 16, 64, 64], seed: 8)
        let upstream = randomTensor([4, 16, 64, 64], seed: 9)
        let serial = ReLU(), parallel = ReLU(parallelism: Parallelism(workers: 2))
        #expect(serial.forward(x, mode: .training).array == parallel.forward(x, mode: .training).array)
        #expect(serial.backward(upstream).array == parallel.backward(upstream).array)

        let poolSerial = MaxPool2D(kernel: 2, stride: 2), poolParallel = MaxPool2D(kernel: 2, stride: 2, parallelism: Parallelism(workers: 2))
        #expect(poolSerial.forward(x, mode: .training).array == poolParallel.forward(x, mode: .training).array)
        let down = randomTensor([4, 16, 32, 32], seed: 10)
        #expect(poolSerial.backward(down).array == poolParallel.backward(down).array)
    }

    /// The 2x2 fast path against the definition, in both modes, and backward after an inference forward.
    @Test func maxPool2x2MatchesDefinition() {
        let x = randomTensor([2, 3, 8, 6], seed: 12)
        let pool = MaxPool2D(kernel: 2, stride: 2)
        var expected: [Float] = []
        for p in 0..<6 { for y in 0..<4 { for c in 0..<3 {
            let b = p * 48 + 2 * y * 6 + 2 * c
            expected.append(max(max(x[b], x[b + 1]), max(x[b + 6], x[b + 7])))
        } } }
        #expect(pool.forward(x, mode: .inference).array == expected)
        let upstream = randomTensor([2, 3, 4, 3], seed: 13)
        let afterInference = pool.backward(upstream).array
        #expect(pool.forward(x, mode: .training).array == expected)
        #expect(pool.backward(upstream).array == afterInference)
    }
}

/// Inference folds DepthwiseConv2D → BatchNorm2D → ReLU into one pass; it must equal the three layers one by one.
@Test(arguments: [1, 2])
func depthwiseWithFusedBatchNormMatchesTheLayersOneByOne(stride: Int) {
    var rng = RandomGenerator(seed: 61)
    let two = Parallelism(workers: 2)
    let dw = DepthwiseConv2D(name: "d", channels: 4, kernel: 3, stride: stride, padding: 1, parallelism: two, rng: &rng)
    let bn = BatchNorm2D(name: "b", channels: 4, parallelism: two), relu = ReLU(parallelism: two)
    // Running statistics away from their defaults, and a shift that leaves some outputs negative.
    for _ in 0..<3 { _ = bn.forward(randomTensor([3, 4, 5, 6], seed: 62, scale: 2), mode: .training) }
    for c in 0..<4 { bn.beta.value[c] = Float(c) * 0.3 - 0.5 }
    let x = randomTensor([2, 4, 9, 8], seed: 63)
    let fused = Sequential([dw, bn, relu]).forward(x, mode: .inference).array
    let separate = relu.forward(bn.forward(dw.forward(x, mode: .inference), mode: .inference), mode: .inference).array
    #expect(fused.count == separate.count)
    #expect(zip(fused, separate).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(fused.contains(0) && fused.contains { $0 > 0 })
}

/// The 3x3 stride-1 kernel (each output written once) against the definition, on odd and even sizes and one-row maps.
@Test(arguments: [[2, 3, 9, 8], [1, 2, 1, 5], [1, 2, 4, 2]])
func depthwise3x3MatchesTheDefinition(shape: [Int]) {
    var rng = RandomGenerator(seed: 71)
    let c = shape[1], h = shape[2], w = shape[3]
    let dw = DepthwiseConv2D(name: "d", channels: c, kernel: 3, padding: 1, parallelism: Parallelism(workers: 2), rng: &rng)
    let x = randomTensor(shape, seed: 72)
    let y = dw.forward(x, mode: .inference)
    var expected: [Float] = []
    for i in 0..<shape[0] { for ch in 0..<c { for oy in 0..<h { for ox in 0..<w {
        var s: Float = 0
        for kh in 0..<3 { for kw in 0..<3 {
            let iy = oy + kh - 1, ix = ox + kw - 1
            if iy >= 0, iy < h, ix >= 0, ix < w { s += dw.weight.value[ch * 9 + kh * 3 + kw] * x[((i * c + ch) * h + iy) * w + ix] }
        } }
        expected.append(s)
    } } } }
    #expect(zip(y.array, expected).allSatisfy { abs($0 - $1) < 1e-5 })
}
