import FaceGenderEngine
import FaceGenderImaging

/// The one path from a photo to the detector's input, for training and inference alike: the photo scaled (never
/// enlarged) so that its longer side is at most `longSide`, at the top left of a canvas whose sides are multiples
/// of 32, the rest mid-grey; pixels normalised as the classifier's are.
public struct DetectorInput: Codable, Equatable, Sendable {
    public var longSide: Int
    public var normalization: Normalization

    public init(longSide: Int = 640, normalization: Normalization = .standard) {
        self.longSide = longSide; self.normalization = normalization
    }

    /// The scaled photo and the factor from photo pixels to input pixels.
    public func scaled(_ image: RGBImage) -> (image: RGBImage, scale: Double) {
        let scale = min(1, Double(longSide) / Double(max(image.width, image.height)))
        guard scale < 1 else { return (image, 1) }
        let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
        return (Resampler.resize(image, width: w, height: h), scale)
    }

    /// The canvas side that holds `length` pixels: the next multiple of 32.
    public static func padded(_ length: Int) -> Int { (length + 31) / 32 * 32 }

    /// Writes `image` (already scaled) at the top left of sample `index` of a [N, 3, H, W] batch, mid-grey elsewhere.
    public func write(_ image: RGBImage, into batch: Tensor, index: Int) {
        let h = batch.shape[2], w = batch.shape[3], plane = h * w
        precondition(image.width <= w && image.height <= h, "a \(image.width)x\(image.height) image does not fit a \(w)x\(h) input")
        let out = batch.data + index * 3 * plane
        // v -> (v / 255 - mean) / std as one multiply-add per value.
        let scale = (0..<3).map { 1 / (255 * normalization.std[$0]) }, offset = (0..<3).map { -normalization.mean[$0] / normalization.std[$0] }
        image.pixels.withUnsafeBufferPointer { src in
            for c in 0..<3 {
                let channel = out + c * plane, k = scale[c], b = offset[c]
                if image.width < w || image.height < h { channel.update(repeating: 127.5 * k + b, count: plane) }
                for y in 0..<image.height {
                    let row = channel + y * w, s = src.baseAddress! + y * image.width * 3 + c
                    for x in 0..<image.width { row[x] = Float(s[3 * x]) * k + b }
                }
            }
        }
    }
}
