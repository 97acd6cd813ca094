/// Bounds checked before any pixel buffer is allocated, so a decompression bomb is refused by its header.
public struct DecodeLimits: Sendable, Equatable {
    public var maxPixels: Int
    public var maxBytes: Int

    public init(maxPixels: Int = 40_000_000, maxBytes: Int = 50_000_000) {
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
    }

    func check(width: Int, height: Int) throws(ImageError) {
        guard width > 0, height > 0 else { throw .corrupt(format: "image", reason: "header gives size \(width)x\(height)") }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels, width <= maxPixels, height <= maxPixels else {
            throw .tooManyPixels(width: width, height: height, limit: maxPixels)
        }
    }
}
