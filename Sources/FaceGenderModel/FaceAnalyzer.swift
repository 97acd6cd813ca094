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
    /// Whether the box was detected, or is the whole photo classified because no face was found.
    public var source: FaceSource
}

extension FacePrediction {
    /// The answer with its box and landmarks multiplied by `factor` (image pixels to photo pixels, `DecodedPhoto.scale`).
    public func scaled(by factor: Double) -> FacePrediction {
        var p = self
        p.box = box.scaled(by: factor)
        return p
    }
}

/// Where a classified region came from.
public enum FaceSource: String, Codable, Sendable {
    case detected
    /// No face was found and the policy asked for the whole photo (`FaceSelection`, `NoFacePolicy`).
    case wholePhoto
}

/// What to answer for a photo in which the detector finds no face.
public enum NoFacePolicy: Sendable {
    /// No faces (serving, predict: the user learns that none was found).
    case answerNone
    /// The photo's centred square, as if it were a face (evaluation on one-face datasets counts every photo).
    case classifyWholePhoto
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
    /// Photos are decoded no smaller than this longer side (`ImageDecoder.decodeReduced`): twice the detector's
    /// 640, so a face it finds at 40 px still spans 80 photo pixels, the classifier's crop size.
    public static let decodedLongSide = 1280

    public let classifier: GenderClassifier
    public let detector: FaceDetector

    public init(classifier: GenderClassifier, detector: FaceDetector) {
        self.classifier = classifier
        self.detector = detector
    }

    /// The boxes to classify and where each came from.
    public func faces(in image: RGBImage, selection: FaceSelection, whenNoFace: NoFacePolicy) -> [(box: FaceBox, source: FaceSource)] {
        let found = detector.detect(in: image)
        guard !found.isEmpty else {
            switch whenNoFace {
            case .answerNone: return []
            case .classifyWholePhoto: return [(classifier.info.preprocessor.wholeImageBox(image), .wholePhoto)]
            }
        }
        return (selection == .largest ? Array(found.prefix(1)) : found).map { ($0, .detected) }
    }

    public func analyze(_ image: RGBImage, selection: FaceSelection = .all, whenNoFace: NoFacePolicy = .answerNone) -> [FacePrediction] {
        let faces = faces(in: image, selection: selection, whenNoFace: whenNoFace)
        guard !faces.isEmpty else { return [] }
        let pre = classifier.info.preprocessor
        return predictions(faces, probabilities: classifier.probabilities(crops: faces.map { pre.crop(image, face: $0.box) }))
    }

    /// The answers for `faces` given their calibrated class probabilities (one row each, in the same order), as
    /// `analyze` gives them; a server that classifies crops of several photos together uses it to answer each photo.
    public func predictions(_ faces: [(box: FaceBox, source: FaceSource)], probabilities: [[Double]]) -> [FacePrediction] {
        zip(faces, probabilities).map { face, p in
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            let classes = classifier.info.classes
            return FacePrediction(
                box: face.box, label: classes[best], probability: p[best],
                probabilities: Dictionary(uniqueKeysWithValues: zip(classes, p)),
                uncertain: p[best] < classifier.info.abstainBelow, source: face.source)
        }
    }
}
