import FaceGenderEngine
import FaceGenderImaging
import FaceGenderTraining
import Testing

/// Degradations keep the crop's size and really take detail away; probability 0 leaves the crop alone.
@Suite struct CameraDegradationTests {
    /// A 2-px checkerboard: all of its detail is at the highest frequencies.
    let checkerboard: RGBImage = {
        var image = RGBImage(width: 80, height: 80)
        for y in 0..<80 { for x in 0..<80 where (x / 2 + y / 2) % 2 == 0 { for c in 0..<3 { image.pixels[(y * 80 + x) * 3 + c] = 255 } } }
        return image
    }()

    /// Mean absolute difference between horizontal neighbours: high for fine detail, low when blurred.
    func detail(_ image: RGBImage) -> Double {
        var sum = 0.0
        for y in 0..<image.height { for x in 1..<image.width {
            sum += abs(Double(image.pixels[(y * image.width + x) * 3]) - Double(image.pixels[(y * image.width + x - 1) * 3]))
        } }
        return sum / Double(image.height * (image.width - 1))
    }

    @Test func lowResolutionBlursAndKeepsTheSize() {
        let blurred = CameraDegradation.lowResolution(checkerboard, side: 30)
        #expect(blurred.width == 80 && blurred.height == 80)
        #expect(detail(blurred) < detail(checkerboard) / 4, "\(detail(blurred)) vs \(detail(checkerboard))")
        #expect(CameraDegradation.lowResolution(checkerboard, side: 80) == checkerboard)
    }

    @Test func jpegChangesPixelsAndKeepsTheSize() {
        let compressed = CameraDegradation.jpeg(checkerboard, quality: 15)
        #expect(compressed.width == 80 && compressed.height == 80)
        let changed = zip(compressed.pixels, checkerboard.pixels).filter { abs(Int($0) - Int($1)) > 8 }.count
        #expect(changed > checkerboard.pixels.count / 10)
    }

    @Test func probabilityDecidesWhetherAnythingHappens() {
        var rng = RandomGenerator(seed: 3)
        var untouched = checkerboard
        CameraDegradation.apply(to: &untouched, probability: 0, using: &rng)
        #expect(untouched == checkerboard)
        var degraded = checkerboard
        CameraDegradation.apply(to: &degraded, probability: 1, using: &rng)
        #expect(detail(degraded) < detail(checkerboard) / 4)
    }
}
