import FaceGenderImaging
import FaceGenderModel
import Foundation

/// What one photo gave.
public struct ImageAnalysis: Sendable {
    public var width: Int, height: Int
    public var faces: [FacePrediction]
    public var decodeMilliseconds: Double
    public var inferenceMilliseconds: Double
}

/// The server's view of the model: bytes in, faces out. `InferencePool` is the real one; tests may pass
/// a pool built on a tiny model.
public protocol FacePredictor: Sendable {
    var modelInfo: ModelInfo { get }
    /// True while the predictor refuses work for overload (/readyz then answers 503).
    var isShedding: Bool { get }
    func analyze(_ bytes: Data) async throws -> ImageAnalysis
}

extension FacePredictor {
    public var isShedding: Bool { false }
}

public enum PredictorError: Error, CustomStringConvertible, Equatable {
    case busy(retryAfterSeconds: Int)
    case noFace

    public var description: String {
        switch self {
        case let .busy(seconds): return "the server is busy; retry in about \(seconds) s"
        case .noFace: return "no face was found in the photo; use a photo where a face is visible, frontal and at least 24 pixels wide"
        }
    }
}
