import FaceGenderImaging

/// Two detectors in turn: the second is asked only when the first finds nothing, and of its faces only those that
/// fill much of the photo are kept. The alt2 cascade misses faces that fill the frame with chin or forehead cut
/// off; the looser default cascade finds most of them, but also fires on faceless images, always with small boxes,
/// which the size floor drops (the measurements: docs/bench-history.md, "Detector fallback").
public struct FallbackDetector: FaceDetector {
    public let primary: FaceDetector
    public let fallback: FaceDetector
    /// A fallback face is kept when its box side is at least this share of the photo's shorter side.
    public let minimumSideShare: Double

    public init(primary: FaceDetector, fallback: FaceDetector, minimumSideShare: Double = 0.3) {
        self.primary = primary; self.fallback = fallback; self.minimumSideShare = minimumSideShare
    }

    public var settings: String { "\(primary.settings)|else(\(minimumSideShare),\(Self.fallbackScanSide))\(fallback.settings)" }

    /// The product's detector: the tilt-tolerant alt2 cascade (or the one at `cascadePath`), then the
    /// tilt-tolerant default cascade for large faces. Training, evaluation and serving all use it, so they crop
    /// faces the same way.
    public static func standard(cascadePath: String?,
                                options: CascadeDetectorOptions = CascadeDetectorOptions()) throws -> FallbackDetector {
        let alt2 = try HaarCascade.load(path: cascadePath)
        let loose = try HaarCascade.load(path: nil, defaults: HaarCascade.debianFallbackPaths)
        return FallbackDetector(primary: TiltTolerantDetector(base: HaarFaceDetector(cascade: alt2, options: options)),
                                fallback: TiltTolerantDetector(base: HaarFaceDetector(cascade: loose, options: options)))
    }

    /// The fallback scans the photo shrunk until its smallest kept face would be this many pixels: windows for
    /// smaller faces, most of the scan's work, would only find faces that are dropped. (Photos of ../shared, 200 px,
    /// are not shrunk.)
    public static let fallbackScanSide = 64.0

    public func detect(in image: RGBImage) -> [FaceBox] {
        let found = primary.detect(in: image)
        guard found.isEmpty else { return found }
        let minimumSide = minimumSideShare * Double(min(image.width, image.height))
        let shrink = max(1, minimumSide / Self.fallbackScanSide)
        let small = Resampler.shrunk(image, by: shrink)
        let sx = Double(image.width) / Double(small.width), sy = Double(image.height) / Double(small.height)
        return fallback.detect(in: small)
            .map { FaceBox(x: $0.x * sx, y: $0.y * sy, width: $0.width * sx, height: $0.height * sy,
                           score: $0.score, angle: $0.angle) }
            .filter { min($0.width, $0.height) >= minimumSide }
    }
}
