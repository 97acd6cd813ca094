import FaceGenderEngine
import FaceGenderImaging

/// Makes a training crop look like a face from a worse source: a small face in a larger photo (few pixels,
/// enlarged to the crop's size, hence blurred) or a hard-compressed upload (JPEG blocks). The aligned training
/// photos are all sharp 200-px faces; a 30-px face in a group photo arrives at the network as a blurred crop.
public enum CameraDegradation {
    /// Each degradation, independently, with `probability`.
    public static func apply(to crop: inout RGBImage, probability: Float, using rng: inout RandomGenerator) {
        guard probability > 0 else { return }
        if Float.random(in: 0..<1, using: &rng) < probability {
            // An 80-px crop is 1.5x its face: 28...72 px of source means a face of about 19...48 px.
            let side = Int.random(in: 28...72, using: &rng)
            crop = lowResolution(crop, side: side)
        }
        if Float.random(in: 0..<1, using: &rng) < probability {
            crop = jpeg(crop, quality: Int.random(in: 15...70, using: &rng))
        }
    }

    /// The crop shrunk to `side` pixels and enlarged back.
    public static func lowResolution(_ crop: RGBImage, side: Int) -> RGBImage {
        guard side < crop.width else { return crop }
        let height = max(1, side * crop.height / crop.width)
        return Resampler.resize(Resampler.resize(crop, width: side, height: height), width: crop.width, height: crop.height)
    }

    /// The crop through a JPEG encoder and decoder at `quality`; unchanged if either fails.
    public static func jpeg(_ crop: RGBImage, quality: Int) -> RGBImage {
        guard let data = try? JPEGEncoder.encode(crop, quality: quality),
              let decoded = try? ImageDecoder().decode(data),
              decoded.width == crop.width, decoded.height == crop.height else { return crop }
        return decoded
    }
}
