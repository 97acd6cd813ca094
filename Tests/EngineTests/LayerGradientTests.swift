import FaceGenderEngine
import Testing

@Suite struct LayerGradientTests {
    let check = GradientCheck()
    let one = Parallelism(workers: 1)
    let two = Parallelism(workers: 2)

    @Test(arguments: [(3, 1, 1, true), (3, 2, 1, false), (1, 1, 0, true), (5, 2, 2, false), (3, 2, 0, true)])
    func conv2D(kernel: Int, stride: Int, padding: Int, bias: Bool) {
        var rng = RandomGenerator(seed: 7)
        for parallelism in [one, two] {
            let conv = Conv2D(name: "c", inChannels: 3, outChannels: 4, kernel: kernel, stride: stride,
                              padding: padding, bias: bias, parallelism: parallelism, rng: &rng)
            check.check(conv, input: randomTensor([3, 3, 7, 6], seed: 2), mode: .training)
            conv.columnBudget = 1  // one image per GEMM
            check.check(conv, input: randomTensor([3, 3, 7, 6], seed: 3), mode: .training)
        }
    }

    @Test func conv2DBatchOneSplitAcrossWorkersMatchesOneWorker() {
        var rng = RandomGenerator(seed: 3)
        let a = Conv2D(name: "c", inChannels: 2, outChannels: 5, kernel: 3, padding: 1, bias: true, parallelism: one, rng: &rng)
        rng = RandomGenerator(seed: 3)
        let b = Conv2D(name: "c", inChannels: 2, outChannels: 5, kernel: 3, padding: 1, bias: true, parallelism: two, rng: &rng)
        for i in 0..<5 { a.bias!.value[i] = Float(i); b.bias!.value[i] = Float(i) }
        let x = randomTensor([1, 2, 6, 6], seed: 4)
        #expect(a.forward(x, mode: .inference).array == b.forward(x, mode: .inference).array)
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (5, 1, 2)])
    func depthwiseConv2D(kernel: Int, stride: Int, padding: Int) {
        var rng = RandomGenerator(seed: 8)
        let conv = DepthwiseConv2D(name: "d", channels: 3, kernel: kernel, stride: stride, padding: padding,
                                   parallelism: two, rng: &rng)
        check.check(conv, input: randomTensor([2, 3, 6, 7], seed: 3), mode: .training)
    }

    @Test(arguments: [Mode.training, Mode.inference])
    func batchNorm(mode: Mode) {
        let bn = BatchNorm2D(name: "bn", channels: 3, parallelism: two)
        for c in 0..<3 { bn.gamma.value[c] = 0.5 + Float(c); bn.beta.value[c] = Float(c) - 1 }
        bn.runningMean.fill(0.3); bn.runningVariance.fill(1.7)
        // Looser: BN's training gradient sums many terms, and Float32 finite differences are noisy.
        GradientCheck(epsilon: 1e-2, tolerance: 4e-2).check(bn, input: randomTensor([4, 3, 3, 3], seed: 5, scale: 2), mode: mode)
    }

    @Test func relu() {
        // Keep inputs away from the kink at 0, where finite differences are meaningless.
        let x = randomTensor([2, 3, 4, 4], seed: 6)
        for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] = 0.5 }
        check.check(ReLU(), input: x, mode: .training)
        check.check(ReLU(parallelism: two), input: x, mode: .training)
    }

    /// Distinct values spaced wider than the finite-difference step, so no window's winner can change.
    func wellSeparated(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0) * 0.05 }.shuffled(using: &rng)
        return Tensor(shape: shape, values: values)
    }

    @Test func maxPool() {
        check.check(MaxPool2D(kernel: 2, stride: 2), input: wellSeparated([2, 3, 6, 6], seed: 9), mode: .training)
        check.check(MaxPool2D(kernel: 3, stride: 2), input: wellSeparated([2, 3, 7, 7], seed: 10), mode: .training)
        check.check(MaxPool2D(kernel: 2, stride: 2, parallelism: two), input: wellSeparated([4, 3, 6, 6], seed: 11), mode: .training)
    }

    @Test func globalAvgPool() { check.check(GlobalAvgPool(), input: randomTensor([2, 3, 4, 5], seed: 13), mode: .training) }

    @Test func dense() {
        var rng = RandomGenerator(seed: 14)
        check.check(Dense(name: "fc", inFeatures: 12, outFeatures: 5, rng: &rng), input: randomTensor([3, 12], seed: 15), mode: .training)
    }

    @Test func flatten() { check.check(Flatten(), input: randomTensor([2, 3, 2, 2], seed: 16), mode: .training) }

    @Test func upsample2x() {
        check.check(Upsample2x(), input: randomTensor([2, 3, 3, 4], seed: 19), mode: .training)
        check.check(Upsample2x(parallelism: two), input: randomTensor([2, 5, 2, 3], seed: 20), mode: .training)
        let up = Upsample2x().forward(Tensor(shape: [1, 1, 1, 2], values: [1, 2]), mode: .inference)
        #expect(up.shape == [1, 1, 2, 4] && up.array == [1, 1, 2, 2, 1, 1, 2, 2])
    }

    @Test func residualWithProjection() {
        var rng = RandomGenerator(seed: 17)
        let body = Sequential([
            Conv2D(name: "a", inChannels: 2, outChannels: 4, kernel: 3, stride: 2, padding: 1, parallelism: one, rng: &rng),
            BatchNorm2D(name: "bn", channels: 4, parallelism: one),
        ])
        let shortcut = Sequential([Conv2D(name: "s", inChannels: 2, outChannels: 4, kernel: 1, stride: 2, parallelism: one, rng: &rng)])
        check.check(Residual(body: body, shortcut: shortcut), input: randomTensor([2, 2, 6, 6], seed: 18), mode: .training)
    }

    @Test func ensembleMean() {
        var rng = RandomGenerator(seed: 34)
        let members = (0..<3).map { j in
            Sequential([Conv2D(name: "m\(j)", inChannels: 2, outChannels: 3, kernel: 3, padding: 1, parallelism: one, rng: &rng),
                        BatchNorm2D(name: "bn\(j)", channels: 3, parallelism: one), GlobalAvgPool(),
                        Dense(name: "d\(j)", inFeatures: 3, outFeatures: 4, rng: &rng)])
        }
        check.check(EnsembleMean(members: members), input: randomTensor([2, 2, 5, 5], seed: 35), mode: .training)
    }

    @Test func squeezeExcite() {
        var rng = RandomGenerator(seed: 30)
        check.check(SqueezeExcite(name: "se", channels: 8, reduction: 4, rng: &rng), input: randomTensor([3, 8, 3, 4], seed: 31), mode: .training)
    }

    @Test func residualWithSqueezeExciteBody() {
        var rng = RandomGenerator(seed: 32)
        let body = Sequential([
            Conv2D(name: "a", inChannels: 4, outChannels: 4, kernel: 3, stride: 1, padding: 1, parallelism: one, rng: &rng),
            SqueezeExcite(name: "se", channels: 4, reduction: 2, rng: &rng),
        ])
        check.check(Residual(body: body, shortcut: Sequential([])), input: randomTensor([2, 4, 5, 5], seed: 33), mode: .training)
    }

    @Test func residualIdentity() {
        var rng = RandomGenerator(seed: 19)
        let body = Sequential([Conv2D(name: "a", inChannels: 3, outChannels: 3, kernel: 3, padding: 1, parallelism: one, rng: &rng)])
        check.check(Residual(body: body, shortcut: Sequential([])), input: randomTensor([2, 3, 5, 5], seed: 20), mode: .training)
    }

    @Test func dropoutIsIdentityAtInferenceAndMasksInTraining() {
        var rng = RandomGenerator(seed: 21)
        let drop = Dropout(rate: 0.5, rng: &rng)
        let x = randomTensor([4, 50], seed: 22)
        #expect(drop.forward(x, mode: .inference).array == x.array)
        let y = drop.forward(x, mode: .training).clone()
        let zeros = (0..<y.count).filter { y[$0] == 0 }.count
        #expect(zeros > 60 && zeros < 140, "about half should drop, got \(zeros)/200")
        for i in 0..<y.count where y[i] != 0 { #expect(abs(y[i] - 2 * x[i]) < 1e-6) }
        let upstream = randomTensor([4, 50], seed: 23)
        let dx = drop.backward(upstream)
        for i in 0..<y.count { #expect(dx[i] == (y[i] == 0 ? 0 : 2 * upstream[i])) }
    }
}
