/// A photo as decoded for analysis: `image` may be smaller than the photo (`ImageDecoder.decodeReduced`), whose
/// upright size is `width` x `height`; answers about the photo map image pixels back by `scale`.
public struct DecodedPhoto: Sendable {
    public var image: RGBImage
    public var width: Int, height: Int

    public init(image: RGBImage, width: Int, height: Int) {
        self.image = image; self.width = width; self.height = height
    }

    /// The photo at its own size.
    public init(fullSize image: RGBImage) { self.init(image: image, width: image.width, height: image.height) }

    /// Photo pixels per image pixel (1 at full size).
    public var scale: Double { Double(max(width, height)) / Double(max(image.width, image.height)) }
}
