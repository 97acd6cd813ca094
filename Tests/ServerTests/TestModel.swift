import TestSupport
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderServer
import Foundation

/// A real face photo from ../shared.
func facePhoto() throws -> Data {
    try Data(contentsOf: utkfacePhotos("Test", "Female", count: 1)[0])
}

/// An untrained tiny model: the server's behaviour, not the model's accuracy, is under test.
func tinyPool(workers: Int = 1, maxQueued: Int = 4, limits: DecodeLimits = DecodeLimits(), detector: FaceDetector? = nil,
              latencyBudget: Double = 10, batchWaitSeconds: Double = 0.003, metrics: ServerMetrics = ServerMetrics()) throws -> InferencePool {
    let pre = FacePreprocessor(inputSide: 32)
    let detector = try detector ?? LearnedFaceDetector(contentsOf: shippedDetectorPath)
    // The same seed gives every copy the same weights: one per worker and the batcher's.
    func classifier() throws -> GenderClassifier {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 32, classes: 2, dropout: 0), seed: 1, parallelism: Parallelism(workers: 1))
        let info = ModelInfo(name: "tiny-test", version: "0", classes: ["Female", "Male"], preprocessor: pre, temperature: 1, abstainBelow: 0.6)
        return GenderClassifier(network: network, info: info)
    }
    let analyzers = try (0..<workers).map { _ in FaceAnalyzer(classifier: try classifier(), detector: detector) }
    var admission = AdmissionPolicy()
    admission.maxQueued = maxQueued; admission.latencyBudgetSeconds = latencyBudget
    var batching = BatchingPolicy()
    batching.maxWaitSeconds = batchWaitSeconds
    return InferencePool(analyzers: analyzers, classifier: try classifier(), decoder: ImageDecoder(limits: limits), admission: admission,
                         batching: batching, metrics: metrics)
}

func multipart(field: String, filename: String, bytes: Data, boundary: String = "fgBoundary7MA4YWxk") -> (Data, String) {
    var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
    body.append(bytes)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    return (body, "multipart/form-data; boundary=\(boundary)")
}

/// A detector that finds the same faces in every photo.
struct FixedFaces: FaceDetector {
    let faces: [FaceBox]
    var settings: String { "fixed" }
    func detect(in image: RGBImage) -> [FaceBox] { faces }
}

/// A detector that takes its time (a stand-in for a large photo), then finds the same faces.
struct SlowFaces: FaceDetector {
    let faces: [FaceBox]
    let seconds: Double
    var settings: String { "slow" }
    func detect(in image: RGBImage) -> [FaceBox] {
        Thread.sleep(forTimeInterval: seconds)
        return faces
    }
}
