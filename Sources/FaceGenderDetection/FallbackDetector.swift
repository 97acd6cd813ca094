import FaceGenderImaging

/// Two detectors in turn: the second is asked only when the first finds nothing, and of its faces only those that
/// fill much of the photo are kept.
///
/// Why (measured on ../shared, 2026-11-27): opencv-data's alt2 cascade, even tilt-tolerant and with its 20% border,
/// misses 1.6% of the Validation photos, nearly all faces filling the frame with chin or forehead cut off, and
/// unevenly: 5.1% of the Black faces against 0.3–1.2% of the others. Those photos were classified on the whole
/// image (83% right, against 97% for adults' crops). The looser frontal "default" cascade finds 28 of those 39,
/// with boxes of alt2's geometry (on 289 Train photos both found: side 1.02x, centre within 1% of the side), so
/// the crops are those the network was trained on; but it also fires on 10 of 58 photos without a face
/// (diagrams, logos, icons) where alt2 finds nothing, always with a box of at most a quarter of the shorter side.
/// Faces that alt2 misses for filling the frame are large, so fallback faces under 0.3 of the shorter side are
/// dropped: 26 of the 28 stay, none of the 10.
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
