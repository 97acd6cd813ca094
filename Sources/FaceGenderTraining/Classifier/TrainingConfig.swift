import FaceGenderImaging
import FaceGenderModel

/// Everything that defines a training run. Stored in checkpoints so `--resume` continues the same run.
public struct TrainingConfig: Codable, Equatable, Sendable {
    public var architecture: String = Architecture.resnetSmall.rawValue
    public var inputSide: Int = 64
    public var epochs: Int = 30
    public var batchSize: Int = 64
    public var learningRate: Float = 2e-3
    public var schedule: ScheduleKind = .cosine
    public var warmupEpochs: Float = 1
    public var weightDecay: Float = 0.05
    public var labelSmoothing: Float = 0.1
    public var dropout: Float = 0.2
    public var gradientClip: Float = 5
    public var augmentation = AugmentationPolicy()
    /// Stop when validation loss has not improved for this many epochs (0 = never stop early).
    public var patience: Int = 6
    public var seed: UInt64 = 1
    public var workers: Int = 2
    /// Selective accuracy the abstention threshold aims for on validation data.
    public var abstainTargetAccuracy: Double = 0.97
    /// Stop after this many seconds of training (0 = no limit); a checkpoint is written first.
    public var timeBudgetSeconds: Double = 0
    /// Groups shown more often in training (see `GroupOversampling`).
    public var oversample: [GroupOversampling] = []
    /// Decay of the moving average of the weights that is validated and shipped (`WeightAverage`); 0: the last
    /// step's weights.
    public var weightAverageDecay: Float = 0.999
    /// Train on every class split by this group's values (`SubclassSplit`), e.g. "age_summary"; nil: off.
    public var subclassGroup: String?

    public init() {}

    public enum ScheduleKind: String, Codable, Sendable, CaseIterable { case cosine, onecycle, constant }
}
