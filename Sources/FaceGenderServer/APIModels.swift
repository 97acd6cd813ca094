import FaceGenderDetection
import FaceGenderModel

/// The JSON answer of POST /api/v1/predict (documented in openapi.yaml).
struct PredictResponse: Codable, Sendable {
    struct ImageSize: Codable, Sendable { var width: Int, height: Int }
    struct Box: Codable, Sendable { var x: Int, y: Int, width: Int, height: Int }
    struct Face: Codable, Sendable {
        var box: Box
        var label: String
        var probability: Double
        var probabilities: [String: Double]
        var uncertain: Bool
        var detectionScore: Double
        /// The five landmarks, when the detector finds them.
        var landmarks: FaceLandmarks?
        enum CodingKeys: String, CodingKey {
            case box, label, probability, probabilities, uncertain, landmarks, detectionScore = "detection_score"
        }
    }
    struct Model: Codable, Sendable { var name: String, version: String }
    struct Timing: Codable, Sendable {
        var decodeMs: Double, inferenceMs: Double, totalMs: Double
        enum CodingKeys: String, CodingKey { case decodeMs = "decode_ms", inferenceMs = "inference_ms", totalMs = "total_ms" }
    }

    var image: ImageSize
    var faces: [Face]
    var model: Model
    var timing: Timing

    init(_ a: ImageAnalysis, info: ModelInfo, totalMilliseconds: Double) {
        func round4(_ v: Double) -> Double { (v * 10000).rounded() / 10000 }
        image = ImageSize(width: a.width, height: a.height)
        faces = a.faces.map { f in
            let box = f.box.clipped(width: a.width, height: a.height)
            return Face(box: Box(x: Int(box.x.rounded()), y: Int(box.y.rounded()), width: Int(box.width.rounded()), height: Int(box.height.rounded())),
                 label: f.label, probability: round4(f.probability), probabilities: f.probabilities.mapValues(round4),
                 uncertain: f.uncertain, detectionScore: round4(f.box.score), landmarks: f.box.landmarks?.rounded)
        }
        model = Model(name: info.name, version: info.version)
        timing = Timing(decodeMs: round4(a.decodeMilliseconds), inferenceMs: round4(a.inferenceMilliseconds), totalMs: round4(totalMilliseconds))
    }
}
