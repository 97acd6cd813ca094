import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging

/// The one path from (photo, face box) to network input. Training, evaluation and serving all call it,
/// so the network always sees faces framed the same way.
///
/// 1. `crop`: a square around the box centre, side = box side x `faceMargin` x `contextScale`, resampled
///    (antialiased, edge-padded) to `cropSide` pixels. Training caches these crops.
/// 2. `write`: the centre `inputSide` pixels of the crop (or a randomly transformed view of it, in
///    training) as a normalised CHW tensor.
public struct FacePreprocessor: Codable, Equatable, Sendable {
    /// Side of the network input.
    public var inputSide: Int
    /// The face box side is multiplied by this to include hair, jaw and some background.
    public var faceMargin: Double
    /// Extra context kept around the input in the crop, so augmentation can rotate, zoom and shift
    /// without running out of pixels.
    public var contextScale: Double
    public var normalization: Normalization

    public init(inputSide: Int = 64, faceMargin: Double = 1.2, contextScale: Double = 1.25,
                normalization: Normalization = .standard) {
        self.inputSide = inputSide; self.faceMargin = faceMargin
        self.contextScale = contextScale; self.normalization = normalization
    }

    public var cropSide: Int { Int((Double(inputSide) * contextScale).rounded()) }

    /// The face box to use when the detector finds none: the centred square of the photo, shrunk so
    /// that after the margin the network sees exactly that square.
    public func wholeImageBox(_ image: RGBImage) -> FaceBox {
        let side = Double(min(image.width, image.height)) / faceMargin
        return FaceBox(x: (Double(image.width) - side) / 2, y: (Double(image.height) - side) / 2,
                       width: side, height: side, score: 0)
    }

    public func crop(_ image: RGBImage, face: FaceBox) -> RGBImage {
        Resampler.resample(image, region: cropRegion(face), width: cropSide, height: cropSide)
    }

    /// The square of the photo that `crop` resamples.
    func cropRegion(_ face: FaceBox) -> Region {
        let side = max(face.width, face.height) * faceMargin * contextScale
        let cx = face.x + face.width / 2, cy = face.y + face.height / 2
        return Region(x: cx - side / 2, y: cy - side / 2, width: side, height: side)
    }

    /// The pixels of `crop(image, face:)` that come from inside the photo; the rest are its edges replicated.
    public func insideOfCrop(_ image: RGBImage, face: FaceBox) -> CropInside {
        let r = cropRegion(face), k = Double(cropSide) / r.width
        func clamp(_ v: Double) -> UInt16 { UInt16(max(0, min(Double(cropSide), v))) }
        return CropInside(x0: clamp(((0 - r.x) * k).rounded(.up)), y0: clamp(((0 - r.y) * k).rounded(.up)),
                          x1: clamp(((Double(image.width) - r.x) * k).rounded(.down)),
                          y1: clamp(((Double(image.height) - r.y) * k).rounded(.down)))
    }

    /// Writes sample `index` of a [N, 3, inputSide, inputSide] batch: the network's view of the crop.
    public func write(_ crop: RGBImage, augmentation: AugmentationSample = .identity, into batch: Tensor, index: Int) {
        let plane = 3 * inputSide * inputSide
        precondition(batch.count >= (index + 1) * plane, "batch too small for sample \(index)")
        AugmentedSampler.sample(crop, outSide: inputSide, augmentation: augmentation,
                                normalization: normalization, into: batch.data + index * plane)
    }

    /// The whole path for one face, as a [1, 3, S, S] tensor.
    public func tensor(_ image: RGBImage, face: FaceBox) -> Tensor {
        let t = Tensor(shape: [1, 3, inputSide, inputSide])
        write(crop(image, face: face), into: t, index: 0)
        return t
    }
}
