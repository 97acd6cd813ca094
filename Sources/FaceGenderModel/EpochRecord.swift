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

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double, validationAccuracy: Double,
                learningRate: Double, seconds: Double, imagesPerSecond: Double) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate; self.seconds = seconds; self.imagesPerSecond = imagesPerSecond
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
