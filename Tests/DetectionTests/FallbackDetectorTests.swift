import FaceGenderDetection
import FaceGenderImaging
import Foundation
import Testing
import TestSupport

/// A detector that always answers `boxes`.
private struct FixedDetector: FaceDetector {
    let boxes: [FaceBox]
    var settings: String { "fixed(\(boxes.count))" }
    func detect(in image: RGBImage) -> [FaceBox] { boxes }
}

@Suite struct FallbackDetectorTests {
    let image = RGBImage(width: 200, height: 100)
    let primaryFace = FaceBox(x: 10, y: 10, width: 20, height: 20, score: 1)
    /// 0.3 of the shorter side (100) is 30: one fallback face is large enough, one is not.
    let largeFace = FaceBox(x: 50, y: 0, width: 30, height: 30, score: 1)
    let smallFace = FaceBox(x: 100, y: 0, width: 29, height: 29, score: 1)
    /// A Validation photo whose face fills the frame (chin cut off): the tilt-tolerant alt2 cascade finds nothing.
    let frameFillingFace = utkface.appendingPathComponent("Validation/Female/22_1_3_20170104222151616.jpg").path

    @Test func thePrimaryAnswersWhenItFindsAFace() {
        let detector = FallbackDetector(primary: FixedDetector(boxes: [primaryFace]), fallback: FixedDetector(boxes: [largeFace]))
        #expect(detector.detect(in: image) == [primaryFace])
    }

    @Test func theFallbackKeepsOnlyLargeFaces() {
        let detector = FallbackDetector(primary: FixedDetector(boxes: []), fallback: FixedDetector(boxes: [largeFace, smallFace]))
        #expect(detector.detect(in: image) == [largeFace])
        #expect(detector.settings == "fixed(0)|else(0.3,64.0)fixed(2)")
    }

    @Test func standardFindsAFrameFillingFaceThatAlt2Misses() throws {
        let photo = try ImageDecoder().decodeFile(atPath: frameFillingFace)
        let alt2 = TiltTolerantDetector(base: HaarFaceDetector(cascade: try HaarCascade.load(path: nil)))
        #expect(alt2.detect(in: photo).isEmpty)
        let found = try FallbackDetector.standard(cascadePath: nil).detect(in: photo)
        guard let box = found.first else { Issue.record("the standard detector missed the face"); return }
        // Most of the frame, centred: the face, not a spot of texture.
        #expect(box.width >= 0.5 * Double(photo.width), "\(box)")
        #expect(abs(box.x + box.width / 2 - Double(photo.width) / 2) < 0.15 * Double(photo.width), "\(box)")
    }

    @Test func standardFindsNothingWithoutAFace() throws {
        #expect(try FallbackDetector.standard(cascadePath: nil).detect(in: scene(faces: [])).isEmpty)
    }

    @Test func aLargePhotoIsScannedShrunkAndItsBoxMappedBack() throws {
        // The frame-filling face of the test above at 200 px and enlarged to 800 px: the fallback scans the large
        // one shrunk 3.75x (0.3 x 800 / 64), and its box comes back at 4x the small photo's, within a few percent.
        let photo = try ImageDecoder().decodeFile(atPath: frameFillingFace)
        let large = Resampler.resize(photo, width: 4 * photo.width, height: 4 * photo.height)
        let detector = try FallbackDetector.standard(cascadePath: nil)
        guard let small = detector.detect(in: photo).first, let big = detector.detect(in: large).first else {
            Issue.record("the face was missed"); return
        }
        let side = 4 * small.width
        #expect(abs(big.width - side) < 0.08 * side, "\(big) vs 4 x \(small)")
        #expect(abs(big.x + big.width / 2 - 4 * (small.x + small.width / 2)) < 0.06 * side, "\(big) vs 4 x \(small)")
        #expect(abs(big.y + big.height / 2 - 4 * (small.y + small.height / 2)) < 0.06 * side, "\(big) vs 4 x \(small)")
    }
}
