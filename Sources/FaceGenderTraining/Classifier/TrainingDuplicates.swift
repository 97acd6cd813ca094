import FaceGenderEvaluation

/// The training photos `train` leaves out because another photo has the same bytes: copies of validation or test
/// photos (validation would reward memorising them, and test would count them), copies filed under another class
/// somewhere (one of the two labels is wrong, and nothing says which), and repeats of a training photo beyond the first.
public struct TrainingDuplicates: Sendable, CustomStringConvertible {
    public private(set) var copiesOfHeldOut = 0
    public private(set) var contradicted = 0
    public private(set) var repeats = 0
    /// Indices into the Train split's samples that stay, in order.
    public let kept: [Int]

    /// Faces in scene photos (several per photo, splits disjoint by photo) are not compared: they all stay.
    public init(splits: DatasetSplits) {
        let held = [splits.validation] + (splits.test.map { [$0] } ?? [])
        let portraits = { (set: LabeledDataset) in set.samples.filter { $0.face == nil } }
        let photos = portraits(splits.train).map { ($0.path, splits.train.classes[$0.label]) }
            + held.flatMap { set in portraits(set).map { ($0.path, set.classes[$0.label]) } }
        // Indices of the compared training samples in the Train split.
        let compared = splits.train.samples.indices.filter { splits.train.samples[$0].face == nil }
        let trainCount = compared.count
        var dropped = Set<Int>()
        for group in DuplicatePhotos(paths: photos.map(\.0)).groups {
            let inTrain = group.filter { $0 < trainCount }
            if Set(group.map { photos[$0].1 }).count > 1 {
                contradicted += inTrain.count; dropped.formUnion(inTrain)
            } else if inTrain.count < group.count {
                copiesOfHeldOut += inTrain.count; dropped.formUnion(inTrain)
            } else {
                repeats += inTrain.count - 1; dropped.formUnion(inTrain.dropFirst())
            }
        }
        let droppedSamples = Set(dropped.map { compared[$0] })
        kept = splits.train.samples.indices.filter { !droppedSamples.contains($0) }
    }

    public var leftOut: Int { copiesOfHeldOut + contradicted + repeats }

    public var description: String {
        "byte-identical photos left out of training: \(copiesOfHeldOut) copies of validation or test photos, "
            + "\(contradicted) filed under another class elsewhere, \(repeats) repeats of a training photo "
            + "(\(leftOut) in all)"
    }
}
