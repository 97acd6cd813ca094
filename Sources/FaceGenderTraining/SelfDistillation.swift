import FaceGenderEngine

/// Progressive self-distillation (after PS-KD, Kim et al., 2021): each training photo's target is blended with the
/// network's own last answer for that photo, with a weight growing linearly from 0 in the first epoch to `alpha`
/// in the last. A photo whose label the network keeps finding doubtful (a baby, a mislabelled face) then stops
/// pulling it towards certainty, a regulariser against memorising small data. PS-KD runs the previous epoch's
/// network on each batch; here the answer is the softmax of the step that last trained on the photo (other
/// augmentation, slightly older weights), which costs no extra pass.
public final class SelfDistillation {
    public let alpha: Float
    /// [photos, outputs]: each photo's last answer, starting as its label (so an unseen photo's target is its label).
    public let answers: Tensor

    /// `labels[i]` is photo i's training output (with subclasses, its subclass number).
    public init(alpha: Float, labels: [Int], outputs: Int) {
        self.alpha = alpha
        answers = Tensor(shape: [labels.count, outputs])
        for (i, label) in labels.enumerated() { answers[i * outputs + label] = 1 }
    }

    /// Saved in checkpoints, so a resumed run blends with the same answers.
    public var state: [NamedTensor] { [NamedTensor(name: "self_distillation.answers", tensor: answers)] }

    public func weight(epoch: Int, epochs: Int) -> Float {
        epochs > 1 ? alpha * Float(epoch) / Float(epochs - 1) : 0
    }

    /// The answers of `photos`, one row each: the soft targets of a batch.
    public func targets(for photos: [Int]) -> [Float] {
        let k = answers.sampleCount
        var rows = [Float](repeating: 0, count: photos.count * k)
        for (row, photo) in photos.enumerated() {
            for j in 0..<k { rows[row * k + j] = answers[photo * k + j] }
        }
        return rows
    }

    /// Keeps the batch's softmax (`probabilities`, one row per photo of `photos`) as those photos' answers.
    public func record(_ probabilities: Tensor, for photos: [Int]) {
        let k = answers.sampleCount
        precondition(probabilities.count == photos.count * k, "one row of \(k) probabilities per photo")
        for (row, photo) in photos.enumerated() {
            (answers.data + photo * k).update(from: probabilities.data + row * k, count: k)
        }
    }
}
