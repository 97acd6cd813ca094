import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import Foundation

/// One training image for the detector: `side` x `side` pixels, the faces to find (with landmarks where known),
/// and regions whose positions are neither faces nor background (faces too small, cut off or marked invalid).
public struct DetectionSample {
    public var image: RGBImage
    public var faces: [FaceBox]
    public var ignored: [FaceBox]

    public init(image: RGBImage, faces: [FaceBox], ignored: [FaceBox]) { self.image = image; self.faces = faces; self.ignored = ignored }
}

/// How training images are made from 450 scene photos and thousands of portraits: random square crops of the
/// scenes at random scales, portraits (with their landmarks) pasted in at small to medium sizes, or one portrait
/// filling much of the frame as an aligned crop does; then mirroring and colour changes.
public struct CompositionPolicy: Codable, Equatable, Sendable {
    public var side = 320
    /// Crop side as a share of the scene photo's shorter side, log-uniform in this range.
    public var cropShare: ClosedRange<Double> = 0.25...1.0
    /// Share of samples that get pasted portraits, and how many (1 to this).
    public var pasteProbability = 0.6
    public var maximumPasted = 4
    /// Face side of pasted portraits in pixels, log-uniform.
    public var pastedSide: ClosedRange<Double> = 14...180
    /// Share of samples that are one portrait filling the frame (face side 45-100% of the frame).
    public var closeUpProbability = 0.15
    /// Brightness, contrast and saturation factors uniform in 1 ± this.
    public var colourJitter = 0.3
    /// Share of samples taken as in low light: darkened (gain 0.2-0.7), then with sensor noise.
    public var lowLightProbability = 0.0
    /// Share of the other samples with sensor noise alone.
    public var noiseProbability = 0.0
    /// Sensor noise: Gaussian, its standard deviation uniform in this range (0-255 scale).
    public var noiseSigma: ClosedRange<Double> = 3...16
    /// Faces whose longer side is under this many pixels are ignored rather than learnt.
    public var minimumSide = 7.0
    /// Scene photos holding a face of perceived skin type IV-VI are drawn this many times as often as the others
    /// (WIDER's training scenes hold five faces of types I-III for one of IV-VI).
    public var skinIVtoVISceneWeight = 1.0

    public init() {}
}

public final class SceneComposer: @unchecked Sendable {
    public struct Scene {
        public var image: RGBImage, faces: [SceneDataset.Face]
        public init(image: RGBImage, faces: [SceneDataset.Face]) { self.image = image; self.faces = faces }
    }
    public struct Portrait {
        public var image: RGBImage, face: FaceBox
        public init(image: RGBImage, face: FaceBox) { self.image = image; self.face = face }
    }

    public let policy: CompositionPolicy
    public let scenes: [Scene]
    public let portraits: [Portrait]

    /// Running sums of the scenes' drawing weights (`CompositionPolicy.skinIVtoVISceneWeight`).
    private let cumulativeSceneWeights: [Double]

    public init(policy: CompositionPolicy, scenes: [Scene], portraits: [Portrait]) {
        precondition(!scenes.isEmpty, "the detector trains on scene photos")
        self.policy = policy; self.scenes = scenes; self.portraits = portraits
        var total = 0.0
        cumulativeSceneWeights = scenes.map { scene in
            total += scene.faces.contains { $0.skinBand == "IV-VI" } ? policy.skinIVtoVISceneWeight : 1
            return total
        }
    }

    /// The index of a scene, drawn by the scenes' weights (uniformly, as before weights existed, when all are 1).
    public func drawScene(using rng: inout RandomGenerator) -> Int {
        guard policy.skinIVtoVISceneWeight != 1 else { return Int.random(in: 0..<scenes.count, using: &rng) }
        let target = Double(rng.uniform()) * cumulativeSceneWeights[scenes.count - 1]
        return cumulativeSceneWeights.firstIndex { $0 > target } ?? scenes.count - 1
    }

    /// Decodes every photo once (on `workers` threads): scene photos with their faces, portraits with the box their
    /// landmarks imply (`LandmarkTemplate`). Unreadable photos are counted, not fatal.
    public static func load(scenes: SceneDataset, portraits: PortraitLandmarks, policy: CompositionPolicy, workers: Int,
                            decoder: ImageDecoder = ImageDecoder()) -> (composer: SceneComposer, unreadable: [String]) {
        let decodedScenes = decodeAll(scenes.photos.map(\.path), workers: workers, decoder: decoder)
        let decodedPortraits = decodeAll(portraits.portraits.map(\.path), workers: workers, decoder: decoder)
        var unreadable: [String] = []
        var sceneList: [Scene] = [], portraitList: [Portrait] = []
        for (photo, image) in zip(scenes.photos, decodedScenes) {
            if let image { sceneList.append(Scene(image: image, faces: photo.faces)) } else { unreadable.append(photo.path) }
        }
        for (portrait, image) in zip(portraits.portraits, decodedPortraits) {
            if let image { portraitList.append(Portrait(image: image, face: LandmarkTemplate.faceBox(portrait.landmarks))) } else {
                unreadable.append(portrait.path)
            }
        }
        return (SceneComposer(policy: policy, scenes: sceneList, portraits: portraitList), unreadable)
    }

    /// Portraits boxed by a detector (`labeller`): each photo's largest face, with the landmarks the detector finds
    /// (photos where it finds none are left out). Aligned crops of other datasets thus join the pasted portraits.
    public static func labelledPortraits(_ paths: [String], labeller: FaceDetector, workers: Int,
                                         decoder: ImageDecoder = ImageDecoder()) -> [Portrait] {
        ParallelMap.strided(count: paths.count, workers: workers) { _, i -> Portrait? in
            guard let image = try? decoder.decodeFile(atPath: paths[i]),
                  let face = labeller.detect(in: image).first, face.landmarks != nil else { return nil }
            return Portrait(image: image, face: face)
        }.compactMap { $0 }
    }

    /// The same composer with more portraits to paste.
    public func adding(_ more: [Portrait]) -> SceneComposer {
        SceneComposer(policy: policy, scenes: scenes, portraits: portraits + more)
    }

    private static func decodeAll(_ paths: [String], workers: Int, decoder: ImageDecoder) -> [RGBImage?] {
        ParallelMap.strided(count: paths.count, workers: workers) { _, i in try? decoder.decodeFile(atPath: paths[i]) }
    }

    /// A training sample drawn from `rng` alone.
    public func sample(using rng: inout RandomGenerator) -> DetectionSample {
        var sample = rng.uniform() < Float(policy.closeUpProbability) && !portraits.isEmpty ? closeUp(using: &rng) : sceneCrop(using: &rng)
        if rng.uniform() < Float(policy.pasteProbability) && !portraits.isEmpty {
            for _ in 0..<Int.random(in: 1...policy.maximumPasted, using: &rng) { paste(into: &sample, using: &rng) }
        }
        if Bool.random(using: &rng) { sample = mirrored(sample) }
        jitterColour(&sample.image, using: &rng)
        degrade(&sample.image, using: &rng)
        return sample
    }

    /// Low light and sensor noise, which photos from phones at night have and WIDER's scenes mostly do not.
    private func degrade(_ image: inout RGBImage, using rng: inout RandomGenerator) {
        guard policy.lowLightProbability > 0 || policy.noiseProbability > 0 else { return }
        let dark = rng.uniform() < Float(policy.lowLightProbability)
        guard dark || rng.uniform() < Float(policy.noiseProbability) else { return }
        let gain = dark ? rng.uniform(0.2, 0.7) : 1
        let sigma = rng.uniform(Float(policy.noiseSigma.lowerBound), Float(policy.noiseSigma.upperBound))
        for i in image.pixels.indices {
            image.pixels[i] = UInt8(max(0, min(255, (Float(image.pixels[i]) * gain + sigma * rng.normal()).rounded())))
        }
    }

    private func logUniform(_ range: ClosedRange<Double>, _ rng: inout RandomGenerator) -> Double {
        exp(Double(rng.uniform(Float(log(range.lowerBound)), Float(log(range.upperBound)))))
    }

    /// A random square of a scene photo, scaled to `side`; its faces follow, the unusable ones become ignored regions.
    func sceneCrop(using rng: inout RandomGenerator) -> DetectionSample {
        let scene = scenes[drawScene(using: &rng)]
        let shorter = Double(min(scene.image.width, scene.image.height))
        let cropSide = shorter * logUniform(policy.cropShare, &rng)
        let x0 = Double(rng.uniform(0, Float(Double(scene.image.width) - cropSide)))
        let y0 = Double(rng.uniform(0, Float(Double(scene.image.height) - cropSide)))
        let side = policy.side, k = Double(side) / cropSide
        let image = Resampler.resample(scene.image, region: Region(x: x0, y: y0, width: cropSide, height: cropSide), width: side, height: side)
        var faces: [FaceBox] = [], ignored: [FaceBox] = []
        for face in scene.faces {
            let b = face.box
            let box = FaceBox(x: (b.x - x0) * k, y: (b.y - y0) * k, width: b.width * k, height: b.height * k, score: 1)
            let visible = box.clipped(width: side, height: side)
            guard visible.area > 0 else { continue }
            if face.invalid || max(box.width, box.height) < policy.minimumSide || visible.area < 0.6 * box.area {
                ignored.append(box)
            } else {
                faces.append(box)
            }
        }
        return DetectionSample(image: image, faces: faces, ignored: ignored)
    }

    /// One portrait whose face fills 45-100% of the frame, around a random scene crop's background.
    func closeUp(using rng: inout RandomGenerator) -> DetectionSample {
        var sample = sceneCrop(using: &rng)
        let portrait = portraits[Int.random(in: 0..<portraits.count, using: &rng)]
        let faceSide = Double(policy.side) * Double(rng.uniform(0.45, 1.0))
        let cx = Double(policy.side) * Double(rng.uniform(0.35, 0.65)), cy = Double(policy.side) * Double(rng.uniform(0.35, 0.65))
        // The whole portrait, scaled so its face has that side, replaces the background where it lands.
        let k = faceSide / max(portrait.face.width, portrait.face.height)
        let originX = cx - (portrait.face.x + portrait.face.width / 2) * k, originY = cy - (portrait.face.y + portrait.face.height / 2) * k
        let region = Region(x: 0, y: 0, width: Double(portrait.image.width), height: Double(portrait.image.height))
        blend(portrait.image, region: region, at: (originX, originY), scale: k, into: &sample.image, feather: 3)
        // The scene's faces left visible beside the portrait are neither learnt nor counted as background.
        sample.ignored += sample.faces
        sample.faces = [transformed(portrait.face, scale: k, origin: (originX, originY), region: region)]
        return sample
    }

    /// Pastes a portrait's face (with some of its surroundings) at a random size and place where it covers no face.
    func paste(into sample: inout DetectionSample, using rng: inout RandomGenerator) {
        let portrait = portraits[Int.random(in: 0..<portraits.count, using: &rng)]
        let faceSide = logUniform(policy.pastedSide, &rng)
        let k = faceSide / max(portrait.face.width, portrait.face.height)
        // The face box enlarged 1.5x: hair, ears, chin and neck come along.
        let f = portrait.face
        let region = Region(x: f.x - 0.25 * f.width, y: f.y - 0.25 * f.height, width: 1.5 * f.width, height: 1.5 * f.height)
        let pastedWidth = region.width * k, pastedHeight = region.height * k
        let side = Double(policy.side)
        guard pastedWidth < side, pastedHeight < side else { return }
        let px = Double(rng.uniform(0, Float(side - pastedWidth))), py = Double(rng.uniform(0, Float(side - pastedHeight)))
        let patch = FaceBox(x: px, y: py, width: pastedWidth, height: pastedHeight, score: 1)
        guard !(sample.faces + sample.ignored).contains(where: { $0.iou(patch) > 0 }) else { return }
        let origin = (px - region.x * k, py - region.y * k)
        blend(portrait.image, region: region, at: origin, scale: k, into: &sample.image, feather: max(1, Int(pastedWidth / 12)))
        let face = transformed(portrait.face, scale: k, origin: origin, region: region)
        if max(face.width, face.height) < policy.minimumSide { sample.ignored.append(face) } else { sample.faces.append(face) }
    }

    private func transformed(_ face: FaceBox, scale k: Double, origin: (Double, Double), region: Region) -> FaceBox {
        FaceBox(x: face.x * k + origin.0, y: face.y * k + origin.1, width: face.width * k, height: face.height * k, score: 1,
                landmarks: face.landmarks?.map { FaceLandmarks.Point(x: $0.x * k + origin.0, y: $0.y * k + origin.1) })
    }

    /// Draws `region` of `source`, scaled by `k` with its top-left (of the source) at `origin`, over `canvas`; the
    /// outer `feather` pixels fade into what was there.
    private func blend(_ source: RGBImage, region: Region, at origin: (Double, Double), scale k: Double, into canvas: inout RGBImage, feather: Int) {
        let x0 = Int((region.x * k + origin.0).rounded()), y0 = Int((region.y * k + origin.1).rounded())
        let w = max(1, Int((region.width * k).rounded())), h = max(1, Int((region.height * k).rounded()))
        let patch = Resampler.resample(source, region: region, width: w, height: h)
        for y in 0..<h {
            let cy = y0 + y
            guard cy >= 0, cy < canvas.height else { continue }
            for x in 0..<w {
                let cx = x0 + x
                guard cx >= 0, cx < canvas.width else { continue }
                let edge = min(x, y, w - 1 - x, h - 1 - y)
                let alpha = feather > 0 ? min(1, Double(edge + 1) / Double(feather + 1)) : 1
                let s = (y * w + x) * 3, d = (cy * canvas.width + cx) * 3
                for c in 0..<3 {
                    canvas.pixels[d + c] = UInt8((alpha * Double(patch.pixels[s + c]) + (1 - alpha) * Double(canvas.pixels[d + c])).rounded())
                }
            }
        }
    }

    func mirrored(_ sample: DetectionSample) -> DetectionSample {
        let side = sample.image.width
        var image = sample.image
        for y in 0..<sample.image.height {
            for x in 0..<side {
                let s = (y * side + side - 1 - x) * 3, d = (y * side + x) * 3
                for c in 0..<3 { image.pixels[d + c] = sample.image.pixels[s + c] }
            }
        }
        func flip(_ b: FaceBox) -> FaceBox {
            FaceBox(x: Double(side) - b.x - b.width, y: b.y, width: b.width, height: b.height, score: b.score,
                    landmarks: b.landmarks?.mirrored(width: Double(side)))
        }
        return DetectionSample(image: image, faces: sample.faces.map(flip), ignored: sample.ignored.map(flip))
    }

    private func jitterColour(_ image: inout RGBImage, using rng: inout RandomGenerator) {
        let j = Float(policy.colourJitter)
        let brightness = 1 + rng.uniform(-j, j), contrast = 1 + rng.uniform(-j, j), saturation = 1 + rng.uniform(-j, j)
        let grey = rng.uniform() < 0.05
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            var r = Float(image.pixels[i]) * brightness, g = Float(image.pixels[i + 1]) * brightness, b = Float(image.pixels[i + 2]) * brightness
            let luma = 0.299 * r + 0.587 * g + 0.114 * b, sat = grey ? 0 : saturation
            r = 128 + (luma + (r - luma) * sat - 128) * contrast
            g = 128 + (luma + (g - luma) * sat - 128) * contrast
            b = 128 + (luma + (b - luma) * sat - 128) * contrast
            image.pixels[i] = UInt8(max(0, min(255, r))); image.pixels[i + 1] = UInt8(max(0, min(255, g))); image.pixels[i + 2] = UInt8(max(0, min(255, b)))
        }
    }
}
