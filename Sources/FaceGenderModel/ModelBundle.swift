import FaceGenderDetection
import FaceGenderEngine
import Foundation

/// A model read once: architecture and weights, what the model says about itself, how it was trained, and the
/// model card beside it. Every command, the server and the benches load a model through `load` and build their
/// classifiers and analyzers from this value without reading the file again.
public struct ModelBundle: Sendable {
    public let stored: StoredNetwork
    /// The model's own description; callers may change how it is used (e.g. `evaluate --view-scales`).
    public var info: ModelInfo
    public let history: [EpochRecord]
    public let card: ModelCard?

    public var path: String { stored.path }

    /// Reads the model file at `path` and its card (`cardSource`), checking that they fit together.
    public static func load(path: String, card cardSource: ModelCard.Source = .besideModel) throws -> ModelBundle {
        let stored = try ModelFile.read(from: path)
        let info = try ModelInfo.from(metadata: stored.metadata, path: path)
        let outputs = info.classes.count * info.outputsPerClass
        let spec = stored.spec, side = info.preprocessor.inputSide
        let network = try stored.network(parallelism: Parallelism(workers: 1))
        guard network.outputShape == [outputs] else {
            throw ClassifierError.classCountMismatch(path: path, classes: outputs, outputs: network.outputShape.reduce(1, *))
        }
        guard spec.inputChannels == 3, spec.inputHeight == side, spec.inputWidth == side else {
            throw ClassifierError.inputMismatch(path: path, preprocessorSide: side,
                                                networkInput: [spec.inputChannels, spec.inputHeight, spec.inputWidth])
        }
        return ModelBundle(stored: stored, info: info, history: try EpochRecord.history(metadata: stored.metadata, path: path),
                           card: try ModelCard.load(cardSource, modelPath: path))
    }

    /// Finds the model (`ModelLocator`) and loads it.
    public static func locate(explicit: String?, card: ModelCard.Source = .besideModel) throws -> ModelBundle {
        try load(path: try ModelLocator.resolve(explicit: explicit), card: card)
    }

    /// A network of its own with the model's weights.
    public func network(parallelism: Parallelism) throws -> Network { try stored.network(parallelism: parallelism) }

    /// A classifier of its own (one per thread: layers reuse their buffers).
    public func classifier(parallelism: Parallelism = Parallelism(workers: 1)) throws -> GenderClassifier {
        GenderClassifier(network: try network(parallelism: parallelism), info: info)
    }

    /// `count` analyzers sharing `detector`, each with a classifier of its own on one thread: the workers of
    /// `evaluate`, the server's inference pool and the benches.
    public func analyzers(count: Int, detector: FaceDetector) throws -> [FaceAnalyzer] {
        try (0..<max(1, count)).map { _ in FaceAnalyzer(classifier: try classifier(), detector: detector) }
    }
}

/// The Markdown model card shown at /about: what the model is for, how it was trained and measured, its limits.
public struct ModelCard: Sendable, Equatable {
    public let path: String
    public let markdown: String

    public enum Source: Sendable, Equatable {
        /// MODEL_CARD.md in the model's folder or the folder above it (Models/../MODEL_CARD.md), if there is one.
        case besideModel
        /// This file, which must exist.
        case file(String)
        case none
    }

    static func load(_ source: Source, modelPath: String) throws -> ModelCard? {
        switch source {
        case .none: return nil
        case let .file(path): return try read(path)
        case .besideModel:
            let folder = URL(fileURLWithPath: modelPath).deletingLastPathComponent()
            let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("MODEL_CARD.md").path }
            return try candidates.first { FileManager.default.fileExists(atPath: $0) }.map(read)
        }
    }

    private static func read(_ path: String) throws -> ModelCard {
        do { return ModelCard(path: path, markdown: try String(contentsOfFile: path, encoding: .utf8)) } catch {
            throw ClassifierError.unreadableCard(path: path, reason: error.localizedDescription)
        }
    }
}
