import FaceGenderDetection
import FaceGenderImaging
import Foundation
import Testing

@Suite struct HaarDetectorTests {
    let detector: HaarFaceDetector
    let decoder = ImageDecoder()

    init() throws { detector = HaarFaceDetector(cascade: try HaarCascade.load(path: nil)) }

    @Test func loadsDebianCascade() {
        #expect(detector.cascade.stageCount == 20)
        #expect(detector.cascade.windowWidth == 20 && detector.cascade.windowHeight == 20)
        #expect(detector.cascade.featureCount > 1000)
    }

    @Test func findsFacesInAlignedPhotos() throws {
        let files = try photos("Validation", "Male", count: 40) + photos("Validation", "Female", count: 40)
        var found = 0
        for file in files {
            let image = try decoder.decodeFile(atPath: file.path)
            let faces = detector.detect(in: image)
            if let face = faces.first {
                found += 1
                // The face of an aligned crop is centred and large.
                #expect(face.width > 0.4 * Double(image.width), "\(file.lastPathComponent): \(face)")
                #expect(abs(face.x + face.width / 2 - Double(image.width) / 2) < 0.25 * Double(image.width))
            }
        }
        #expect(Double(found) / Double(files.count) >= 0.95, "found \(found) of \(files.count)")
    }

    @Test func findsEachFaceInAScene() throws {
        let a = try decoder.decodeFile(atPath: photos("Test", "Female", count: 1)[0].path)
        let b = try decoder.decodeFile(atPath: photos("Test", "Male", count: 1)[0].path)
        let img = scene(faces: [(a, 160, 60, 80), (b, 110, 420, 250)])
        let faces = detector.detect(in: img)
        #expect(faces.count == 2, "\(faces)")
        func centre(_ f: FaceBox) -> (Double, Double) { (f.x + f.width / 2, f.y + f.height / 2) }
        if faces.count == 2 {
            // Largest first.
            #expect(abs(centre(faces[0]).0 - 140) < 30 && abs(centre(faces[0]).1 - 160) < 30)
            #expect(abs(centre(faces[1]).0 - 475) < 25 && abs(centre(faces[1]).1 - 305) < 25)
            #expect(faces.allSatisfy { $0.score > 0 && $0.score <= 1 })
        }
    }

    @Test func noFaceInPlainOrTinyImages() {
        #expect(detector.detect(in: RGBImage(width: 300, height: 200, fill: (120, 130, 140))).isEmpty)
        #expect(detector.detect(in: RGBImage(width: 5, height: 5)).isEmpty)
        #expect(detector.detect(in: RGBImage(width: 1, height: 1)).isEmpty)
    }

    @Test func minimumFaceSizeIsHonoured() throws {
        let a = try decoder.decodeFile(atPath: photos("Test", "Female", count: 1)[0].path)
        let img = scene(faces: [(a, 60, 100, 100)])
        var options = CascadeDetectorOptions()
        options.minFaceSize = 100
        let strict = HaarFaceDetector(cascade: detector.cascade, options: options)
        #expect(strict.detect(in: img).allSatisfy { $0.width >= 90 })
        #expect(!detector.detect(in: img).isEmpty)
    }

    @Test func badCascadesAreTypedErrors() {
        #expect(throws: DetectionError.self) { try HaarCascade.load(path: "/nonexistent/cascade.xml") }
        #expect(throws: DetectionError.self) { try HaarCascade(xml: "<opencv_storage></opencv_storage>") }
        #expect(throws: DetectionError.self) {
            try HaarCascade(xml: "<featureType>HAAR</featureType><width>20</width><height>20</height><stages></stages><features></features>")
        }
    }
}

/// The eight-window evaluation is a speed-up only: it must find exactly what the scalar reference finds.
@Suite struct HaarBlockEvaluationTests {
    let decoder = ImageDecoder()

    func images() throws -> [RGBImage] {
        let a = try decoder.decodeFile(atPath: photos("Test", "Female", count: 1)[0].path)
        let b = try decoder.decodeFile(atPath: photos("Test", "Male", count: 1)[0].path)
        var noisy = scene(faces: [(a, 160, 60, 80), (b, 110, 420, 250), (a, 48, 300, 40)])
        for i in noisy.pixels.indices { noisy.pixels[i] = UInt8(clamping: Int(noisy.pixels[i]) + (i &* 2_654_435_761 >> 7) % 51 - 25) }
        // Odd sizes make the last block of each row partly empty.
        let odd = Resampler.resize(noisy, width: 333, height: 251)
        return [scene(faces: [(a, 160, 60, 80), (b, 110, 420, 250)]), noisy, odd, a, b]
    }

    @Test(arguments: ["haarcascade_frontalface_alt2.xml", "haarcascade_frontalface_default.xml"])
    func sameFacesAsScalarScan(cascadeFile: String) throws {
        let path = "/usr/share/opencv4/haarcascades/" + cascadeFile
        let cascade = try HaarCascade.load(path: path)
        var options = CascadeDetectorOptions()
        options.minNeighbors = 0  // every raw hit survives grouping, so any difference in windows shows
        let fast = HaarFaceDetector(cascade: cascade, options: options, evaluation: .eightWindows)
        let reference = HaarFaceDetector(cascade: cascade, options: options, evaluation: .scalar)
        options.threads = 2  // levels dealt to two threads: the same hits, in the same order
        let twoThreads = HaarFaceDetector(cascade: cascade, options: options)
        var total = 0
        for image in try images() {
            let f = fast.detect(in: image), r = reference.detect(in: image)
            total += r.count
            #expect(f == r, "\(image.width)x\(image.height): \(f.count) vs \(r.count) boxes")
            #expect(twoThreads.detect(in: image) == f)
        }
        #expect(total >= 10, "too few hits to compare (\(total))")
    }
}
