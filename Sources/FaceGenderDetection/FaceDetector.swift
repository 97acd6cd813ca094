import FaceGenderImaging

/// A detected face: a box in image pixels and a confidence in [0, 1].
public struct FaceBox: Equatable, Codable, Sendable {
    public var x: Double, y: Double, width: Double, height: Double
    public var score: Double

    public init(x: Double, y: Double, width: Double, height: Double, score: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height; self.score = score
    }

    public var area: Double { width * height }
}

/// Finds faces in an image. The Haar cascade is the first implementation; a better detector can
/// replace it behind this protocol.
public protocol FaceDetector: Sendable {
    /// Every face found, largest first; empty when there is none.
    func detect(in image: RGBImage) -> [FaceBox]
}
