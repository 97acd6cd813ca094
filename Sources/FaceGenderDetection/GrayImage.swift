import FaceGenderImaging

/// An 8-bit single-channel image for detection.
struct GrayImage {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, pixels: [UInt8]) { self.width = width; self.height = height; self.pixels = pixels }
    init(_ image: RGBImage) { self.init(width: image.width, height: image.height, pixels: image.grayscale()) }

    /// Bilinear resize (OpenCV's pyramid uses INTER_LINEAR too). Column taps are computed once per call.
    func resized(width w: Int, height h: Int) -> GrayImage {
        var out = [UInt8](repeating: 0, count: w * h)
        let sx = Double(width) / Double(w), sy = Double(height) / Double(h)
        var x0s = [Int](repeating: 0, count: w), x1s = [Int](repeating: 0, count: w), wxs = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let fx = max(0, (Double(x) + 0.5) * sx - 0.5)
            x0s[x] = min(Int(fx), width - 1); x1s[x] = min(x0s[x] + 1, width - 1); wxs[x] = Float(fx - Double(x0s[x]))
        }
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let fy = max(0, (Double(y) + 0.5) * sy - 0.5)
                    let y0 = min(Int(fy), height - 1), y1 = min(y0 + 1, height - 1), wy = Float(fy - Double(y0))
                    let top = src.baseAddress! + y0 * width, bottom = src.baseAddress! + y1 * width, row = dst.baseAddress! + y * w
                    for x in 0..<w {
                        let a = x0s[x], b = x1s[x], wx = wxs[x]
                        let t = Float(top[a]) + (Float(top[b]) - Float(top[a])) * wx
                        let u = Float(bottom[a]) + (Float(bottom[b]) - Float(bottom[a])) * wx
                        row[x] = UInt8(min(255, (t + (u - t) * wy).rounded()))
                    }
                }
            }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }

    /// Adds an edge-replicated border.
    func padded(x padX: Int, y padY: Int) -> GrayImage {
        if padX == 0 && padY == 0 { return self }
        let w = width + 2 * padX, h = height + 2 * padY
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            let sy = min(max(y - padY, 0), height - 1)
            for x in 0..<w { out[y * w + x] = pixels[sy * width + min(max(x - padX, 0), width - 1)] }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }
}

/// Summed-area tables of pixels and squared pixels, (W+1) x (H+1) with a zero first row and column,
/// plus `tail` zeros so that vector loads of eight windows past the last one stay inside the arrays.
struct IntegralImage {
    static let tail = 64
    let width: Int, height: Int, stride: Int
    var sum: [Int32]
    var squares: [Double]

    /// `stride` (row length, at least `g.width + 1`) lets images of several sizes share feature offsets.
    init(_ g: GrayImage, stride: Int) {
        width = g.width + 1; height = g.height + 1; self.stride = max(width, stride)
        sum = [Int32](repeating: 0, count: self.stride * height + Self.tail)
        squares = [Double](repeating: 0, count: self.stride * height + Self.tail)
        let (w, h, stride) = (width, height, self.stride)
        g.pixels.withUnsafeBufferPointer { pixels in
        sum.withUnsafeMutableBufferPointer { sum in
        squares.withUnsafeMutableBufferPointer { squares in
            for y in 1..<h {
                var rowSum: Int32 = 0, rowSquares: Double = 0
                let source = pixels.baseAddress! + (y - 1) * g.width - 1
                let sumRow = sum.baseAddress! + y * stride, squaresRow = squares.baseAddress! + y * stride
                for x in 1..<w {
                    let v = Int32(source[x])
                    rowSum += v; rowSquares += Double(v * v)
                    sumRow[x] = sumRow[x - stride] + rowSum
                    squaresRow[x] = squaresRow[x - stride] + rowSquares
                }
            }
        } } }
    }
}
