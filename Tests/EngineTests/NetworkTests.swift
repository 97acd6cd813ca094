import FaceGenderEngine
import Foundation
import Testing

@Suite struct NetworkTests {
    static let smallSpec = ModelSpec(inputChannels: 1, inputHeight: 8, inputWidth: 8, layers: [
        .conv(outChannels: 4, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm, .relu,
        .residual(body: [.conv(outChannels: 8, kernel: 3, stride: 2, padding: 1, bias: false), .batchNorm, .relu,
                         .depthwiseConv(kernel: 3, stride: 1, padding: 1), .batchNorm, .squeezeExcite(reduction: 4)],
                  shortcut: [.conv(outChannels: 8, kernel: 1, stride: 2, padding: 0, bias: false), .batchNorm]),
        .relu, .maxPool(kernel: 2, stride: 2), .globalAvgPool, .dropout(rate: 0.1), .dense(outFeatures: 2),
    ])

    /// Bright-left vs bright-right 8x8 images with noise: linearly separable.
    func synthetic(count: Int, rng: inout RandomGenerator) -> (Tensor, [Int]) {
        let x = Tensor(shape: [count, 1, 8, 8])
        var labels: [Int] = []
        for i in 0..<count {
            let label = Int(rng.next() % 2)
            labels.append(label)
            for y in 0..<8 { for c in 0..<8 {
                let bright = (c < 4) == (label == 0)
                x[i * 64 + y * 8 + c] = (bright ? 0.6 : -0.6) + rng.normal() * 0.5
            } }
        }
        return (x, labels)
    }

    func accuracy(_ net: Network, _ x: Tensor, _ labels: [Int]) -> Double {
        let logits = net.forward(x, mode: .inference)
        let correct = labels.indices.filter { i in (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == labels[i] }.count
        return Double(correct) / Double(labels.count)
    }

    @Test func tinyNetworkLearnsSeparableTask() throws {
        var rng = RandomGenerator(seed: 42)
        let net = try Network(spec: Self.smallSpec, seed: 1, parallelism: Parallelism(workers: 2))
        let (test, testLabels) = synthetic(count: 200, rng: &rng)
        let before = accuracy(net, test, testLabels)
        let optimizer = AdamW(parameters: net.parameters, learningRate: 0.01, weightDecay: 1e-4)
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.05)
        let start = Date()
        for _ in 0..<60 {
            let (x, labels) = synthetic(count: 32, rng: &rng)
            loss.forward(logits: net.forward(x, mode: .training), labels: labels)
            net.backward(loss.gradient)
            optimizer.step()
        }
        let after = accuracy(net, test, testLabels)
        #expect(after > 0.95, "accuracy \(after) (before training \(before))")
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func sameSeedSameNetwork() throws {
        let a = try Network(spec: Self.smallSpec, seed: 5, parallelism: Parallelism(workers: 1))
        let b = try Network(spec: Self.smallSpec, seed: 5, parallelism: Parallelism(workers: 2))
        let c = try Network(spec: Self.smallSpec, seed: 6, parallelism: Parallelism(workers: 1))
        let x = randomTensor([3, 1, 8, 8], seed: 1)
        let ya = a.forward(x, mode: .inference).array
        #expect(ya == b.forward(x, mode: .inference).array)
        #expect(ya != c.forward(x, mode: .inference).array)
    }

    @Test func specRejectsImpossibleShapes() {
        let bad = ModelSpec(inputChannels: 1, inputHeight: 4, inputWidth: 4, layers: [.dense(outFeatures: 2)])
        #expect(throws: ModelSpecError.self) { try Network(spec: bad, seed: 0, parallelism: Parallelism(workers: 1)) }
        let tooSmall = ModelSpec(inputChannels: 1, inputHeight: 2, inputWidth: 2, layers: [.maxPool(kernel: 3, stride: 1)])
        #expect(throws: ModelSpecError.self) { try Network(spec: tooSmall, seed: 0, parallelism: Parallelism(workers: 1)) }
    }

    @Test func flopsOfReferenceCNN() throws {
        // The benchmark's reference CNN: 0.12 GFLOP per image, 397k parameters (issue 3).
        var layers: [LayerSpec] = []
        for c in [32, 64, 128, 256] {
            layers += [.conv(outChannels: c, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm, .relu, .maxPool(kernel: 2, stride: 2)]
        }
        layers += [.flatten, .dense(outFeatures: 2)]
        let net = try Network(spec: ModelSpec(inputChannels: 3, inputHeight: 64, inputWidth: 64, layers: layers),
                              seed: 0, parallelism: Parallelism(workers: 1))
        #expect(abs(Double(net.forwardFlops) / 1e9 - 0.12) < 0.01)
        #expect(abs(Double(net.parameterCount) - 397_000) < 3_000)
    }
}
