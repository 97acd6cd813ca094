#if canImport(Glibc)
import Glibc
#endif

/// Random photometric and geometric changes for training, all drawn from a seeded generator.
public struct AugmentationPolicy: Codable, Equatable, Sendable {
    public var flip: Bool = true
    /// Rotation in degrees, uniform in [-r, r].
    public var maxRotation: Float = 10
    /// Zoom factor uniform in [1 - s, 1 + s].
    public var maxScale: Float = 0.1
    /// Shift as a fraction of the output side, uniform in [-t, t] on each axis.
    public var maxShift: Float = 0.06
    public var brightness: Float = 0.25
    public var contrast: Float = 0.25
    public var saturation: Float = 0.25
    /// Probability of erasing a random rectangle (up to a quarter of the image) with noise.
    public var erasing: Float = 0.25
    /// Probability of converting to grayscale (old photos, black-and-white cameras).
    public var grayscale: Float = 0.05
    /// Probability of replacing the part of a face crop that lies outside its photo (filled by replicating the
    /// photo's edges when cropped) with other content. Photos from other sources have real surroundings there;
    /// a network that only ever saw replicated edges learns from them.
    public var outsideFill: Float = 0.5
    /// Horizontal shear, uniform in [-s, s] (x moves by s times y): faces turned or seen from below or above.
    public var maxShear: Float = 0
    /// Probability of blurring (a 3x3 box filter applied once or twice): out-of-focus and moving faces.
    public var blur: Float = 0
    /// Probability of low light: darkened by a gamma of 1.5 to 2.5, with sensor noise of 2 to 8 grey levels.
    public var lowLight: Float = 0
    /// Colour cast: each channel's gain uniform in [1 - c, 1 + c] (tungsten, fluorescent, shade).
    public var colourCast: Float = 0

    public init() {}

    /// No augmentation: evaluation and serving.
    public static let none: AugmentationPolicy = {
        var p = AugmentationPolicy()
        p.flip = false; p.maxRotation = 0; p.maxScale = 0; p.maxShift = 0
        p.brightness = 0; p.contrast = 0; p.saturation = 0; p.erasing = 0; p.grayscale = 0; p.outsideFill = 0
        return p
    }()
}

/// One draw of the random parameters.
public struct AugmentationSample: Equatable, Sendable {
    public var flip = false
    public var rotation: Float = 0, scale: Float = 1, shiftX: Float = 0, shiftY: Float = 0
    public var brightness: Float = 1, contrast: Float = 1, saturation: Float = 1
    public var grayscale = false
    public var erase: (x: Int, y: Int, width: Int, height: Int)?
    public var shear: Float = 0
    public var blurPasses = 0
    /// Low light: the gamma applied to [0, 1] values, and noise (grey levels) drawn from `noiseSeed`.
    public var gamma: Float = 1, noise: Float = 0, noiseSeed: UInt64 = 0
    public var gains: (Float, Float, Float) = (1, 1, 1)

    public static let identity = AugmentationSample()

    public static func == (a: Self, b: Self) -> Bool {
        a.flip == b.flip && a.rotation == b.rotation && a.scale == b.scale && a.shiftX == b.shiftX && a.shiftY == b.shiftY
            && a.brightness == b.brightness && a.contrast == b.contrast && a.saturation == b.saturation
            && a.grayscale == b.grayscale && a.erase?.x == b.erase?.x && a.erase?.y == b.erase?.y
            && a.erase?.width == b.erase?.width && a.erase?.height == b.erase?.height
            && a.shear == b.shear && a.blurPasses == b.blurPasses && a.gamma == b.gamma && a.noise == b.noise
            && a.noiseSeed == b.noiseSeed && a.gains == b.gains
    }

    public init() {}

    public init<G: RandomNumberGenerator>(policy p: AugmentationPolicy, side: Int, using rng: inout G) {
        func u(_ r: Float) -> Float { r > 0 ? Float.random(in: -r...r, using: &rng) : 0 }
        flip = p.flip && Bool.random(using: &rng)
        rotation = u(p.maxRotation) * .pi / 180
        scale = 1 + u(p.maxScale)
        shiftX = u(p.maxShift) * Float(side); shiftY = u(p.maxShift) * Float(side)
        brightness = 1 + u(p.brightness); contrast = 1 + u(p.contrast); saturation = 1 + u(p.saturation)
        grayscale = p.grayscale > 0 && Float.random(in: 0..<1, using: &rng) < p.grayscale
        if p.erasing > 0 && Float.random(in: 0..<1, using: &rng) < p.erasing {
            let w = Int.random(in: (side / 8)...(side / 2), using: &rng), h = Int.random(in: (side / 8)...(side / 2), using: &rng)
            erase = (Int.random(in: 0...(side - w), using: &rng), Int.random(in: 0...(side - h), using: &rng), w, h)
        }
        // Drawn only when enabled, so that a policy without them gives the same samples as before they existed.
        shear = u(p.maxShear)
        if p.blur > 0 && Float.random(in: 0..<1, using: &rng) < p.blur { blurPasses = Int.random(in: 1...2, using: &rng) }
        if p.lowLight > 0 && Float.random(in: 0..<1, using: &rng) < p.lowLight {
            gamma = Float.random(in: 1.5...2.5, using: &rng); noise = Float.random(in: 2...8, using: &rng)
            noiseSeed = rng.next()
        }
        if p.colourCast > 0 { gains = (1 + u(p.colourCast), 1 + u(p.colourCast), 1 + u(p.colourCast)) }
    }
}

/// Produces a normalised CHW float image of side `outSide` from the centre of a larger square crop, applying an
/// augmentation sample. With `.identity` it is an exact centre crop: evaluation and serving use it that way, so
/// training without augmentation sees byte-for-byte what serving sees.
public enum AugmentedSampler {
    public static func sample(_ crop: RGBImage, outSide: Int, augmentation a: AugmentationSample,
                              normalization: Normalization, into out: UnsafeMutablePointer<Float>) {
        let plane = outSide * outSide
        let cx = Float(crop.width) / 2, cy = Float(crop.height) / 2
        let half = Float(outSide) / 2
        let cosR = cosf(a.rotation) / a.scale, sinR = sinf(a.rotation) / a.scale
        let identityGeometry = a.rotation == 0 && a.scale == 1 && a.shiftX == 0 && a.shiftY == 0 && a.shear == 0
        let offX = (crop.width - outSide) / 2, offY = (crop.height - outSide) / 2
        crop.pixels.withUnsafeBufferPointer { src in
            for y in 0..<outSide {
                for x in 0..<outSide {
                    let dx = a.flip ? outSide - 1 - x : x
                    var rgb: (Float, Float, Float)
                    if identityGeometry {
                        let s = ((y + offY) * crop.width + dx + offX) * 3
                        rgb = (Float(src[s]), Float(src[s + 1]), Float(src[s + 2]))
                    } else {
                        // Inverse map: output pixel centre -> crop coordinates.
                        let v = Float(y) + 0.5 - half - a.shiftY, u = Float(dx) + 0.5 - half - a.shiftX + a.shear * v
                        let sx = cosR * u + sinR * v + cx - 0.5, sy = -sinR * u + cosR * v + cy - 0.5
                        rgb = bilinear(src, crop.width, crop.height, sx, sy)
                    }
                    rgb = photometric(rgb, a)
                    let o = y * outSide + x
                    out[o] = normalization.apply(rgb.0, channel: 0)
                    out[plane + o] = normalization.apply(rgb.1, channel: 1)
                    out[2 * plane + o] = normalization.apply(rgb.2, channel: 2)
                }
            }
        }
        if a.blurPasses > 0 { for c in 0..<3 { boxBlur(out + c * plane, side: outSide, passes: a.blurPasses) } }
        if a.noise > 0 {
            var rng = SplitMix64(seed: a.noiseSeed)
            for c in 0..<3 {
                let sigma = a.noise / (255 * normalization.std[c])
                for i in 0..<plane { out[c * plane + i] += sigma * rng.normal() }
            }
        }
        if let e = a.erase {
            // Erase with mid-grey (0 after normalisation): hides a part of the face without adding texture.
            for c in 0..<3 { for y in e.y..<(e.y + e.height) { for x in e.x..<(e.x + e.width) { out[c * plane + y * outSide + x] = 0 } } }
        }
    }

    @inline(__always)
    static func bilinear(_ src: UnsafeBufferPointer<UInt8>, _ w: Int, _ h: Int, _ x: Float, _ y: Float) -> (Float, Float, Float) {
        let xf = max(0, min(Float(w - 1), x)), yf = max(0, min(Float(h - 1), y))
        let x0 = Int(xf), y0 = Int(yf), x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
        let fx = xf - Float(x0), fy = yf - Float(y0)
        func at(_ xx: Int, _ yy: Int, _ c: Int) -> Float { Float(src[(yy * w + xx) * 3 + c]) }
        func mix(_ c: Int) -> Float {
            let top = at(x0, y0, c) * (1 - fx) + at(x1, y0, c) * fx
            let bottom = at(x0, y1, c) * (1 - fx) + at(x1, y1, c) * fx
            return top * (1 - fy) + bottom * fy
        }
        return (mix(0), mix(1), mix(2))
    }

    /// A 3x3 mean filter over one [side, side] plane, `passes` times (edges average what they have).
    static func boxBlur(_ p: UnsafeMutablePointer<Float>, side: Int, passes: Int) {
        var copy = [Float](repeating: 0, count: side * side)
        for _ in 0..<passes {
            for i in 0..<(side * side) { copy[i] = p[i] }
            for y in 0..<side {
                for x in 0..<side {
                    var sum: Float = 0, n: Float = 0
                    for yy in max(0, y - 1)...min(side - 1, y + 1) { for xx in max(0, x - 1)...min(side - 1, x + 1) { sum += copy[yy * side + xx]; n += 1 } }
                    p[y * side + x] = sum / n
                }
            }
        }
    }

    @inline(__always)
    static func photometric(_ p: (Float, Float, Float), _ a: AugmentationSample) -> (Float, Float, Float) {
        if a.brightness == 1 && a.contrast == 1 && a.saturation == 1 && !a.grayscale && a.gamma == 1 && a.gains == (1, 1, 1) { return p }
        var (r, g, b) = (p.0 * a.brightness * a.gains.0, p.1 * a.brightness * a.gains.1, p.2 * a.brightness * a.gains.2)
        let luma = 0.299 * r + 0.587 * g + 0.114 * b
        let sat = a.grayscale ? 0 : a.saturation
        r = luma + (r - luma) * sat; g = luma + (g - luma) * sat; b = luma + (b - luma) * sat
        // Contrast around mid-grey keeps it independent of the image (and of batch composition).
        r = 128 + (r - 128) * a.contrast; g = 128 + (g - 128) * a.contrast; b = 128 + (b - 128) * a.contrast
        (r, g, b) = (max(0, min(255, r)), max(0, min(255, g)), max(0, min(255, b)))
        guard a.gamma != 1 else { return (r, g, b) }
        return (255 * powf(r / 255, a.gamma), 255 * powf(g / 255, a.gamma), 255 * powf(b / 255, a.gamma))
    }
}

/// Maps 0-255 pixel values to network inputs: (v / 255 - mean) / std per channel.
public struct Normalization: Codable, Equatable, Sendable {
    public var mean: [Float]
    public var std: [Float]
    public init(mean: [Float], std: [Float]) { self.mean = mean; self.std = std }
    public static let standard = Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])

    @inline(__always)
    public func apply(_ v: Float, channel c: Int) -> Float { (v / 255 - mean[c]) / std[c] }
}

/// A small seeded generator (SplitMix64), e.g. for the noise of one sample (imaging does not depend on the engine).
public struct SplitMix64 {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box-Muller).
    public mutating func normal() -> Float {
        let u1 = max(Float(next() >> 40) / Float(1 << 24), 1e-7), u2 = Float(next() >> 40) / Float(1 << 24)
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}
