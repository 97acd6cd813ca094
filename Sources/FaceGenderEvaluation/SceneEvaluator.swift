import Dispatch
import FaceGenderDetection
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// The classifier on faces in scenes (WIDER FACE's photos with perceived gender): every counted face (`DetectionMetrics`)
/// with a perceived gender the model knows, found by the detector, is cropped from its detection and classified as
/// `predict` would; faces the detector misses are counted apart. A check on photos unlike any training set.
public enum SceneEvaluator {
    public struct Outcome: Sendable {
        /// One per found, labelled face; groups: dataset, skin (I-III / IV-VI), perceived_skin, perceived_age, pose,
        /// occlusion, blur.
        public var samples: [EvaluatedSample]
        /// Labelled faces the detector did not find.
        public var missed: Int
        public var unreadable: [String]
    }

    public static func run(scenes: SceneDataset, name: String, model: ModelBundle, detector: FaceDetector, decoder: ImageDecoder,
                           metrics: DetectionMetrics = DetectionMetrics(), workers: Int) throws -> Outcome {
        let workers = max(1, workers)
        let analyzers = try model.analyzers(count: workers, detector: detector)
        let classes = model.info.classes, temperature = model.info.temperature
        var results = [[EvaluatedSample]](repeating: [], count: scenes.photos.count)
        var missed = [Int](repeating: 0, count: scenes.photos.count)
        var failed = [String?](repeating: nil, count: scenes.photos.count)
        results.withUnsafeMutableBufferPointer { res in
            missed.withUnsafeMutableBufferPointer { miss in
                failed.withUnsafeMutableBufferPointer { fail in
                    let (res, miss, fail) = (res, miss, fail)
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        for i in stride(from: w, to: scenes.photos.count, by: workers) {
                            let photo = scenes.photos[i]
                            do {
                                let image = try decoder.decodeFile(atPath: photo.path)
                                let matched = metrics.match(analyzers[w].detector.detect(in: image), to: photo.faces)
                                let labelled = matched.faces.filter { classes.contains($0.face.attributes["perceived_gender"] ?? "") }
                                let found = labelled.compactMap { face in face.detection.map { (face.face, $0) } }
                                miss[i] = labelled.count - found.count
                                let pre = model.info.preprocessor
                                let probabilities = analyzers[w].classifier.probabilities(crops: found.map { pre.crop(image, face: $0.1) })
                                res[i] = zip(found, probabilities).map { face, p in
                                    EvaluatedSample(path: photo.path, label: classes.firstIndex(of: face.0.attributes["perceived_gender"]!)!,
                                                    probabilities: p, uncalibrated: Evaluator.recalibrate(p, from: temperature),
                                                    faceDetected: true, groups: groups(face.0, dataset: name))
                                }
                            } catch {
                                fail[i] = "\(photo.path): \(error)"
                            }
                        }
                    }
                }
            }
        }
        return Outcome(samples: results.flatMap { $0 }, missed: missed.reduce(0, +), unreadable: failed.compactMap { $0 })
    }

    /// A face's groups: its dataset, skin type in two bands (the detector issue's split) and its annotations.
    static func groups(_ face: SceneDataset.Face, dataset: String) -> [String: String] {
        var groups = ["dataset": dataset]
        for key in ["perceived_skin", "perceived_age", "pose", "occlusion", "blur"] { groups[key] = face.attributes[key] }
        if let skin = face.attributes["perceived_skin"] {
            groups["skin"] = ["I", "II", "III"].contains(skin) ? "I-III" : ["IV", "V", "VI"].contains(skin) ? "IV-VI" : nil
        }
        return groups
    }
}
