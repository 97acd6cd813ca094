import ArgumentParser
import FaceGenderDetection
import FaceGenderModel
import Foundation

/// Which face detector a command uses: `--detector PATH` (a learned detector file), `--detector haar` (the Haar
/// cascades), or by default the shipped learned detector (Models/detector.safetensors, found as the model is) and
/// the Haar cascades where none is shipped.
struct DetectorOptions: ParsableArguments {
    @Option(help: "Face detector: a learned detector file, or haar for the Haar cascades (default: the shipped Models/detector.safetensors, else haar).")
    var detector: String?
    @Option(help: "Haar cascade XML for --detector haar (default: Debian's opencv-data).") var cascade: String?
    @Option(help: "Smallest face side in pixels (default: 20 for the learned detector, 24 for haar).") var minFaceSize: Int?

    func validate() throws {
        if let minFaceSize, minFaceSize < 8 { throw ValidationError("--min-face-size must be at least 8") }
    }

    /// The learned detector's path, or nil for the Haar cascades.
    func learnedDetectorPath() -> String? {
        if let detector { return detector == "haar" ? nil : detector }
        return try? ModelLocator.resolve(explicit: nil, environment: [:], relativePath: "Models/detector.safetensors")
    }

    func make() throws -> FaceDetector {
        if let path = learnedDetectorPath() { return try LearnedFaceDetector(contentsOf: path, minFaceSize: minFaceSize ?? 20) }
        var options = CascadeDetectorOptions()
        if let minFaceSize { options.minFaceSize = minFaceSize }
        return try FallbackDetector.standard(cascadePath: cascade, options: options)
    }
}
