import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging

/// One face's answer.
public struct FacePrediction: Codable, Equatable, Sendable {
    public var box: FaceBox
    /// The most probable class.
    public var label: String
    /// Its calibrated probability.
    public var probability: Double
    /// Calibrated probability of every class.
    public var probabilities: [String: Double]
    /// True when the model should not guess (top probability below the model's abstention threshold).
    public var uncertain: Bool
    /// False when no face was detected and the whole photo was classified instead.
    public var detected: Bool
}

/// Which faces of a photo to classify.
public enum FaceSelection: Sendable {
    /// Every detected face (serving, predict).
    case all
    /// Only the largest (evaluation on one-face datasets).
    case largest
}

/// The prediction path shared by `predict`, `evaluate` and the server: detect, crop, classify.
public final class FaceAnalyzer {
    public let classifier: GenderClassifier
    public let detector: FaceDetector

    public init(classifier: GenderClassifier, detector: FaceDetector) {
        self.classifier = classifier
        self.detector = detector
    }

    /// Face boxes to classify: detected ones, or the whole image (with `detected` false) when none is found
    /// and `fallBackToWholeImage` is set.
    public func faces(in image: RGBImage, selection: FaceSelection, fallBackToWholeImage: Bool) -> [(FaceBox, Bool)] {
        let found = detector.detect(in: image)
        if found.isEmpty {
            return fallBackToWholeImage ? [(classifier.info.preprocessor.wholeImageBox(image), false)] : []
        }
        return (selection == .largest ? Array(found.prefix(1)) : found).map { ($0, true) }
    }

    public func analyze(_ image: RGBImage, selection: FaceSelection = .all, fallBackToWholeImage: Bool = false) -> [FacePrediction] {
        let boxes = faces(in: image, selection: selection, fallBackToWholeImage: fallBackToWholeImage)
        guard !boxes.isEmpty else { return [] }
        let pre = classifier.info.preprocessor
        let probabilities = classifier.probabilities(crops: boxes.map { pre.crop(image, face: $0.0) })
        return zip(boxes, probabilities).map { entry, p in
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            let classes = classifier.info.classes
            return FacePrediction(
                box: entry.0, label: classes[best], probability: p[best],
                probabilities: Dictionary(uniqueKeysWithValues: zip(classes, p)),
                uncertain: p[best] < classifier.info.abstainBelow, detected: entry.1)
        }
    }
}
