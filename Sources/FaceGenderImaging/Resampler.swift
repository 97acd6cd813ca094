/// A rectangle in source-pixel coordinates; may extend past the image edges.
public struct Region: Equatable, Sendable, Codable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

/// Antialiased resampling (separable triangle filter widened by the scale factor, as PIL's bilinear).
/// Pixels outside the image repeat the nearest edge pixel, which gives crop-with-edge-padding for free.
public enum Resampler {
    /// Resizes the whole image.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        resample(image, region: Region(x: 0, y: 0, width: Double(image.width), height: Double(image.height)),
                 width: width, height: height)
    }

    /// The image shrunk by a whole `factor`, each pixel the mean of a factor x factor block (the right and bottom
    /// remainders dropped): for integer factors as good an antialiasing filter as a detector needs, at a few
    /// additions per source pixel.
    public static func blockMean(_ image: RGBImage, factor: Int) -> RGBImage {
        precondition(factor >= 1, "blockMean needs a factor of at least 1, got \(factor)")
        let width = max(1, image.width / factor), height = max(1, image.height / factor)
        let blockWidth = min(factor, image.width), blockHeight = min(factor, image.height)
        var out = RGBImage(width: width, height: height)
        var sums = [UInt32](repeating: 0, count: width * 3)
        let divisor = UInt32(blockWidth * blockHeight), half = divisor / 2
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for i in sums.indices { sums[i] = 0 }
                    for row in (y * blockHeight)..<((y + 1) * blockHeight) {
                        let line = src.baseAddress! + row * image.width * 3
                        for x in 0..<width {
                            for k in 0..<blockWidth {
                                let p = line + (x * blockWidth + k) * 3
                                sums[3 * x] += UInt32(p[0]); sums[3 * x + 1] += UInt32(p[1]); sums[3 * x + 2] += UInt32(p[2])
                            }
                        }
                    }
                    for i in 0..<(width * 3) { dst[y * width * 3 + i] = UInt8((sums[i] + half) / divisor) }
                }
            }
        }
        return out
    }

    /// Samples `region` of `image` into a width x height image.
    public static func resample(_ image: RGBImage, region: Region, width: Int, height: Int) -> RGBImage {
        let horizontal = taps(start: region.x, length: region.width, outCount: width, limit: image.width)
        let vertical = taps(start: region.y, length: region.height, outCount: height, limit: image.height)
        // Horizontal pass over only the source rows the vertical pass will read.
        let rowLo = vertical.minIndex, rowHi = vertical.maxIndex
        let rows = rowHi - rowLo + 1
        var temp = [Float](repeating: 0, count: rows * width * 3)
        image.pixels.withUnsafeBufferPointer { src in
            temp.withUnsafeMutableBufferPointer { tmp in
                for r in 0..<rows {
                    let srcRow = (rowLo + r) * image.width * 3
                    for x in 0..<width {
                        var acc: (Float, Float, Float) = (0, 0, 0)
                        for t in horizontal.range(x) {
                            let s = srcRow + horizontal.index[t] * 3, w = horizontal.weight[t]
                            acc.0 += w * Float(src[s]); acc.1 += w * Float(src[s + 1]); acc.2 += w * Float(src[s + 2])
                        }
                        let d = (r * width + x) * 3
                        tmp[d] = acc.0; tmp[d + 1] = acc.1; tmp[d + 2] = acc.2
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        temp.withUnsafeBufferPointer { tmp in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        var acc: (Float, Float, Float) = (0, 0, 0)
                        for t in vertical.range(y) {
                            let s = ((vertical.index[t] - rowLo) * width + x) * 3, w = vertical.weight[t]
                            acc.0 += w * tmp[s]; acc.1 += w * tmp[s + 1]; acc.2 += w * tmp[s + 2]
                        }
                        let d = (y * width + x) * 3
                        dst[d] = clampByte(acc.0); dst[d + 1] = clampByte(acc.1); dst[d + 2] = clampByte(acc.2)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    @inline(__always)
    static func clampByte(_ v: Float) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }

    /// Filter taps of one axis: for each output position, source indices (edge-clamped) and normalised weights.
    struct Taps {
        var start: [Int] = [], index: [Int] = [], weight: [Float] = []
        var minIndex = Int.max, maxIndex = Int.min
        func range(_ i: Int) -> Range<Int> { start[i]..<start[i + 1] }
    }

    static func taps(start: Double, length: Double, outCount: Int, limit: Int) -> Taps {
        var t = Taps()
        let scale = length / Double(outCount)
        let support = max(scale, 1)
        for o in 0..<outCount {
            t.start.append(t.index.count)
            let center = start + (Double(o) + 0.5) * scale
            let lo = Int((center - support).rounded(.down)), hi = Int((center + support).rounded(.up))
            var total: Float = 0
            let first = t.weight.count
            for i in lo...hi {
                let w = Float(max(0, 1 - abs((Double(i) + 0.5 - center) / support)))
                if w <= 0 { continue }
                let clamped = min(max(i, 0), limit - 1)
                t.index.append(clamped); t.weight.append(w); total += w
                t.minIndex = min(t.minIndex, clamped); t.maxIndex = max(t.maxIndex, clamped)
            }
            if total == 0 {  // degenerate region: nearest pixel
                let clamped = min(max(Int(center), 0), limit - 1)
                t.index.append(clamped); t.weight.append(1); total = 1
                t.minIndex = min(t.minIndex, clamped); t.maxIndex = max(t.maxIndex, clamped)
            }
            for k in first..<t.weight.count { t.weight[k] /= total }
        }
        t.start.append(t.index.count)
        return t
    }
}
