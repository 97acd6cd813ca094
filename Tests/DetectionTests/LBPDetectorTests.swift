import FaceGenderDetection
import FaceGenderImaging
import Foundation
import Testing

/// The LBP cascade detector: the second implementation behind `FaceDetector`, measured in bench-detect.
@Suite struct LBPDetectorTests {
    let detector: LBPFaceDetector
    let decoder = ImageDecoder()

    init() throws { detector = LBPFaceDetector(cascade: try LBPCascade.load(path: nil)) }

    @Test func loadsDebianCascade() {
        #expect(detector.cascade.windowWidth == 45 && detector.cascade.windowHeight == 45)
    }

    @Test func findsFacesInAlignedPhotos() throws {
        let files = try photos("Validation", "Male", count: 30) + photos("Validation", "Female", count: 30)
        var found = 0
        for file in files {
            let image = try decoder.decodeFile(atPath: file.path)
            if let face = detector.detect(in: image).first {
                found += 1
                #expect(abs(face.x + face.width / 2 - Double(image.width) / 2) < 0.25 * Double(image.width), "\(file.lastPathComponent): \(face)")
            }
        }
        #expect(Double(found) / Double(files.count) >= 0.95, "found \(found) of \(files.count)")
    }

    /// The Haar detector's scene test: the LBP cascade finds the 160-px face at its place (it misses the 110-px
    /// one here, which the Haar cascade finds: one reason it is not the default).
    @Test func findsTheLargeFaceInASceneAndNoneInPlainImages() throws {
        let a = try decoder.decodeFile(atPath: photos("Test", "Female", count: 1)[0].path)
        let b = try decoder.decodeFile(atPath: photos("Test", "Male", count: 1)[0].path)
        let faces = detector.detect(in: scene(faces: [(a, 160, 60, 80), (b, 110, 420, 250)]))
        let large = try #require(faces.first, "no face found")
        #expect(abs(large.x + large.width / 2 - 140) < 30 && abs(large.y + large.height / 2 - 160) < 30, "\(large)")
        #expect(detector.detect(in: RGBImage(width: 300, height: 200, fill: (120, 130, 140))).isEmpty)
        #expect(detector.detect(in: RGBImage(width: 5, height: 5)).isEmpty)
    }

    @Test func haarFilesAndGarbageAreTypedErrors() throws {
        let haar = try String(contentsOfFile: HaarCascade.debianPaths[0], encoding: .utf8)
        #expect(throws: DetectionError.self) { try LBPCascade(xml: haar) }
        #expect(throws: DetectionError.self) { try LBPCascade(xml: "<featureType>LBP</featureType><width>45</width><height>45</height>") }
        #expect(throws: DetectionError.self) { try LBPCascade.load(path: "/nonexistent/lbp.xml") }
    }
}
