/// A second look at the photo, shrunk `factor` times, for faces too large for the network to see whole (a selfie
/// scaled to the detector's 640 px): of that pass only faces of at least `minimumSide` pixels at the first pass's
/// scale are kept, merged with the first pass's by NMS. Smaller faces are the first pass's, seen in more detail.
public struct LargeFacePass: Equatable, Sendable, CustomStringConvertible {
    public var factor: Int
    public var minimumSide: Double

    public init(factor: Int, minimumSide: Double) {
        self.factor = factor; self.minimumSide = minimumSide
    }

    /// A quarter of the scale puts faces of 160-640 px at 40-160 px, where the network finds them.
    public static let standard = LargeFacePass(factor: 4, minimumSide: 160)

    public var description: String { "large/\(factor)/\(Int(minimumSide))" }
}
