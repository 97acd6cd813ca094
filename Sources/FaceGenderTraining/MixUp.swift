import FaceGenderEngine

/// mixup (Zhang et al., 2018): a training batch is replaced by λ x its images + (1 - λ) x the same images in
/// shuffled order, with λ ~ Beta(α, α) drawn once per batch (taken as the larger of λ and 1 - λ), and the loss target is mixed by the same λ
/// (`SoftmaxCrossEntropy.forward(logits:labels:mixedWith:weight:)`). The network then never sees the same
/// image twice and is pushed towards predictions that change linearly between samples: a regulariser for
/// small data that also tends to calibrate.
public final class MixUp {
    public let alpha: Float
    private let mixed = Tensor(shape: [0])

    public init(alpha: Float) { self.alpha = alpha }

    /// The blended batch (valid until the next call), each sample's partner and that partner's label (the loss's
    /// second target), and λ, all decided by `seed`.
    public func blend(_ images: Tensor, labels: [Int], seed: UInt64) -> (images: Tensor, partners: [Int], partnerLabels: [Int], weight: Float) {
        var rng = RandomGenerator(seed: seed)
        let n = images.shape[0], size = images.sampleCount
        // λ and 1 - λ give the same blends with the partners swapped; taking the larger keeps each sample's own
        // label the dominant one, so training accuracy can still be counted against it.
        let draw = rng.beta(alpha), weight = max(draw, 1 - draw)
        let partners = Array(0..<n).shuffled(using: &rng)
        mixed.resize(images.shape)
        for i in 0..<n {
            let a = images.data + i * size, b = images.data + partners[i] * size, out = mixed.data + i * size
            for j in 0..<size { out[j] = weight * a[j] + (1 - weight) * b[j] }
        }
        return (mixed, partners, partners.map { labels[$0] }, weight)
    }
}
