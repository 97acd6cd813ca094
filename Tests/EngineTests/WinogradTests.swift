import FaceGenderEngine
import Testing

/// Winograd F(4x4, 3x3) against the definition, against im2col, in backward, and fused with BatchNorm + ReLU.
@Suite struct WinogradTests {
    /// The same seed gives the same weights whatever the algorithm, so a Winograd layer has an im2col twin.
    func conv(_ c: Int, _ oc: Int, bias: Bool = false, workers: Int, seed: UInt64 = 11,
              algorithm: ConvolutionAlgorithm = .fastest) -> Conv2D {
        var rng = RandomGenerator(seed: seed)
        let conv = Conv2D(name: "w", inChannels: c, outChannels: oc, kernel: 3, stride: 1, padding: 1, bias: bias,
                          algorithm: algorithm, parallelism: Parallelism(workers: workers), rng: &rng)
        if let b = conv.bias { for i in 0..<oc { b.value[i] = Float(i) * 0.1 - 0.3 } }
        // Small test maps have few tiles, which the engine would hand to im2col: force Winograd here.
        conv.winogradMinimumTiles = 0
        return conv
    }

    /// Map sizes cover whole tiles, cut tiles (odd sizes), maps smaller than one tile, and many tiles per block.
    @Test(arguments: [(9, 8), (4, 4), (3, 5), (1, 1), (13, 13), (32, 32)])
    func forwardMatchesDefinition(height: Int, width: Int) {
        for workers in [1, 2] {
            for bias in [false, true] {
                let layer = conv(8, 5, bias: bias, workers: workers)
                #expect(layer.usesWinograd)
                for batch in [1, 3] {
                    let x = randomTensor([batch, 8, height, width], seed: 5)
                    var slow = naiveConvolution(x, layer.weight.value, stride: 1, padding: 1)
                    if let b = layer.bias {
                        let plane = height * width
                        for i in slow.indices { slow[i] += b.value[(i / plane) % 5] }
                    }
                    let fast = layer.forward(x, mode: .inference).array
                    #expect(fast.count == slow.count)
                    let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst < 1e-4, "largest difference \(worst)")
                }
            }
        }
    }

    @Test func forwardMatchesIm2colOnAWideLayer() {
        let layer = conv(64, 48, bias: true, workers: 2)
        let x = randomTensor([5, 64, 16, 16], seed: 6)
        let winograd = layer.forward(x, mode: .training).array
        let columns = conv(64, 48, bias: true, workers: 2, algorithm: .im2col).forward(x, mode: .training).array
        let worst = zip(winograd, columns).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 5e-4, "largest difference \(worst)")
    }

    @Test func weightChangesReachTheCachedTransform() {
        let layer = conv(8, 4, workers: 1)
        let x = randomTensor([1, 8, 6, 6], seed: 7)
        let before = layer.forward(x, mode: .inference).array
        layer.weight.value[0] += 1
        let after = layer.forward(x, mode: .inference).array
        let expected = naiveConvolution(x, layer.weight.value, stride: 1, padding: 1)
        #expect(before != after)
        #expect(zip(after, expected).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func gradientsMatchFiniteDifferences() {
        for workers in [1, 2] {
            let layer = conv(8, 6, bias: true, workers: workers)
            #expect(layer.usesWinograd)
            GradientCheck().check(layer, input: randomTensor([3, 8, 7, 6], seed: 2), mode: .training)
        }
    }

    @Test func dataGradientMatchesIm2col() {
        let layer = conv(16, 24, workers: 2)
        let x = randomTensor([3, 16, 10, 9], seed: 3), dy = randomTensor([3, 24, 10, 9], seed: 4)
        _ = layer.forward(x, mode: .training)
        let winograd = layer.backward(dy).array
        let twin = conv(16, 24, workers: 2, algorithm: .im2col)
        _ = twin.forward(x, mode: .training)
        let columns = twin.backward(dy).array
        let worst = zip(winograd, columns).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 5e-4, "largest difference \(worst)")
    }

    @Test(arguments: [(10, 9, 3), (32, 32, 2), (4, 4, 70)])
    func weightGradientMatchesIm2col(height: Int, width: Int, batch: Int) {
        let x = randomTensor([batch, 16, height, width], seed: 3), dy = randomTensor([batch, 24, height, width], seed: 4)
        func gradients(_ layer: Conv2D) -> (weight: [Float], bias: [Float]) {
            layer.weight.gradient.zero(); layer.bias!.gradient.zero()
            _ = layer.forward(x, mode: .training)
            _ = layer.backward(dy)
            return (layer.weight.gradient.array, layer.bias!.gradient.array)
        }
        let winograd = gradients(conv(16, 24, bias: true, workers: 2))
        let columns = gradients(conv(16, 24, bias: true, workers: 2, algorithm: .im2col))
        let scale = columns.weight.map(abs).max() ?? 1
        let worst = zip(winograd.weight, columns.weight).map { abs($0 - $1) }.max() ?? 0
        #expect(worst / scale < 1e-4, "largest difference \(worst) of \(scale)")
        #expect(zip(winograd.bias, columns.bias).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
    }

    /// Inference folds Conv → BatchNorm → ReLU into the convolution; the result must equal the three layers run
    /// one by one, for Winograd and im2col convolutions, and backward after a fused forward must still be right.
    @Test(arguments: [3, 1])
    func fusedInferenceEqualsLayerByLayer(kernel: Int) {
        var rng = RandomGenerator(seed: 12)
        let two = Parallelism(workers: 2)
        let c = Conv2D(name: "c", inChannels: 8, outChannels: 6, kernel: kernel, stride: 1, padding: kernel / 2, bias: true,
                       parallelism: two, rng: &rng)
        let bn = BatchNorm2D(name: "bn", channels: 6, parallelism: two)
        for i in 0..<6 {
            bn.gamma.value[i] = 0.5 + Float(i) * 0.2; bn.beta.value[i] = Float(i) * 0.1 - 0.2
            bn.runningMean[i] = Float(i) * 0.05; bn.runningVariance[i] = 0.5 + Float(i) * 0.3
            c.bias!.value[i] = 0.1 * Float(i)
        }
        let relu = ReLU()
        let x = randomTensor([2, 8, 7, 5], seed: 9)
        let stepwise = relu.forward(bn.forward(c.forward(x, mode: .inference), mode: .inference), mode: .inference).array
        let net = Sequential([c, bn, relu])
        let fused = net.forward(x, mode: .inference).array
        let worst = zip(fused, stepwise).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5, "largest difference \(worst)")
        let y = x.clone()
        for i in 0..<y.count where abs(y[i]) < 0.05 { y[i] = 0.5 }
        GradientCheck(epsilon: 1e-2, tolerance: 4e-2).check(Sequential([c, bn]), input: y, mode: .inference)
    }
}
