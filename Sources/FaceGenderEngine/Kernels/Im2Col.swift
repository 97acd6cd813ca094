/// Geometry of a 2-D convolution or pooling window over one C x H x W image.
public struct ConvGeometry: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    public let kernel: Int, stride: Int, padding: Int

    public init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
        self.channels = channels; self.height = height; self.width = width
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the column matrix: C * K * K.
    public var patchSize: Int { channels * kernel * kernel }
    /// Columns of the column matrix: OH * OW.
    public var outPixels: Int { outHeight * outWidth }
    /// A 1x1, stride-1, unpadded convolution needs no im2col: the image already is the column matrix.
    public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
}

/// Copies a height x width plane into `bordered` one row down and one column in, its rows `rowLength` apart.
/// With the border zeroed by the caller, a padding-1 3x3 convolution (Winograd, direct) then reads every
/// window without bounds checks.
func copyInsideBorder(_ plane: UnsafePointer<Float>, height: Int, width: Int, into bordered: UnsafeMutablePointer<Float>,
                      rowLength: Int) {
    for r in 0..<height { (bordered + (r + 1) * rowLength + 1).update(from: plane + r * width, count: width) }
}

/// Unfolds image [C, H, W] into col [C*K*K, OH*OW]; out-of-image taps are zero. `rowStride` (default
/// OH*OW) lets several images share one column matrix [C*K*K, N*OH*OW], each in its own column block.
func im2col(_ image: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, rowStride: Int? = nil) {
    let ld = rowStride ?? g.outPixels
    if g.kernel == 3 && g.stride == 1 && g.padding == 1 {
        im2colSame3x3(image, col, g, rowStride: ld)
        return
    }
    let oh = g.outHeight, ow = g.outWidth, k = g.kernel, s = g.stride, p = g.padding
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for kh in 0..<k {
            for kw in 0..<k {
                var dst = col + ((c * k + kh) * k + kw) * ld
                for y in 0..<oh {
                    let iy = y * s - p + kh
                    if iy < 0 || iy >= g.height {
                        dst.update(repeating: 0, count: ow)
                    } else {
                        let row = plane + iy * g.width
                        // Output columns whose tap falls inside the row: ix = x*s - p + kw in [0, W).
                        let xLo = max(0, (p - kw + s - 1) / s)
                        let xHi = min(ow, (g.width - 1 + p - kw) / s + 1)
                        if xLo > 0 { dst.update(repeating: 0, count: xLo) }
                        if s == 1 {
                            if xHi > xLo { (dst + xLo).update(from: row + (xLo - p + kw), count: xHi - xLo) }
                        } else {
                            var x = xLo
                            while x < xHi { dst[x] = row[x * s - p + kw]; x += 1 }
                        }
                        if xHi < ow { (dst + max(xHi, xLo)).update(repeating: 0, count: ow - max(xHi, xLo)) }
                    }
                    dst += ow
                }
            }
        }
    }
}

/// im2col of a 3x3, stride-1, padding-1 convolution. Each channel is first copied inside a zero border; then
/// every row of the column matrix is `width` consecutive values of the bordered plane, copied as vectors, with
/// no bounds arithmetic and no calls (an 8x8 map of 128 channels has 9,216 such rows of 8, which the general
/// loop moved one `memmove` call at a time).
private func im2colSame3x3(_ image: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, rowStride ld: Int) {
    let height = g.height, width = g.width, rowLength = width + 2
    withUnsafeTemporaryAllocation(of: Float.self, capacity: (height + 2) * rowLength) { buffer in
        let bordered = buffer.baseAddress!
        bordered.update(repeating: 0, count: buffer.count)
        for c in 0..<g.channels {
            copyInsideBorder(image + c * height * width, height: height, width: width, into: bordered, rowLength: rowLength)
            for kh in 0..<3 {
                for kw in 0..<3 {
                    var source = UnsafePointer(bordered + kh * rowLength + kw)
                    var destination = col + ((c * 3 + kh) * 3 + kw) * ld
                    for _ in 0..<height {
                        copyFloats(source, to: destination, count: width)
                        source += rowLength; destination += width
                    }
                }
            }
        }
    }
}

/// Copies `count` floats eight at a time.
@inline(__always)
private func copyFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + Lanes.scalarCount <= count { Lanes.load(source + j).store(to: destination + j); j += Lanes.scalarCount }
    while j < count { destination[j] = source[j]; j += 1 }
}

/// Folds col [C*K*K, OH*OW] (row stride `rowStride`) back into image [C, H, W], summing overlapping taps.
/// The image must be zeroed.
func col2im(_ col: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>, _ g: ConvGeometry, rowStride: Int? = nil) {
    let ld = rowStride ?? g.outPixels
    let oh = g.outHeight, ow = g.outWidth, k = g.kernel, s = g.stride, p = g.padding
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for kh in 0..<k {
            for kw in 0..<k {
                var src = col + ((c * k + kh) * k + kw) * ld
                for y in 0..<oh {
                    let iy = y * s - p + kh
                    if iy >= 0 && iy < g.height {
                        let row = plane + iy * g.width
                        let xLo = max(0, (p - kw + s - 1) / s)
                        let xHi = min(ow, (g.width - 1 + p - kw) / s + 1)
                        var x = xLo
                        while x < xHi { row[x * s - p + kw] += src[x]; x += 1 }
                    }
                    src += ow
                }
            }
        }
    }
}
