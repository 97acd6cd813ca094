import Foundation

/// Everything a model file says about itself besides its weights. Stored as strings in the
/// .safetensors `__metadata__`, so other tools can read it too.
public struct ModelInfo: Codable, Equatable, Sendable {
    public var name: String
    public var version: String
    /// Class names in output order, e.g. ["Female", "Male"].
    public var classes: [String]
    public var preprocessor: FacePreprocessor
    /// Logits are divided by this before softmax; fitted on validation data (1 = uncalibrated).
    public var temperature: Double
    /// A face is "uncertain" when its top calibrated probability is below this.
    public var abstainBelow: Double
    /// Average the logits of each face and its mirror image (test-time augmentation); nil means no.
    public var flipAveraging: Bool?
    /// Zoom factors of the views of each face crop whose logits are averaged (test-time augmentation; 1 is the plain
    /// centre view, above 1 zooms in); nil: the centre view only.
    public var viewScales: [Double]?
    /// When set, the network was trained on (class, subclass) pairs, e.g. Female and Male each split by age band,
    /// with outputs in class-major order; a class's probability is the sum of its subclasses'. nil: one output per class.
    public var subclasses: [String]?
    /// Free-form measured numbers (accuracy, ECE, ...), for /about and the model card.
    public var metrics: [String: Double]
    public var trainedAt: String

    public init(name: String, version: String, classes: [String], preprocessor: FacePreprocessor,
                temperature: Double = 1, abstainBelow: Double = 0.5, metrics: [String: Double] = [:], trainedAt: String = "") {
        self.name = name; self.version = version; self.classes = classes; self.preprocessor = preprocessor
        self.temperature = temperature; self.abstainBelow = abstainBelow; self.metrics = metrics; self.trainedAt = trainedAt
    }

    /// Network outputs per class (1, or the number of subclasses).
    public var outputsPerClass: Int { max(1, subclasses?.count ?? 1) }

    /// The views averaged at test time (never empty).
    public var views: [Double] { viewScales.flatMap { $0.isEmpty ? nil : $0 } ?? [1] }

    static let key = "facegender.info"

    public func metadata() throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [Self.key: String(decoding: try encoder.encode(self), as: UTF8.self)]
    }

    public static func from(metadata: [String: String], path: String) throws -> ModelInfo {
        guard let json = metadata[key] else { throw ClassifierError.missingInfo(path: path) }
        do { return try JSONDecoder().decode(ModelInfo.self, from: Data(json.utf8)) } catch {
            throw ClassifierError.badInfo(path: path, reason: "\(error)")
        }
    }
}

public enum ClassifierError: Error, CustomStringConvertible {
    case missingInfo(path: String)
    case badInfo(path: String, reason: String)
    case classCountMismatch(path: String, classes: Int, outputs: Int)
    case modelNotFound(searched: [String])
    case inputMismatch(path: String, preprocessorSide: Int, networkInput: [Int])

    public var description: String {
        switch self {
        case let .missingInfo(path): return "\(path) has no facegender.info metadata: it is not a FaceGender classifier"
        case let .badInfo(path, reason): return "\(path) has unreadable facegender.info metadata: \(reason)"
        case let .classCountMismatch(path, classes, outputs):
            return "\(path) names \(classes) classes but its network has \(outputs) outputs"
        case let .inputMismatch(path, side, input):
            return "\(path) crops faces to 3x\(side)x\(side) but its network takes \(input): the file is inconsistent"
        case let .modelNotFound(searched):
            return "no model found (looked at \(searched.joined(separator: ", "))); pass --model PATH or set FACEGENDER_MODEL"
        }
    }
}
