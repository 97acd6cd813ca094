import FaceGenderEngine
import FaceGenderImaging
import Testing

@Suite struct GeometryTests {
    @Test func resizeOfConstantImageIsConstant() {
        let img = RGBImage(width: 37, height: 23, fill: (200, 100, 50))
        for (w, h) in [(10, 7), (80, 50), (37, 23)] {
            let out = Resampler.resize(img, width: w, height: h)
            #expect(out.width == w && out.height == h)
            #expect(out.pixels.allSatisfy { $0 == 200 || $0 == 100 || $0 == 50 })
        }
    }

    @Test func blockMeanAveragesEachBlockAndDropsTheRemainder() {
        var img = RGBImage(width: 5, height: 3)
        for y in 0..<3 { for x in 0..<5 { for c in 0..<3 { img.pixels[(y * 5 + x) * 3 + c] = UInt8(10 * x + 50 * y + c) } } }
        let small = Resampler.blockMean(img, factor: 2)
        #expect(small.width == 2 && small.height == 1)
        // Block (0, 0): x 0-1, y 0-1 -> mean 5 + 25 = 30 (+ c); block (1, 0): x 2-3 -> 25 + 25 = 50.
        #expect(small.pixels == [30, 31, 32, 50, 51, 52])
        #expect(Resampler.blockMean(img, factor: 1) == img)
        #expect(Resampler.blockMean(RGBImage(width: 3, height: 2), factor: 10).width == 1)
    }

    @Test func downscaleAveragesAreas() {
        // A 1-pixel checkerboard shrunk 4x must come out near-uniform grey; point sampling would give 0 or 255.
        var img = RGBImage(width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 where (x + y) % 2 == 0 { for c in 0..<3 { img.pixels[(y * 64 + x) * 3 + c] = 255 } } }
        let out = Resampler.resize(img, width: 16, height: 16)
        for v in out.pixels { #expect(abs(Int(v) - 128) <= 8) }
    }

    @Test func regionOutsideImageRepeatsEdges() {
        let img = quadrantImage()
        let out = Resampler.resample(img, region: Region(x: -20, y: -20, width: 20, height: 20), width: 10, height: 10)
        #expect(out.pixels.allSatisfy { _ in true })
        #expect(out.pixel(0, 0) == img.pixel(0, 0))
    }

    @Test func identityAugmentationIsCentreCrop() {
        let img = quadrantImage()
        let crop = Resampler.resample(img, region: Region(x: 0, y: 0, width: 30, height: 30), width: 20, height: 20)
        let out = Tensor(shape: [3, 8, 8])
        AugmentedSampler.sample(crop, outSide: 8, augmentation: .identity, normalization: .standard, into: out.data)
        let (r, _, _) = crop.pixel(6, 6)
        #expect(out[0] == Normalization.standard.apply(Float(r), channel: 0))
    }

    @Test func augmentationIsSeededAndDeterministic() {
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        let policy = AugmentationPolicy()
        for _ in 0..<20 {
            #expect(AugmentationSample(policy: policy, side: 64, using: &a) == AugmentationSample(policy: policy, side: 64, using: &b))
        }
    }

    @Test func flipMirrors() {
        let crop = quadrantImage()
        let plain = Tensor(shape: [3, 20, 20]), flipped = Tensor(shape: [3, 20, 20])
        var sample = AugmentationSample.identity
        AugmentedSampler.sample(crop, outSide: 20, augmentation: sample, normalization: .standard, into: plain.data)
        sample.flip = true
        AugmentedSampler.sample(crop, outSide: 20, augmentation: sample, normalization: .standard, into: flipped.data)
        for y in 0..<20 { for x in 0..<20 { #expect(plain[y * 20 + x] == flipped[y * 20 + 19 - x]) } }
    }
}

/// The pose, blur, low-light and colour-cast augmentations: off by default, drawn after the others (so a policy
/// without them gives the samples it always gave), and each doing what it says to the pixels.
@Suite struct NewAugmentationTests {
    func checkerboard(_ side: Int) -> RGBImage {
        var image = RGBImage(width: side, height: side)
        for y in 0..<side { for x in 0..<side { for c in 0..<3 { image.pixels[(y * side + x) * 3 + c] = (x + y) % 2 == 0 ? 60 : 200 } } }
        return image
    }

    func render(_ a: AugmentationSample, _ crop: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * 16 * 16)
        out.withUnsafeMutableBufferPointer { AugmentedSampler.sample(crop, outSide: 16, augmentation: a, normalization: .standard, into: $0.baseAddress!) }
        return out
    }

    @Test func theyLeaveTheOtherDrawsAsTheyWere() {
        let plain = AugmentationPolicy()
        var extended = AugmentationPolicy()
        extended.maxShear = 0.2; extended.blur = 1; extended.lowLight = 1; extended.colourCast = 0.2
        var a = SystemRandomNumberGeneratorSeeded(seed: 5), b = SystemRandomNumberGeneratorSeeded(seed: 5)
        let x = AugmentationSample(policy: plain, side: 64, using: &a), y = AugmentationSample(policy: extended, side: 64, using: &b)
        #expect(x.flip == y.flip && x.rotation == y.rotation && x.scale == y.scale && x.shiftX == y.shiftX && x.brightness == y.brightness)
        #expect(x.erase?.x == y.erase?.x && x.grayscale == y.grayscale)
        #expect(y.shear != 0 && y.blurPasses > 0 && y.gamma > 1 && y.noise > 0 && y.gains != (1, 1, 1))
        #expect(x.shear == 0 && x.blurPasses == 0 && x.gamma == 1 && x.gains == (1, 1, 1))
    }

    @Test func eachChangesThePixelsAsItShould() {
        let crop = checkerboard(20)
        let base = render(.identity, crop)
        func variance(_ v: [Float]) -> Float { let m = v.reduce(0, +) / Float(v.count); return v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(v.count) }
        var blurred = AugmentationSample.identity; blurred.blurPasses = 1
        #expect(variance(render(blurred, crop)) < 0.2 * variance(base))
        var dark = AugmentationSample.identity; dark.gamma = 2
        #expect(render(dark, crop).reduce(0, +) < base.reduce(0, +))
        var noisy = AugmentationSample.identity; noisy.noise = 8; noisy.noiseSeed = 3
        let n = render(noisy, crop)
        #expect(n != base && render(noisy, crop) == n, "noise is drawn from its seed")
        var cast = AugmentationSample.identity; cast.gains = (1.2, 1, 0.8)
        let c = render(cast, crop), plane = 256
        #expect(c[0..<plane].reduce(0, +) > base[0..<plane].reduce(0, +) && c[(2 * plane)...].reduce(0, +) < base[(2 * plane)...].reduce(0, +))
        var sheared = AugmentationSample.identity; sheared.shear = 0.3
        #expect(render(sheared, crop) != base)
    }
}

/// A seeded RandomNumberGenerator for tests of code generic over one.
struct SystemRandomNumberGeneratorSeeded: RandomNumberGenerator {
    var state: SplitMix64
    init(seed: UInt64) { state = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { state.next() }
}
