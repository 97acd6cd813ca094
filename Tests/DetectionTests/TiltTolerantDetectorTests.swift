import FaceGenderDetection
import FaceGenderImaging
import Foundation
import Testing

@Suite struct TiltTolerantDetectorTests {
    let decoder = ImageDecoder()

    @Test func rotationMapsPointsBack() {
        // A single bright pixel, rotated by 30° about the centre: the rotated image's brightest pixel maps back to it.
        var image = RGBImage(width: 101, height: 81)
        let spot = (x: 70, y: 20)
        for dy in -1...1 { for dx in -1...1 { for c in 0..<3 { image.pixels[((spot.y + dy) * 101 + spot.x + dx) * 3 + c] = 255 } } }
        let rotated = Rotation.rotated(image, degrees: 30)
        let brightest = rotated.pixels.indices.filter { $0 % 3 == 0 }.max { rotated.pixels[$0] < rotated.pixels[$1] }! / 3
        let q = (x: Double(brightest % 101) + 0.5, y: Double(brightest / 101) + 0.5)
        let p = Rotation.originalPoint(q, rotatedBy: 30, about: (50.5, 40.5))
        #expect(abs(p.x - (Double(spot.x) + 0.5)) < 1.5 && abs(p.y - (Double(spot.y) + 0.5)) < 1.5, "\(p)")
    }

    @Test func findsATiltedFaceAndReportsItsTilt() throws {
        let face = try decoder.decodeFile(atPath: photos("Test", "Female", count: 1)[0].path)
        let upright = scene(faces: [(face, 160, 240, 160)])
        let haar = HaarFaceDetector(cascade: try HaarCascade.load(path: nil))
        let detector = TiltTolerantDetector(base: haar)
        // Upright: the same answer as the plain cascade.
        #expect(detector.detect(in: upright) == haar.detect(in: upright))
        #expect(detector.detect(in: upright).first?.angle == 0)
        // The scene turned so that its upright face is tilted by -25°: the plain cascade misses it; the tolerant
        // one finds it at the same centre (the turn is about the face's centre, the image centre), tilted -25°.
        let tilted = Rotation.rotated(upright, degrees: 25)
        let found = detector.detect(in: tilted)
        #expect(haar.detect(in: tilted).isEmpty)
        guard let box = found.first else { Issue.record("tilted face not found"); return }
        #expect(box.angle == -25)
        #expect(abs(box.x + box.width / 2 - 320) < 25 && abs(box.y + box.height / 2 - 240) < 25, "\(box)")
        #expect(detector.settings.hasPrefix("tilt("))
    }
}
