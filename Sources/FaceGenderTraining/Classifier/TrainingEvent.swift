import FaceGenderModel

/// What a run reports as it goes. The trainer draws nothing itself: the CLI renders these (a progress bar and
/// log lines), tests may record them.
public enum TrainingEvent: Sendable {
    case epochStarted(epoch: Int, epochs: Int, batches: Int)
    /// The running numbers of the epoch in progress, after each step.
    case stepFinished(EpochProgress)
    case epochFinished(EpochRecord, epochs: Int, isBest: Bool)
    /// A sentence for the log (resumed, stopped, early stop).
    case note(String)
}

/// Where an epoch stands: batches done of `batches`, images seen in this session's part of it, running means.
public struct EpochProgress: Sendable {
    public var batch: Int, batches: Int
    public var images: Int
    public var loss: Double, accuracy: Double
    public var learningRate: Float
}
