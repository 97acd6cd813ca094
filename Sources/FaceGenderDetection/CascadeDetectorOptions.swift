/// Settings of the Viola-Jones scan, of the Haar cascade detectors.
public struct CascadeDetectorOptions: Sendable, Equatable {
    /// Ratio between consecutive window sizes.
    public var scaleFactor: Double = 1.1
    /// A face needs more than this many overlapping raw hits; fewer is treated as noise.
    public var minNeighbors: Int = 3
    /// Smallest face side, in pixels of the original photo.
    public var minFaceSize: Int = 24
    /// Edge-replicated border added on each side, as a fraction of the side, so that faces filling
    /// the whole frame (tightly cropped, aligned photos) still fit in a window.
    public var borderPadding: Double = 0.2
    /// Photos are scanned at most this large (longest side); larger ones are shrunk first for speed.
    public var maxScanSide: Int = 800
    /// Threads scanning pyramid levels at once (1 where callers already run one detection per core).
    public var threads: Int = 1

    public init() {}

    /// The settings that decide the boxes (not `threads`), for detectors' `settings` keys.
    var boxSettings: String { "\(scaleFactor),\(minNeighbors),\(minFaceSize),\(borderPadding),\(maxScanSide)" }
}
