import Foundation

/// One epoch of the learning curves. They travel inside the model file (metadata key
/// `facegender.learning_curves`), so any report on a model can plot how it was trained.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double, trainAccuracy: Double
    public var validationLoss: Double, validationAccuracy: Double
    public var learningRate: Double
    public var seconds: Double
    public var imagesPerSecond: Double
    /// Validation accuracy of each dataset trained on together (empty for one dataset).
    public var validationAccuracyByDataset: [String: Double]

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double, validationAccuracy: Double,
                learningRate: Double, seconds: Double, imagesPerSecond: Double, validationAccuracyByDataset: [String: Double] = [:]) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate; self.seconds = seconds; self.imagesPerSecond = imagesPerSecond
        self.validationAccuracyByDataset = validationAccuracyByDataset
    }

    private enum CodingKeys: String, CodingKey {
        case epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, learningRate, seconds, imagesPerSecond
        case validationAccuracyByDataset
    }

    /// Curves written before several datasets could be trained together have no per-dataset accuracy: none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epoch: try c.decode(Int.self, forKey: .epoch), trainLoss: try c.decode(Double.self, forKey: .trainLoss),
                  trainAccuracy: try c.decode(Double.self, forKey: .trainAccuracy),
                  validationLoss: try c.decode(Double.self, forKey: .validationLoss),
                  validationAccuracy: try c.decode(Double.self, forKey: .validationAccuracy),
                  learningRate: try c.decode(Double.self, forKey: .learningRate), seconds: try c.decode(Double.self, forKey: .seconds),
                  imagesPerSecond: try c.decode(Double.self, forKey: .imagesPerSecond),
                  validationAccuracyByDataset: try c.decodeIfPresent([String: Double].self, forKey: .validationAccuracyByDataset) ?? [:])
    }

    static let key = "facegender.learning_curves"

    static func metadata(_ history: [EpochRecord]) throws -> [String: String] {
        [key: String(decoding: try JSONEncoder().encode(history), as: UTF8.self)]
    }

    /// The learning curves in a model file's metadata; none when the file has no curves.
    static func history(metadata: [String: String], path: String) throws -> [EpochRecord] {
        guard let json = metadata[key] else { return [] }
        do { return try JSONDecoder().decode([EpochRecord].self, from: Data(json.utf8)) } catch {
            throw ClassifierError.badInfo(path: path, reason: "unreadable learning curves: \(error)")
        }
    }
}
