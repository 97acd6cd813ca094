import ArgumentParser
import FaceGenderDetection
import FaceGenderModel
import Foundation

/// Which face detector a command uses: `--detector PATH` (a learned detector file), by default the shipped one
/// (Models/detector.safetensors, found as the model is).
struct DetectorOptions: ParsableArguments {
    @Option(help: "Face detector file (default: the shipped Models/detector.safetensors).")
    var detector: String?
    @Option(help: "Smallest face side in pixels.") var minFaceSize: Int = 20

    func validate() throws {
        if minFaceSize < 8 { throw ValidationError("--min-face-size must be at least 8") }
    }

    /// The detector file: `explicit`, else the shipped one.
    static func path(_ explicit: String?) throws -> String {
        do {
            return try ModelLocator.resolve(explicit: explicit, environment: [:], relativePath: ModelLocator.shippedDetectorPath)
        } catch let ClassifierError.modelNotFound(searched) {
            throw DetectorFileError.notFound(searched: searched)
        }
    }

    func make() throws -> FaceDetector { try LearnedFaceDetector(contentsOf: try Self.path(detector), minFaceSize: minFaceSize) }
}
