/// The EXIF Orientation tag (1-8): how a camera wants the stored pixels turned for display.
public enum ExifOrientation: Int, Sendable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// Reads the tag from a JPEG's APP1 Exif segment; `.up` when absent or unreadable.
    static func read(from jpeg: UnsafeRawBufferPointer) -> ExifOrientation {
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            let marker = jpeg[i + 1]
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan: no more metadata
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            guard length >= 2, i + 2 + length <= jpeg.count else { break }
            if marker == 0xE1, length >= 8,
               jpeg[i + 4] == 0x45, jpeg[i + 5] == 0x78, jpeg[i + 6] == 0x69, jpeg[i + 7] == 0x66 {  // "Exif"
                let tiff = UnsafeRawBufferPointer(rebasing: jpeg[(i + 10)..<(i + 2 + length)])
                return fromTIFF(tiff) ?? .up
            }
            i += 2 + length
        }
        return .up
    }

    private static func fromTIFF(_ t: UnsafeRawBufferPointer) -> ExifOrientation? {
        guard t.count >= 8 else { return nil }
        let little = t[0] == 0x49
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for e in 0..<min(entries, 512) {
            let entry = ifd + 2 + 12 * e
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112, let value = u16(entry + 8) { return ExifOrientation(rawValue: value) }
        }
        return nil
    }

    /// Whether the upright photo's width is the stored image's height (the four transposing orientations).
    public var swapsAxes: Bool { rawValue >= ExifOrientation.leftMirrored.rawValue }

    /// Returns the image as it should be displayed.
    public func apply(to image: RGBImage) -> RGBImage {
        if self == .up { return image }
        let w = image.width, h = image.height
        let swaps = rawValue >= 5
        let ow = swaps ? h : w, oh = swaps ? w : h
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<oh {
                    for x in 0..<ow {
                        let (sx, sy) = source(x, y, w, h)
                        let s = (sy * w + sx) * 3, d = (y * ow + x) * 3
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Where display pixel (x, y) comes from in the stored w x h image.
    private func source(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> (Int, Int) {
        switch self {
        case .up: return (x, y)
        case .upMirrored: return (w - 1 - x, y)
        case .down: return (w - 1 - x, h - 1 - y)
        case .downMirrored: return (x, h - 1 - y)
        case .leftMirrored: return (y, x)
        case .right: return (y, h - 1 - x)
        case .rightMirrored: return (w - 1 - y, h - 1 - x)
        case .left: return (w - 1 - y, x)
        }
    }
}
