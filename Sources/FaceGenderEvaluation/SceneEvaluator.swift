import FaceGenderDetection
import FaceGenderEngine
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
        let pre = model.info.preprocessor
        let perPhoto = ParallelMap.strided(count: scenes.photos.count, workers: workers) { w, i in
            let photo = scenes.photos[i]
            return Result { () throws -> (samples: [EvaluatedSample], missed: Int) in
                let image = try decoder.decodeFile(atPath: photo.path)
                let matched = metrics.match(analyzers[w].detector.detect(in: image), to: photo.faces)
                let labelled = matched.faces.compactMap { match in
                    match.face.attributes["perceived_gender"].flatMap { classes.firstIndex(of: $0) }.map { (match: match, label: $0) }
                }
                let found = labelled.compactMap { l in l.match.detection.map { (face: l.match.face, box: $0, label: l.label) } }
                let probabilities = analyzers[w].classifier.probabilities(crops: found.map { pre.crop(image, face: $0.box) })
                let samples = zip(found, probabilities).map { face, p in
                    EvaluatedSample(path: photo.path, label: face.label, probabilities: p, uncalibrated: Evaluator.recalibrate(p, from: temperature),
                                    faceDetected: true, groups: groups(face.face, dataset: name))
                }
                return (samples, labelled.count - found.count)
            }
        }
        var outcome = Outcome(samples: [], missed: 0, unreadable: [])
        for (photo, result) in zip(scenes.photos, perPhoto) {
            switch result {
            case let .success(found): outcome.samples += found.samples; outcome.missed += found.missed
            case let .failure(error): outcome.unreadable.append("\(photo.path): \(error)")
            }
        }
        return outcome
    }

    /// A face's groups: its dataset, skin type in two bands (the detector issue's split) and its annotations.
    static func groups(_ face: SceneDataset.Face, dataset: String?) -> [String: String] {
        var groups: [String: String] = [:]
        groups["dataset"] = dataset
        for key in ["perceived_skin", "perceived_age", "pose", "occlusion", "blur"] { groups[key] = face.attributes[key] }
        groups["skin"] = face.skinBand
        return groups
    }
}
