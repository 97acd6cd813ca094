import Foundation

/// Everything a model file says about itself besides its weights. Stored as JSON in the .safetensors
/// `__metadata__` (key `facegender.info`), so other tools can read it too.
///
/// `format` 2 (written since 2026-12-05) replaced format 1's optional fields (`flipAveraging`, `viewScales`,
/// `subclasses`, absent in the oldest files) with `views` and a plain `subclasses` list; format 1 files still read.
public struct ModelInfo: Codable, Equatable, Sendable {
    public static let currentFormat = 2

    public var name: String
    public var version: String
    /// Class names in output order, e.g. ["Female", "Male"].
    public var classes: [String]
    public var preprocessor: FacePreprocessor
    /// Logits are divided by this before softmax; fitted on validation data (1 = uncalibrated).
    public var temperature: Double
    /// A face is "uncertain" when its top calibrated probability is below this.
    public var abstainBelow: Double
    /// The views of each face whose logits are averaged (test-time augmentation).
    public var views: TestTimeViews
    /// When not empty, the network was trained on (class, subclass) pairs, e.g. Female and Male each split by age
    /// band, with outputs in class-major order; a class's probability is the sum of its subclasses'.
    public var subclasses: [String]
    /// Free-form measured numbers (accuracy, ECE, ...), for /about and the model card.
    public var metrics: [String: Double]
    public var trainedAt: String

    public init(name: String, version: String, classes: [String], preprocessor: FacePreprocessor,
                temperature: Double = 1, abstainBelow: Double = 0.5, views: TestTimeViews = .centre,
                subclasses: [String] = [], metrics: [String: Double] = [:], trainedAt: String = "") {
        self.name = name; self.version = version; self.classes = classes; self.preprocessor = preprocessor
        self.temperature = temperature; self.abstainBelow = abstainBelow; self.views = views
        self.subclasses = subclasses; self.metrics = metrics; self.trainedAt = trainedAt
    }

    /// Network outputs per class (1, or the number of subclasses).
    public var outputsPerClass: Int { max(1, subclasses.count) }

    private enum CodingKeys: String, CodingKey {
        case format, name, version, classes, preprocessor, temperature, abstainBelow, views, subclasses, metrics, trainedAt
        case flipAveraging, viewScales  // format 1
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decodeIfPresent(Int.self, forKey: .format) ?? 1
        guard format <= Self.currentFormat else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c,
                debugDescription: "format \(format) is newer than this facegender reads (\(Self.currentFormat)); update facegender")
        }
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        classes = try c.decode([String].self, forKey: .classes)
        preprocessor = try c.decode(FacePreprocessor.self, forKey: .preprocessor)
        temperature = try c.decode(Double.self, forKey: .temperature)
        abstainBelow = try c.decode(Double.self, forKey: .abstainBelow)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        trainedAt = try c.decode(String.self, forKey: .trainedAt)
        if format == 1 {
            let mirrored = try c.decodeIfPresent(Bool.self, forKey: .flipAveraging) ?? false
            let scales = try c.decodeIfPresent([Double].self, forKey: .viewScales) ?? []
            views = TestTimeViews(scales: scales.isEmpty ? [1] : scales, mirror: mirrored ? .averaged : .none)
            subclasses = try c.decodeIfPresent([String].self, forKey: .subclasses) ?? []
        } else {
            views = try c.decode(TestTimeViews.self, forKey: .views)
            subclasses = try c.decode([String].self, forKey: .subclasses)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.currentFormat, forKey: .format)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(classes, forKey: .classes)
        try c.encode(preprocessor, forKey: .preprocessor)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(abstainBelow, forKey: .abstainBelow)
        try c.encode(views, forKey: .views)
        try c.encode(subclasses, forKey: .subclasses)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(trainedAt, forKey: .trainedAt)
    }

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
    case unreadableCard(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missingInfo(path): return "\(path) has no facegender.info metadata: it is not a FaceGender classifier"
        case let .badInfo(path, reason): return "\(path) has unreadable facegender.info metadata: \(reason)"
        case let .classCountMismatch(path, classes, outputs):
            return "\(path) names \(classes) classes but its network has \(outputs) outputs"
        case let .inputMismatch(path, side, input):
            return "\(path) crops faces to 3x\(side)x\(side) but its network takes \(input): the file is inconsistent"
        case let .unreadableCard(path, reason):
            return "cannot read the model card \(path): \(reason); fix its permissions or encoding (UTF-8), or pass --model-card"
        case let .modelNotFound(searched):
            return "no model found (looked at \(searched.joined(separator: ", "))); pass --model PATH or set FACEGENDER_MODEL"
        }
    }
}
