import CTurboJPEG

/// JPEG through libturbojpeg. Grayscale comes out as RGB; CMYK/YCCK are converted by hand because
/// TurboJPEG only decodes them to CMYK.
enum JPEGDecoder {
    /// The photo at full size, or with `minimumLongSide` at the smallest of DCT scaling's 1/2, 1/4 and 1/8 that keeps
    /// its longer side at least that long (decoding cost falls with the pixels produced).
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: DecodeLimits, minimumLongSide: Int? = nil) throws(ImageError) -> DecodedPhoto {
        // Check the frame size ourselves first: libjpeg reads up to the first scan before reporting it.
        if let (width, height) = frameSize(bytes) { try limits.check(width: width, height: height) }
        guard let handle = tjInitDecompress() else { throw .corrupt(format: "JPEG", reason: "decoder could not start") }
        defer { tjDestroy(handle) }
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw .corrupt(format: "JPEG", reason: message(handle))
        }
        try limits.check(width: Int(width), height: Int(height))
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let format = isCMYK ? TJPF_CMYK : TJPF_RGB
        let photoWidth = Int(width), photoHeight = Int(height)
        if let minimumLongSide {
            let divisor = reduction(longSide: max(photoWidth, photoHeight), keeping: minimumLongSide)
            // TurboJPEG's TJSCALED: sides are rounded up.
            width = (width + Int32(divisor) - 1) / Int32(divisor); height = (height + Int32(divisor) - 1) / Int32(divisor)
        }
        var out = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        // Stop on the first warning (truncation, bad data) and cap progressive scans: no partial
        // garbage and no pathological decode times.
        let flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
        let status = out.withUnsafeMutableBufferPointer { dst in
            tjDecompress2(handle, source, UInt(bytes.count), dst.baseAddress, width, 0, height, Int32(format.rawValue), Int32(flags))
        }
        if status != 0 { throw .corrupt(format: "JPEG", reason: message(handle)) }
        let image = isCMYK ? rgbFromInvertedCMYK(out, width: Int(width), height: Int(height))
                           : RGBImage(width: Int(width), height: Int(height), pixels: out)
        let orientation = ExifOrientation.read(from: bytes)
        return DecodedPhoto(image: orientation.apply(to: image), width: orientation.swapsAxes ? photoHeight : photoWidth,
                            height: orientation.swapsAxes ? photoWidth : photoHeight)
    }

    /// The largest of 1, 2, 4 and 8 that divides `longSide` into at least `keeping` pixels.
    static func reduction(longSide: Int, keeping: Int) -> Int {
        [8, 4, 2].first { (longSide + $0 - 1) / $0 >= keeping } ?? 1
    }

    /// Width and height from the first SOFn marker, if the marker structure gets that far.
    static func frameSize(_ b: UnsafeRawBufferPointer) -> (Int, Int)? {
        var i = 2
        while i + 9 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                return (Int(b[i + 7]) << 8 | Int(b[i + 8]), Int(b[i + 5]) << 8 | Int(b[i + 6]))
            }
            if marker == 0xDA || length < 2 { return nil }
            i += 2 + length
        }
        return nil
    }

    private static func message(_ handle: tjhandle) -> String {
        guard let cString = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: cString)
    }

    /// Adobe writes CMYK JPEGs inverted, which is what nearly every CMYK JPEG in the wild is.
    private static func rgbFromInvertedCMYK(_ cmyk: [UInt8], width: Int, height: Int) -> RGBImage {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            let k = Int(cmyk[4 * i + 3])
            for c in 0..<3 { rgb[3 * i + c] = UInt8(Int(cmyk[4 * i + c]) * k / 255) }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }
}
