import FaceGenderDetection
import FaceGenderEngine
import Testing

/// The learned detector's network is engine layers wired as a pyramid: its gradients must match finite
/// differences through every branch (the sums of two paths included), and its output must cover every level.
@Suite struct DetectorNetworkTests {
    let small = DetectorSpec(stemChannels: 2, stride4Channels: 3, pyramidChannels: 4)

    @Test func outputsEveryPositionOfEveryLevel() {
        let network = DetectorNetwork(spec: small, seed: 1, parallelism: Parallelism(workers: 2))
        let out = network.forward(randomTensor([2, 3, 64, 96], seed: 2), mode: .inference)
        // Strides 8, 16, 32 on 64 x 96: 8x12 + 4x6 + 2x3 positions.
        #expect(out.shape == [2, 15, 96 + 24 + 6])
        #expect(DetectorNetwork.positions(height: 64, width: 96).map { $0.height * $0.width } == [96, 24, 6])
    }

    /// ReLU and max pooling have kinks where finite differences go wrong. With every BatchNorm's shift at +3 nearly
    /// no ReLU input is negative; what remains are max-pooling windows whose two largest values are closer than a
    /// perturbation moves them, met the more often the more poolings follow a tensor: the stem's samples are off by
    /// 5-10%, a few by more. The merges and heads, after the last pooling, must match to 2%; every backbone tensor,
    /// whose gradient arrives through the pyramid's sums, to 25% in nine samples of ten (a branch dropped or counted
    /// twice would be off by 50-100% in most).
    @Test func gradientsMatchFiniteDifferences() {
        for workers in [1, 2] {
            let network = DetectorNetwork(spec: small, seed: 3, parallelism: Parallelism(workers: workers), inputGradient: .computed)
            for p in network.parameters where p.name.hasSuffix("bn.bias") || p.name == "stem.1.bias" { p.value.fill(3) }
            var check = GradientCheck()
            check.samples = 30; check.epsilon = 1e-3
            let x = randomTensor([2, 3, 64, 64], seed: 4)
            let strict = check.mismatches(network, input: x, mode: .training)
            #expect(strict.checked > 800)
            #expect(strict.wrong.filter { $0.hasPrefix("merge") || $0.hasPrefix("head") }.isEmpty, "\(strict.wrong)")
            check.tolerance = 0.25
            let loose = check.mismatches(network, input: x, mode: .training).wrong
            for name in network.parameters.map(\.name) + ["dx"] {
                let bad = loose.filter { $0.hasPrefix(name + "[") }.count
                #expect(bad <= 3, "\(name): \(bad) of up to 30 samples off by more than 25%")
            }
        }
    }
}
