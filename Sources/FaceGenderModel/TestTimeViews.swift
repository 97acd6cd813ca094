/// How each face crop is looked at in use: the logits of these views are averaged (test-time augmentation).
public struct TestTimeViews: Codable, Equatable, Sendable {
    /// Zoom factors of the crop's views: 1 is the plain centre view, above 1 zooms in. Never empty.
    public var scales: [Double]
    /// Whether each view is also seen mirrored.
    public var mirror: Mirroring

    public enum Mirroring: String, Codable, Sendable {
        /// Each view as it is.
        case none
        /// Each view and its mirror image, logits averaged.
        case averaged
    }

    public init(scales: [Double], mirror: Mirroring) {
        precondition(!scales.isEmpty, "at least one view")
        self.scales = scales; self.mirror = mirror
    }

    /// The centre view alone, unmirrored: what training validates.
    public static let centre = TestTimeViews(scales: [1], mirror: .none)

    /// Network passes per face.
    public var passes: Int { scales.count * (mirror == .averaged ? 2 : 1) }
}
