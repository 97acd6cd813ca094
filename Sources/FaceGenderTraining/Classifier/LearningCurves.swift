import FaceGenderModel
import Foundation

/// Writes the per-epoch history as CSV and JSON beside the checkpoints.
public enum LearningCurves {
    public static func write(_ history: [EpochRecord], to directory: String) throws {
        var csv = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,images_per_second\n"
        for r in history {
            csv += "\(r.epoch),\(r.trainLoss),\(r.trainAccuracy),\(r.validationLoss),\(r.validationAccuracy),\(r.learningRate),\(r.seconds),\(r.imagesPerSecond)\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: directory + "/learning-curves.csv"), options: .atomic)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(history).write(to: URL(fileURLWithPath: directory + "/learning-curves.json"), options: .atomic)
    }
}
