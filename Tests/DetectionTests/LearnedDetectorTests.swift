import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import Foundation
import TestSupport
import Testing

/// The pieces of the learned detector that do not need training: how outputs stand for faces, boxes from
/// landmarks, non-maximum suppression, the input path, and the model file.
@Suite struct LearnedDetectorTests {
    let face = FaceBox(x: 40, y: 30, width: 50, height: 64, score: 1,
                       landmarks: FaceLandmarks([55, 50, 75, 51, 65, 62, 57, 78, 73, 79]))

    @Test func encodingThenDecodingGivesTheFaceBack() {
        let centre = DetectorCoding.centre(gx: 4, gy: 3, stride: 16)  // (72, 56), inside the box
        let t = DetectorCoding.encode(face, centre: centre, stride: 16)
        let decoded = DetectorCoding.decode({ $0 == 0 ? 3 : t[$0 - 1] }, centre: centre, stride: 16)
        #expect(abs(decoded.x - face.x) < 1e-3 && abs(decoded.y - face.y) < 1e-3)
        #expect(abs(decoded.width - face.width) < 1e-3 && abs(decoded.height - face.height) < 1e-3)
        for (a, b) in zip(decoded.landmarks!.coordinates, face.landmarks!.coordinates) { #expect(abs(a - b) < 1e-3) }
        #expect(abs(decoded.score - 1 / (1 + exp(-3))) < 1e-9)
    }

    @Test func theTemplateBoxFollowsTheLandmarks() {
        let template = FaceLandmarks(LandmarkTemplate.points.flatMap { [$0.x, $0.y] })
        let box = LandmarkTemplate.faceBox(template)
        #expect(abs(box.x - 8) < 1e-9 && abs(box.y) < 1e-9 && abs(box.width - 96) < 1e-9 && abs(box.height - 112) < 1e-9)
        // Twice as large and shifted: the box follows exactly.
        let moved = FaceLandmarks(template.coordinates.enumerated().map { i, v in 2 * v + (i % 2 == 0 ? 100 : 50) })
        let b = LandmarkTemplate.faceBox(moved)
        #expect(abs(b.x - 116) < 1e-6 && abs(b.y - 50) < 1e-6 && abs(b.width - 192) < 1e-6 && abs(b.height - 224) < 1e-6)
        // Turned by 90 degrees: the upright box around it is as wide as the face is tall.
        let turned = template.map { FaceLandmarks.Point(x: 200 - $0.y, y: $0.x) }
        let t = LandmarkTemplate.faceBox(turned)
        #expect(abs(t.width - 112) < 1e-6 && abs(t.height - 96) < 1e-6)
    }

    @Test func mirroringSwapsLeftAndRight() {
        let m = face.landmarks!.mirrored(width: 200)
        #expect(m.leftEye == .init(x: 200 - 75, y: 51) && m.rightEye == .init(x: 200 - 55, y: 50))
        #expect(m.mouthLeft == .init(x: 200 - 73, y: 79) && m.nose == .init(x: 135, y: 62))
        #expect(m.mirrored(width: 200) == face.landmarks!)
    }

    @Test func suppressionKeepsTheBestOfOverlappingBoxes() {
        let a = FaceBox(x: 0, y: 0, width: 10, height: 10, score: 0.9), b = FaceBox(x: 1, y: 1, width: 10, height: 10, score: 0.8)
        let c = FaceBox(x: 30, y: 0, width: 10, height: 10, score: 0.7)
        #expect(DetectorCoding.suppress([b, c, a], iou: 0.4) == [a, c])
        #expect(DetectorCoding.suppress([b, c, a], iou: 0.9) == [a, b, c])
        #expect(a.iou(b) > 0.6 && a.iou(c) == 0)
    }

    @Test func theInputIsTheScaledPhotoOnAGreyCanvas() {
        let input = DetectorInput(longSide: 64)
        var photo = RGBImage(width: 128, height: 80, fill: (255, 255, 255))
        photo.pixels[0] = 0
        let (scaled, scale) = input.scaled(photo)
        #expect(scale == 0.5 && scaled.width == 64 && scaled.height == 40)
        #expect(input.scaled(RGBImage(width: 30, height: 20)).scale == 1, "never enlarged")
        let batch = Tensor(shape: [1, 3, DetectorInput.padded(40), DetectorInput.padded(64)])
        #expect(batch.shape == [1, 3, 64, 64])
        input.write(scaled, into: batch, index: 0)
        #expect(batch[10 * 64 + 10] == Normalization.standard.apply(255, channel: 0))
        #expect(batch[50 * 64 + 10] == 0, "below the photo: mid-grey, 0 after normalisation")
    }

    /// A selfie scaled to the detector's 640 px: the face fills the frame (the network alone finds about half).
    @Test func theShippedDetectorFindsFrameFillingFaces() throws {
        let detector = try LearnedFaceDetector(contentsOf: shippedDetectorPath)
        let photos = try utkfacePhotos("Validation", "Female", count: 10) + utkfacePhotos("Validation", "Male", count: 10)
        for photo in photos {
            let closeUp = Resampler.resize(try ImageDecoder().decodeFile(atPath: photo.path), width: 640, height: 640)
            let face = detector.detect(in: closeUp).first
            #expect((face?.width ?? 0) > 250, "\(photo.lastPathComponent): \(String(describing: face))")
        }
    }

    @Test func aSavedDetectorLoadsAndAnswersTheSameFromSeveralThreads() throws {
        let spec = DetectorSpec(stemChannels: 4, stride4Channels: 4, pyramidChannels: 8)
        let network = DetectorNetwork(spec: spec, seed: 2, parallelism: Parallelism(workers: 1))
        let path = NSTemporaryDirectory() + "fg-detector-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = DetectorInfo(name: "t", version: "0", spec: spec, input: DetectorInput(longSide: 128), scoreThreshold: 0.3)
        try LearnedFaceDetector.save(network, info: info, to: path)
        let detector = try LearnedFaceDetector(contentsOf: path, minFaceSize: 1)
        #expect(detector.info == info)
        var photo = RGBImage(width: 160, height: 100)
        for i in photo.pixels.indices { photo.pixels[i] = UInt8(truncatingIfNeeded: i * 7919 % 251) }
        let reference = detector.detect(in: photo)
        var answers = [[FaceBox]](repeating: [], count: 4)
        answers.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: 4) { out[$0] = detector.detect(in: photo) }
        }
        #expect(answers.allSatisfy { $0 == reference })
        #expect(reference.allSatisfy { $0.score >= 0.3 && $0.landmarks != nil })
        try SafeTensorsFile(tensors: ["x": ([1], [0])]).write(to: path)
        #expect(throws: DetectorFileError.self) { try LearnedFaceDetector(contentsOf: path) }
    }
}
