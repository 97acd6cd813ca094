import FaceGenderImaging

/// A detected face: a box in image pixels and a confidence in [0, 1].
public struct FaceBox: Equatable, Codable, Sendable {
    public var x: Double, y: Double, width: Double, height: Double
    public var score: Double
    /// The five landmarks, when the detector finds them.
    public var landmarks: FaceLandmarks?

    public init(x: Double, y: Double, width: Double, height: Double, score: Double, landmarks: FaceLandmarks? = nil) {
        self.x = x; self.y = y; self.width = width; self.height = height; self.score = score
        self.landmarks = landmarks
    }

    /// Intersection over union with `other` (0 when they do not overlap).
    public func iou(_ other: FaceBox) -> Double {
        let w = min(x + width, other.x + other.width) - max(x, other.x)
        let h = min(y + height, other.y + other.height) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        return inter / (area + other.area - inter)
    }

    public var area: Double { width * height }

    /// The part of the box inside a width x height image (for display: boxes of frame-filling faces
    /// extend past the edges, which the crop handles by edge padding).
    public func clipped(width w: Int, height h: Int) -> FaceBox {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(Double(w), x + width), y1 = min(Double(h), y + height)
        return FaceBox(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0), score: score, landmarks: landmarks)
    }
}

/// Finds faces in an image (`LearnedFaceDetector`; tests use stand-ins).
public protocol FaceDetector: Sendable {
    /// Every face found, largest first; empty when there is none.
    func detect(in image: RGBImage) -> [FaceBox]
    /// Everything that decides the boxes (kind, settings, model), for keys of caches of detection results.
    var settings: String { get }
}
