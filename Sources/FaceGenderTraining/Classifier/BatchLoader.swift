import Dispatch
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel

/// Prepares augmented batches on a background queue, one batch ahead of training, into two reused
/// tensors (the one being trained on, and the one being filled).
public final class BatchLoader {
    /// `photos`: each image's index in the crops, in batch order.
    public struct Batch { public let images: Tensor; public let targets: [OutputTarget]; public let photos: [Int] }

    private let crops: FaceCrops
    private let targets: [OutputTarget]
    private let order: [Int]
    private let batchSize: Int
    private let preprocessor: FacePreprocessor
    private let policy: AugmentationPolicy
    private let seed: UInt64
    private let queue = DispatchQueue(label: "facegender.batches", qos: .userInitiated)
    /// One batch buffer; the background queue fills one while training reads the other.
    private final class Slot { let images = Tensor(shape: [0]); var targets: [OutputTarget] = []; var photos: [Int] = [] }
    private let slots = [Slot(), Slot()]
    private var pending: DispatchWorkItem?
    private var nextBatch: Int
    private var filling = 0

    /// `order` lists sample indices for this epoch; batches start at `startBatch` (to resume mid-epoch).
    /// Each batch's augmentation comes from (seed, batch index) alone, so a resumed run sees the same data.
    public init(crops: FaceCrops, targets: [OutputTarget], order: [Int], batchSize: Int, preprocessor: FacePreprocessor,
                policy: AugmentationPolicy, seed: UInt64, startBatch: Int = 0) {
        self.crops = crops; self.targets = targets; self.order = order; self.batchSize = batchSize
        self.preprocessor = preprocessor; self.policy = policy; self.seed = seed
        self.nextBatch = startBatch
        schedule()
    }

    public var batchCount: Int { (order.count + batchSize - 1) / batchSize }

    /// The next batch, or nil at the end of the epoch. The returned tensor stays valid until the next call.
    public func next() -> Batch? {
        guard let pending else { return nil }
        pending.wait()
        let slot = filling
        filling = 1 - filling
        schedule()
        return Batch(images: slots[slot].images, targets: slots[slot].targets, photos: slots[slot].photos)
    }

    private func schedule() {
        guard nextBatch < batchCount else { pending = nil; return }
        let b = nextBatch, slot = filling
        nextBatch += 1
        let item = DispatchWorkItem { [self] in fill(batch: b, slot: slot) }
        pending = item
        queue.async(execute: item)
    }

    private func fill(batch b: Int, slot: Int) {
        let members = Array(order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)])
        let tensor = slots[slot].images
        let side = preprocessor.inputSide
        tensor.resize([members.count, 3, side, side])
        var rng = RandomGenerator(seed: seed &+ UInt64(b) &* 0x9E37_79B9_7F4A_7C15)
        for (i, index) in members.enumerated() {
            let sample = AugmentationSample(policy: policy, side: side, using: &rng)
            var crop = crops.crop(index)
            if policy.outsideFill > 0, Float.random(in: 0..<1, using: &rng) < policy.outsideFill {
                let donor = crops.crop(Int.random(in: 0..<crops.count, using: &rng))
                OutsideFill.apply(to: &crop, inside: crops.inside[index], donor: donor, using: &rng)
            }
            preprocessor.write(crop, augmentation: sample, into: tensor, index: i)
        }
        slots[slot].targets = members.map { targets[$0] }
        slots[slot].photos = members
    }
}
