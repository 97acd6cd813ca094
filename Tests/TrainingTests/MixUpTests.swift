import FaceGenderEngine
import FaceGenderTraining
import Testing

@Suite struct MixUpTests {
    func noise(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let t = Tensor(shape: shape)
        for i in 0..<t.count { t[i] = rng.normal() }
        return t
    }

    @Test func blendsEachImageWithItsPartner() {
        let images = noise([6, 2, 3, 3], seed: 1)
        let mixup = MixUp(alpha: 0.4)
        let labels = [0, 1, 1, 0, 1, 0]
        let blend = mixup.blend(images, labels: labels, seed: 9)
        #expect(blend.partners.sorted() == Array(0..<6))
        #expect(blend.partnerLabels == blend.partners.map { labels[$0] })
        #expect(blend.weight >= 0.5 && blend.weight <= 1)
        let size = images.sampleCount
        for i in 0..<6 {
            for j in 0..<size {
                let expected = blend.weight * images[i * size + j] + (1 - blend.weight) * images[blend.partners[i] * size + j]
                #expect(abs(blend.images[i * size + j] - expected) < 1e-6)
            }
        }
    }

    @Test func theSeedDecides() {
        let images = noise([8, 1, 2, 2], seed: 2)
        let labels = [Int](repeating: 0, count: 8)
        let a = MixUp(alpha: 0.4).blend(images, labels: labels, seed: 5), b = MixUp(alpha: 0.4).blend(images, labels: labels, seed: 5)
        #expect(a.partners == b.partners && a.weight == b.weight && a.images.array == b.images.array)
        let c = MixUp(alpha: 0.4).blend(images, labels: labels, seed: 6)
        #expect(c.partners != a.partners || c.weight != a.weight)
    }
}
