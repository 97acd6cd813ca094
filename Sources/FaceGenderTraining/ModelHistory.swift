import FaceGenderEngine
import Foundation

/// Learning curves travel inside the model file (metadata key `facegender.learning_curves`), so any
/// report on a model can plot how it was trained.
public enum ModelHistory {
    static let key = "facegender.learning_curves"

    public static func encode(_ history: [EpochRecord]) throws -> [String: String] {
        [key: String(decoding: try JSONEncoder().encode(history), as: UTF8.self)]
    }

    public static func read(modelPath: String) -> [EpochRecord] {
        guard let file = try? SafeTensorsFile.read(from: modelPath), let json = file.metadata[key] else { return [] }
        return (try? JSONDecoder().decode([EpochRecord].self, from: Data(json.utf8))) ?? []
    }
}
