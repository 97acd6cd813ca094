import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderTraining
import TestSupport
import Foundation
import Testing

/// What the detector learns from: targets per position, the loss and its gradient, and composed training images.
@Suite struct DetectorTrainingTests {
    let side = 128

    func sample(_ faces: [FaceBox], ignored: [FaceBox] = []) -> DetectionSample {
        DetectionSample(image: RGBImage(width: side, height: side), faces: faces, ignored: ignored)
    }

    @Test func aFaceIsLearntAtTheLevelOfItsSizeAroundItsCentre() {
        let small = FaceBox(x: 20, y: 20, width: 24, height: 24, score: 1)     // stride 8 only
        let large = FaceBox(x: 40, y: 30, width: 80, height: 86, score: 1)     // strides 16 (<= 88) and 32
        let t = DetectionTargets(samples: [sample([small, large])], side: side)
        let levels = DetectorNetwork.positions(height: side, width: side)  // 16x16, 8x8, 4x4
        #expect(t.positions == 256 + 64 + 16)
        func positives(level: Int) -> [Int] {
            let offset = levels.prefix(level).reduce(0) { $0 + $1.height * $1.width }
            return (0..<(levels[level].height * levels[level].width)).filter { t.label[offset + $0] == 1 }
        }
        // Stride 8: the small face's box spans 20-44, so position centres 8 gx + 4 inside it are gx 3 and 4 (28, 36),
        // both within 1.5 strides (12 px) of its centre 32; the same for gy.
        #expect(positives(level: 0) == [3, 4].flatMap { gy in [3, 4].map { gy * 16 + $0 } })
        #expect(!positives(level: 1).isEmpty && !positives(level: 2).isEmpty)
        // The large face is not learnt at stride 8, and its box there is left alone, not background.
        let offcentre = 5 * 16 + 12   // centre (100, 44): inside the large box, not the small one
        #expect(t.label[offcentre] == 0 && t.scoreWeight[offcentre] == 1, "stride 8 does not learn the large face: background")
        #expect(t.boxWeight.reduce(0, +) == t.label.reduce(0, +) && t.landmarkWeight.reduce(0, +) == 0)
    }

    @Test func ignoredRegionsAreNeitherFaceNorBackground() {
        let t = DetectionTargets(samples: [sample([], ignored: [FaceBox(x: 0, y: 0, width: 30, height: 30, score: 1)])], side: side)
        #expect(t.label.allSatisfy { $0 == 0 })
        #expect(t.scoreWeight[0] == 0 && t.scoreWeight[17] == 0 && t.scoreWeight[4] == 1)
    }

    @Test func lossGradientMatchesFiniteDifferences() {
        let face = FaceBox(x: 30, y: 28, width: 40, height: 44, score: 1, landmarks: FaceLandmarks([42, 44, 58, 44, 50, 52, 44, 62, 56, 62]))
        let tiny = FaceBox(x: 90, y: 90, width: 12, height: 12, score: 1)
        let t = DetectionTargets(samples: [sample([face]), sample([tiny], ignored: [FaceBox(x: 0, y: 100, width: 20, height: 20, score: 1)])],
                                 side: side)
        let output = Tensor(shape: [2, 15, t.positions])
        var rng = RandomGenerator(seed: 3)
        for i in 0..<output.count { output[i] = rng.normal() }
        let loss = DetectionLoss(landmarkWeight: 0.5)
        loss.forward(output, t)
        let analytic = loss.gradient.clone()
        #expect(loss.parts.score > 0 && loss.parts.box > 0 && loss.parts.landmarks > 0)
        // Every position of the first sample's face, and random others.
        let chosen = (0..<output.count).filter { analytic[$0] != 0 }.shuffled(using: &rng).prefix(60)
        for i in chosen {
            let saved = output[i]
            output[i] = saved + 1e-2; let plus = DetectionLoss(landmarkWeight: 0.5).forward(output, t)
            output[i] = saved - 1e-2; let minus = DetectionLoss(landmarkWeight: 0.5).forward(output, t)
            output[i] = saved
            let numeric = (plus - minus) / 2e-2
            #expect(abs(numeric - analytic[i]) <= 2e-2 * max(1, abs(numeric)), "output[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)")
        }
        // Positions left alone get no gradient at all.
        let alone = (0..<t.positions).filter { t.scoreWeight[t.positions + $0] == 0 }
        #expect(!alone.isEmpty && alone.allSatisfy { analytic[1 * 15 * t.positions + $0] == 0 })
    }

    @Test func composedSamplesKeepTheirFacesAndLandmarksInPlace() throws {
        // A scene: grey with one labelled face; portraits: a white square "face" with landmarks on a dark portrait.
        var scene = RGBImage(width: 400, height: 300, fill: (90, 90, 90))
        for y in 100..<160 { for x in 200..<250 { for c in 0..<3 { scene.pixels[(y * 400 + x) * 3 + c] = 250 } } }
        var portrait = RGBImage(width: 128, height: 160, fill: (10, 10, 10))
        for y in 40..<120 { for x in 30..<100 { for c in 0..<3 { portrait.pixels[(y * 128 + x) * 3 + c] = 240 } } }
        let landmarks = FaceLandmarks([50, 70, 80, 70, 65, 85, 53, 100, 77, 100])
        var policy = CompositionPolicy()
        policy.side = 128; policy.colourJitter = 0
        let composer = SceneComposer(policy: policy, scenes: [.init(image: scene, faces: [
            SceneDataset.Face(box: FaceBox(x: 200, y: 100, width: 50, height: 60, score: 1), invalid: false, attributes: [:])])],
            portraits: [.init(image: portrait, face: LandmarkTemplate.faceBox(landmarks))])
        var rng = RandomGenerator(seed: 11)
        var pastedLandmarks = 0
        for _ in 0..<40 {
            let s = composer.sample(using: &rng)
            #expect(s.image.width == 128 && s.image.height == 128)
            for face in s.faces {
                // Every face is where bright pixels are: its centre pixel is bright in every sample, mirrored or not.
                let cx = Int(face.x + face.width / 2), cy = Int(face.y + face.height / 2)
                guard (0..<128).contains(cx), (0..<128).contains(cy) else { continue }
                #expect(s.image.pixels[(cy * 128 + cx) * 3] > 150, "face centre (\(cx), \(cy)) is not on a face")
                if let l = face.landmarks {
                    pastedLandmarks += 1
                    #expect(l.leftEye.x < l.rightEye.x && l.mouthLeft.x < l.mouthRight.x, "left stays left after mirroring")
                }
            }
            // Faces never overlap each other: pasting avoids them.
            for (i, a) in s.faces.enumerated() { for b in s.faces[(i + 1)...] { #expect(a.iou(b) == 0) } }
        }
        #expect(pastedLandmarks > 0)
    }
}

extension DetectorTrainingTests {
    /// Low light darkens a flat scene and sensor noise roughens it; with both off the scene stays as it was.
    @Test func lowLightAndNoiseDegradeSamples() {
        func mean(_ composer: SceneComposer, _ samples: Int) -> (level: Double, roughness: Double) {
            var rng = RandomGenerator(seed: 3), level = 0.0, roughness = 0.0
            for _ in 0..<samples {
                let p = composer.sample(using: &rng).image.pixels
                level += Double(p.reduce(0) { $0 + Int($1) }) / Double(p.count)
                roughness += Double(stride(from: 3, to: p.count, by: 3).reduce(0) { $0 + abs(Int(p[$1]) - Int(p[$1 - 3])) }) / Double(p.count / 3)
            }
            return (level / Double(samples), roughness / Double(samples))
        }
        func composer(lowLight: Double, noise: Double) -> SceneComposer {
            var policy = CompositionPolicy()
            policy.side = 64; policy.colourJitter = 0; policy.pasteProbability = 0; policy.closeUpProbability = 0
            policy.lowLightProbability = lowLight; policy.noiseProbability = noise
            return SceneComposer(policy: policy, scenes: [.init(image: RGBImage(width: 100, height: 100, fill: (160, 160, 160)), faces: [])],
                                 portraits: [])
        }
        let clean = mean(composer(lowLight: 0, noise: 0), 10), noisy = mean(composer(lowLight: 0, noise: 1), 10)
        let dark = mean(composer(lowLight: 1, noise: 0), 10)
        #expect(clean.level == 160 && clean.roughness == 0)
        #expect(abs(noisy.level - 160) < 2 && noisy.roughness > 3)
        #expect(dark.level < 120 && dark.roughness > 3)
    }

    @Test func scenesWithSkinTypesIVtoVIAreDrawnByTheirWeight() {
        func face(_ skin: String) -> SceneDataset.Face {
            SceneDataset.Face(box: FaceBox(x: 10, y: 10, width: 30, height: 30, score: 1), invalid: false, attributes: ["perceived_skin": skin])
        }
        let plain = RGBImage(width: 100, height: 100)
        let scenes: [SceneComposer.Scene] = [.init(image: plain, faces: [face("II")]), .init(image: plain, faces: [face("V"), face("I")]),
                                             .init(image: plain, faces: [])]
        func share(weight: Double) -> Double {
            var policy = CompositionPolicy()
            policy.skinIVtoVISceneWeight = weight
            let composer = SceneComposer(policy: policy, scenes: scenes, portraits: [])
            var rng = RandomGenerator(seed: 5), drawn = 0
            for _ in 0..<6000 where composer.drawScene(using: &rng) == 1 { drawn += 1 }
            return Double(drawn) / 6000
        }
        #expect(abs(share(weight: 1) - 1.0 / 3) < 0.03)
        #expect(abs(share(weight: 4) - 4.0 / 6) < 0.03)
    }

    /// Outputs equal to the targets decode to the faces: training and inference read positions the same way.
    @Test func perfectOutputsDecodeToTheFaces() {
        let faces = [FaceBox(x: 20, y: 20, width: 24, height: 24, score: 1, landmarks: FaceLandmarks([26, 28, 38, 28, 32, 33, 27, 38, 37, 38])),
                     FaceBox(x: 50, y: 40, width: 70, height: 80, score: 1)]
        let t = DetectionTargets(samples: [sample(faces)], side: side)
        let output = Tensor(shape: [1, 15, t.positions])
        for p in 0..<t.positions {
            output[p] = t.label[p] == 1 ? 5 : -5
            for k in 0..<14 { output[(1 + k) * t.positions + p] = t.regression[k * t.positions + p] }
        }
        let decoded = DetectorCoding.suppress(LearnedFaceDetector.decode(output, index: 0, height: side, width: side, threshold: 0.5), iou: 0.4)
        #expect(decoded.count == 2)
        for face in faces {
            let match = decoded.max { $0.iou(face) < $1.iou(face) }!
            #expect(match.iou(face) > 0.99, "\(face) decoded as \(match)")
            if let l = face.landmarks { for (a, b) in zip(match.landmarks!.coordinates, l.coordinates) { #expect(abs(a - b) < 1e-3) } }
        }
    }
}

/// A detector that finds one face with landmarks in photos wider than `minimumWidth`, none in the others.
struct LabellerStub: FaceDetector {
    var settings: String { "stub" }
    func detect(in image: RGBImage) -> [FaceBox] {
        image.width < 150 ? [] : [FaceBox(x: 50, y: 60, width: 100, height: 110, score: 0.9,
                                          landmarks: FaceLandmarks([80, 100, 120, 100, 100, 120, 85, 140, 115, 140]))]
    }
}

extension DetectorTrainingTests {
    /// Photos of other datasets become portraits to paste, boxed (with landmarks) by a detector; those where it finds
    /// no face are left out.
    @Test func labelledPortraitsCarryTheLabellersBoxes() throws {
        let photos = try utkfacePhotos("Test", "Male", count: 2).map(\.path)
        let small = NSTemporaryDirectory() + "fg-small-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: small) }
        try JPEGEncoder.encode(RGBImage(width: 100, height: 100)).write(to: URL(fileURLWithPath: small))
        let portraits = SceneComposer.labelledPortraits(photos + [small, "/nonexistent.jpg"], labeller: LabellerStub(), workers: 2)
        #expect(portraits.count == 2)
        #expect(portraits.allSatisfy { $0.face.x == 50 && $0.face.landmarks?.nose == .init(x: 100, y: 120) && $0.image.width == 200 })
    }
}
