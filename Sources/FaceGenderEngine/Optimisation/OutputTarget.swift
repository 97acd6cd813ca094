/// What a training sample's label asks of the network's outputs: one output, or any output of a range (a class
/// split into subclasses whose subclass this sample does not know, e.g. a photo without an age when classes are
/// split by age). For a range the loss is that of the range's summed probability.
public enum OutputTarget: Equatable, Sendable {
    case output(Int)
    case anyOf(Range<Int>)

    /// The outputs that count as right.
    public var outputs: Range<Int> {
        switch self {
        case let .output(j): return j..<(j + 1)
        case let .anyOf(range): return range
        }
    }
}
