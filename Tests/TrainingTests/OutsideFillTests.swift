import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderEvaluation
import FaceGenderTraining
import Foundation
import TestSupport
import Testing

/// The part of a crop outside its photo is known exactly, and only that part is replaced in training.
@Suite struct OutsideFillTests {
    let pre = FacePreprocessor()  // crop side 80 = face side x 1.2 x 1.25

    @Test func insideRectangleOfACropOverTheCorner() {
        // A 50-px face at the top-left corner of a 100x100 photo: the crop covers (-12.5, -12.5) to (62.5, 62.5),
        // i.e. 75 photo pixels on 80 crop pixels; the photo starts 12.5 x 80/75 = 13.3 crop pixels in.
        let image = RGBImage(width: 100, height: 100)
        let inside = pre.insideOfCrop(image, face: FaceBox(x: 0, y: 0, width: 50, height: 50, score: 1))
        #expect(inside == CropInside(x0: 14, y0: 14, x1: 80, y1: 80))
        // Crop pixels left of x0 replicate the photo's first column.
        var striped = RGBImage(width: 100, height: 100)
        for y in 0..<100 { for x in 0..<100 { striped.pixels[(y * 100 + x) * 3] = UInt8(x * 2) } }
        let crop = pre.crop(striped, face: FaceBox(x: 0, y: 0, width: 50, height: 50, score: 1))
        #expect((0..<13).allSatisfy { crop.pixels[(40 * 80 + $0) * 3] == crop.pixels[40 * 80 * 3] })
        #expect(crop.pixels[(40 * 80 + 30) * 3] > crop.pixels[(40 * 80 + 14) * 3])
    }

    @Test func aFaceWellInsideHasAWholeCrop() {
        let image = RGBImage(width: 400, height: 300)
        let inside = pre.insideOfCrop(image, face: FaceBox(x: 150, y: 100, width: 80, height: 80, score: 1))
        #expect(inside.isWhole(side: pre.cropSide))
    }

    @Test func fillReplacesOnlyTheOutside() {
        let side = 80
        let original = RGBImage(width: side, height: side, fill: (10, 20, 30))
        let donor = RGBImage(width: side, height: side, fill: (200, 210, 220))
        let inside = CropInside(x0: 14, y0: 0, x1: 70, y1: 60)
        var sawDonor = false, sawFlat = false
        for seed in 1...20 as ClosedRange<UInt64> {
            var rng = RandomGenerator(seed: seed)
            var crop = original
            OutsideFill.apply(to: &crop, inside: inside, donor: donor, using: &rng)
            for y in 0..<side { for x in 0..<side {
                let i = (y * side + x) * 3
                let isInside = x >= 14 && x < 70 && y < 60
                if isInside { #expect(crop.pixels[i] == 10 && crop.pixels[i + 2] == 30) }
            } }
            let outside = crop.pixels[(70 * side + 5) * 3]
            #expect(outside != 10, "an outside pixel kept the replicated edge")
            if outside == 200 { sawDonor = true } else { sawFlat = true }
        }
        #expect(sawDonor && sawFlat)
        // A crop wholly inside its photo is left alone.
        var rng = RandomGenerator(seed: 1)
        var crop = original
        OutsideFill.apply(to: &crop, inside: .whole(side: side), donor: donor, using: &rng)
        #expect(crop == original)
    }
}
