import CWebP

/// WebP through libwebp (alpha is dropped).
enum WebPDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: DecodeLimits) throws(ImageError) -> RGBImage {
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0
        guard WebPGetInfo(source, bytes.count, &width, &height) != 0 else {
            throw .corrupt(format: "WebP", reason: "invalid header")
        }
        try limits.check(width: Int(width), height: Int(height))
        var rgb = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        let result = rgb.withUnsafeMutableBufferPointer {
            WebPDecodeRGBInto(source, bytes.count, $0.baseAddress, $0.count, width * 3)
        }
        guard result != nil else { throw .corrupt(format: "WebP", reason: "bitstream could not be decoded") }
        return RGBImage(width: Int(width), height: Int(height), pixels: rgb)
    }
}
