import Foundation

/// In-plane rotation of photos and crops (bilinear; pixels from outside the source repeat its nearest edge).
///
/// Convention: rotating by `degrees` about a centre c gives the image R(q) = I(c + M·(q − c)), M the rotation
/// by `degrees` (counter-clockwise on screen for positive angles, since y points down). A face tilted by
/// `degrees` in I is upright in R.
public enum Rotation {
    /// The whole image rotated about its centre, on a canvas of the same size.
    public static func rotated(_ image: RGBImage, degrees: Double) -> RGBImage {
        sample(image, centre: (Double(image.width) / 2, Double(image.height) / 2), degrees: degrees, scale: 1,
               width: image.width, height: image.height)
    }

    /// A `side`-pixel square of `image` centred at `centre` with its axes turned by `degrees`, as an
    /// `outSide`-pixel image. It is first resampled (antialiased) to about the output's resolution, so large
    /// photos do not alias, then rotated.
    public static func square(_ image: RGBImage, centre: (x: Double, y: Double), side: Double, degrees: Double, outSide: Int) -> RGBImage {
        let radians = degrees * .pi / 180
        let spread = abs(cos(radians)) + abs(sin(radians))
        let enclosing = side * spread
        let small = max(outSide, Int((Double(outSide) * spread).rounded(.up)) + 2)
        let region = Region(x: centre.x - enclosing / 2, y: centre.y - enclosing / 2, width: enclosing, height: enclosing)
        let shrunk = Resampler.resample(image, region: region, width: small, height: small)
        let k = enclosing / Double(small)  // source pixels per shrunk pixel
        return sample(shrunk, centre: (Double(small) / 2, Double(small) / 2), degrees: degrees, scale: side / Double(outSide) / k,
                      width: outSide, height: outSide)
    }

    /// out(q) = source(c + scale · M·(q − outCentre)), bilinear.
    static func sample(_ source: RGBImage, centre c: (Double, Double), degrees: Double, scale: Double, width: Int, height: Int) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        let radians = degrees * .pi / 180
        let cosA = Float(cos(radians) * scale), sinA = Float(sin(radians) * scale)
        let cx = Float(c.0), cy = Float(c.1), ox = Float(width) / 2, oy = Float(height) / 2
        let w = source.width, h = source.height
        source.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        let u = Float(x) + 0.5 - ox, v = Float(y) + 0.5 - oy
                        let sx = max(0, min(Float(w - 1), cx + cosA * u - sinA * v - 0.5))
                        let sy = max(0, min(Float(h - 1), cy + sinA * u + cosA * v - 0.5))
                        let x0 = Int(sx), y0 = Int(sy), x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                        let fx = sx - Float(x0), fy = sy - Float(y0)
                        for ch in 0..<3 {
                            let top = Float(src[(y0 * w + x0) * 3 + ch]) * (1 - fx) + Float(src[(y0 * w + x1) * 3 + ch]) * fx
                            let bottom = Float(src[(y1 * w + x0) * 3 + ch]) * (1 - fx) + Float(src[(y1 * w + x1) * 3 + ch]) * fx
                            dst[(y * width + x) * 3 + ch] = UInt8(min(255, max(0, (top * (1 - fy) + bottom * fy).rounded())))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Where point q of the image rotated by `degrees` about `centre` lies in the original.
    public static func originalPoint(_ q: (x: Double, y: Double), rotatedBy degrees: Double, about centre: (x: Double, y: Double)) -> (x: Double, y: Double) {
        let radians = degrees * .pi / 180
        let u = q.x - centre.x, v = q.y - centre.y
        return (centre.x + cos(radians) * u - sin(radians) * v, centre.y + sin(radians) * u + cos(radians) * v)
    }
}
