/// Trains the first epochs on lower-resolution views of the same crops, e.g. `32:14,48:12` shows the network
/// 32x32 images for 14 epochs, then 48x48 for 12, then its full input side. The field of view is the same at
/// every stage, only sampled more coarsely, so early epochs are cheaper (a 32-px training step takes 37% of
/// a 64-px one, a 48-px step 86%: bench/README.md); the last epochs at full resolution adapt the network (and
/// batch norm's statistics) to the size it serves at. Fully convolutional networks with global pooling accept
/// every side.
public struct ProgressiveResizing: Codable, Equatable, Sendable, CustomStringConvertible {
    public struct Stage: Codable, Equatable, Sendable {
        public var side: Int
        public var epochs: Int
        public init(side: Int, epochs: Int) { self.side = side; self.epochs = epochs }
    }

    public var stages: [Stage]

    public init(stages: [Stage]) { self.stages = stages }

    /// Parses `SIDE:EPOCHS[,SIDE:EPOCHS...]`; nil when a part has another shape, a side is under 16 or an
    /// epoch count is not positive.
    public init?(argument: String) {
        var stages: [Stage] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2, let side = Int(fields[0]), let epochs = Int(fields[1]),
                  side >= 16, epochs > 0 else { return nil }
            stages.append(Stage(side: side, epochs: epochs))
        }
        self.stages = stages
    }

    public var description: String { stages.map { "\($0.side):\($0.epochs)" }.joined(separator: ",") }

    /// Epochs spent in the low-resolution stages.
    public var epochs: Int { stages.reduce(0) { $0 + $1.epochs } }

    /// The input side of zero-based `epoch`: its stage's, or `fullSide` once every stage has run.
    public func side(epoch: Int, fullSide: Int) -> Int {
        var end = 0
        for stage in stages {
            end += stage.epochs
            if epoch < end { return stage.side }
        }
        return fullSide
    }
}
