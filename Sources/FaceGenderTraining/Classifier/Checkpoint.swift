import FaceGenderEngine
import FaceGenderModel
import Foundation

/// Where a run stands: enough, with the weights and optimiser state, to continue exactly.
public struct TrainingState: Codable, Equatable, Sendable {
    /// 2 since the rejected training options were removed, 3 since the pose, blur, low-light and colour-cast
    /// augmentations (both 2026-12-05); older checkpoints cannot be resumed.
    public static let currentFormat = 3
    public var format = TrainingState.currentFormat
    public var config: TrainingConfig
    public var classes: [String]
    /// The next epoch to run, and the next batch within it.
    public var epoch: Int = 0
    public var batchInEpoch: Int = 0
    public var globalStep: Int = 0
    /// nil until the first epoch is validated (JSON has no infinity).
    public var bestValidationLoss: Double?
    public var bestEpoch: Int = -1
    public var epochsWithoutImprovement: Int = 0
    public var history: [EpochRecord] = []
    /// Running sums of the epoch in progress, so a mid-epoch resume reports the same epoch numbers.
    public var partialLoss: Double = 0, partialCorrect: Int = 0, partialSeen: Int = 0, partialSeconds: Double = 0
}

public enum CheckpointError: Error, CustomStringConvertible {
    case notACheckpoint(path: String)
    case olderFormat(path: String, format: Int)
    case configMismatch(path: String)

    public var description: String {
        switch self {
        case let .notACheckpoint(path): return "\(path) is not a FaceGender training checkpoint"
        case let .olderFormat(path, format):
            return "\(path) was written by an older facegender (checkpoint format \(format), this one reads \(TrainingState.currentFormat)); start the run afresh without --resume"
        case let .configMismatch(path):
            return "\(path) was written by a run with different settings or data; resume with the same options, or start afresh without --resume"
        }
    }
}

/// Weights + optimiser state (+ the weight average) + `TrainingState`, in one .safetensors file, written atomically.
public enum Checkpoint {
    static let stateKey = "facegender.checkpoint"

    public static func save(network: Network, optimizer: Optimizer, average: WeightAverage? = nil,
                            state: TrainingState, info: ModelInfo, to path: String) throws {
        var file = SafeTensorsFile(metadata: try info.metadata())
        file.metadata[ModelFile.specKey] = String(decoding: try JSONEncoder().encode(network.spec), as: UTF8.self)
        file.metadata[stateKey] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        for t in network.namedTensors + optimizer.state + (average?.state ?? []) {
            file.tensors[t.name] = (t.tensor.shape, t.tensor.array)
        }
        try file.write(to: path)
    }

    /// The saved state alone (history, settings), without building the network.
    public static func state(at path: String) throws -> TrainingState {
        try decodeState(try SafeTensorsFile.read(from: path), path: path)
    }

    private static func decodeState(_ file: SafeTensorsFile, path: String) throws -> TrainingState {
        struct Format: Decodable { var format: Int? }
        guard let json = file.metadata[stateKey], let format = try? JSONDecoder().decode(Format.self, from: Data(json.utf8)) else {
            throw CheckpointError.notACheckpoint(path: path)
        }
        guard format.format == TrainingState.currentFormat else {
            throw CheckpointError.olderFormat(path: path, format: format.format ?? 1)
        }
        do { return try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8)) } catch {
            throw CheckpointError.notACheckpoint(path: path)
        }
    }

    /// Restores weights, optimiser state and the weight average in place and returns the saved state and model info
    /// (whose preprocessor says what crops the run trained on).
    public static func restore(from path: String, network: Network, optimizer: Optimizer,
                               average: WeightAverage? = nil) throws -> (state: TrainingState, info: ModelInfo) {
        let file = try SafeTensorsFile.read(from: path)
        let state = try decodeState(file, path: path)
        let info = try ModelInfo.from(metadata: file.metadata, path: path)
        try ModelFile.assign(file.tensors, to: network)
        do { try ModelFile.assign(file.tensors, to: optimizer.state + (average?.state ?? [])) } catch {
            throw CheckpointError.configMismatch(path: path)
        }
        optimizer.stepCount = state.globalStep
        return (state, info)
    }
}

