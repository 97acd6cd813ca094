import Dispatch
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// One evaluated photo.
public struct EvaluatedSample: Sendable {
    public var path: String
    public var label: Int
    /// Calibrated probabilities, and the uncalibrated ones (temperature 1) for the ECE comparison.
    public var probabilities: [Double]
    public var uncalibrated: [Double]
    public var faceDetected: Bool
    public var groups: [String: String]

    public init(path: String, label: Int, probabilities: [Double], uncalibrated: [Double], faceDetected: Bool, groups: [String: String]) {
        self.path = path; self.label = label; self.probabilities = probabilities; self.uncalibrated = uncalibrated
        self.faceDetected = faceDetected; self.groups = groups
    }
}

/// Runs the `predict` path (detect, largest face, crop; whole photo when no face is found) over a
/// labelled dataset, on several threads, each with its own copy of the model.
public enum Evaluator {
    public struct Outcome: Sendable {
        public var samples: [EvaluatedSample]
        public var unreadable: [String]

        public init(samples: [EvaluatedSample], unreadable: [String]) { self.samples = samples; self.unreadable = unreadable }
    }

    public static func run(dataset: LabeledDataset, model: ModelBundle, detector: FaceDetector, decoder: ImageDecoder,
                           workers: Int, progress: ((Int) -> Void)? = nil) throws -> Outcome {
        let workers = max(1, workers)
        let analyzers = try model.analyzers(count: workers, detector: detector)
        let modelClasses = model.info.classes
        // Map dataset class folders onto model outputs by name.
        var mapping: [Int] = []
        for name in dataset.classes {
            guard let index = modelClasses.firstIndex(of: name) else {
                throw EvaluationError.unknownClass(name: name, modelClasses: modelClasses)
            }
            mapping.append(index)
        }
        let lock = NSLock()
        var done = 0
        let temperature = model.info.temperature
        let results = ParallelMap.strided(count: dataset.samples.count, workers: workers) { w, i in
            let sample = dataset.samples[i]
            let result = Result { () throws -> EvaluatedSample in
                let image = try decoder.decodeFile(atPath: sample.path)
                let prediction = analyzers[w].analyze(image, selection: .largest, whenNoFace: .classifyWholePhoto)[0]
                let calibrated = modelClasses.map { prediction.probabilities[$0] ?? 0 }
                return EvaluatedSample(path: sample.path, label: mapping[sample.label], probabilities: calibrated,
                                       uncalibrated: recalibrate(calibrated, from: temperature),
                                       faceDetected: prediction.source == .detected, groups: sample.groups)
            }
            lock.lock(); done += 1; let d = done; lock.unlock()
            if w == 0 { progress?(d) }
            return result
        }
        return Outcome(samples: results.compactMap { try? $0.get() },
                       unreadable: zip(dataset.samples, results).compactMap { sample, result in
                           if case let .failure(error) = result { return "\(sample.path): \(error)" }
                           return nil
                       })
    }

    /// Probabilities at temperature 1 from ones at temperature T: p_i ∝ p_T,i ^ T.
    static func recalibrate(_ p: [Double], from temperature: Double) -> [Double] {
        let logs = p.map { log(max($0, 1e-300)) * temperature }
        let m = logs.max() ?? 0
        let e = logs.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}

public enum EvaluationError: Error, CustomStringConvertible {
    case unknownClass(name: String, modelClasses: [String])
    case nothingEvaluated

    public var description: String {
        switch self {
        case let .unknownClass(name, classes): return "the data has a class \(name) that the model does not know (model classes: \(classes))"
        case .nothingEvaluated: return "no photo could be evaluated"
        }
    }
}
