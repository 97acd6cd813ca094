import Foundation

public enum ModelFileError: Error, CustomStringConvertible {
    case notAFaceGenderModel(path: String)
    case badArchitecture(path: String, reason: String)
    case ensembleMismatch(paths: [String], reason: String)

    public var description: String {
        switch self {
        case let .notAFaceGenderModel(path):
            return "\(path) is a .safetensors file but not a FaceGender model (no facegender.spec metadata)"
        case let .badArchitecture(path, reason):
            return "the architecture stored in \(path) cannot be built: \(reason)"
        case let .ensembleMismatch(paths, reason):
            return "\(paths.joined(separator: ", ")) cannot form one ensemble: \(reason)"
        }
    }
}

/// A network with its metadata, stored as .safetensors. The architecture travels as JSON in the
/// metadata key `facegender.spec`, so a file loads without knowing its network in advance.
public enum ModelFile {
    public static let specKey = "facegender.spec"

    public static func save(_ network: Network, metadata: [String: String], to path: String) throws {
        var file = SafeTensorsFile(metadata: metadata)
        let specJSON = try JSONEncoder().encode(network.spec)
        file.metadata[specKey] = String(decoding: specJSON, as: UTF8.self)
        for t in network.namedTensors { file.tensors[t.name] = (t.tensor.shape, t.tensor.array) }
        try file.write(to: path)
    }

    /// Reads a model file once: its architecture, weights and metadata; every failure is a typed error (weights that
    /// do not fit the architecture fail when a network is built).
    public static func read(from path: String) throws -> StoredNetwork {
        let file = try SafeTensorsFile.read(from: path)
        guard let specString = file.metadata[specKey] else { throw ModelFileError.notAFaceGenderModel(path: path) }
        let spec: ModelSpec
        do { spec = try JSONDecoder().decode(ModelSpec.self, from: Data(specString.utf8)) } catch {
            throw ModelFileError.badArchitecture(path: path, reason: "\(error)")
        }
        return StoredNetwork(path: path, spec: spec, tensors: file.tensors, metadata: file.metadata)
    }

    /// Loads a network and its metadata.
    public static func load(from path: String, parallelism: Parallelism) throws -> (Network, [String: String]) {
        let stored = try read(from: path)
        return (try stored.network(parallelism: parallelism), stored.metadata)
    }

    /// Copies named values into the network's tensors, checking every name and shape.
    public static func assign(_ tensors: [String: (shape: [Int], values: [Float])], to network: Network) throws {
        try assign(tensors, to: network.namedTensors)
    }

    /// Copies named values into `named` (a network's tensors, an optimiser's state, ...), checking every name and shape.
    public static func assign(_ tensors: [String: (shape: [Int], values: [Float])], to named: [NamedTensor]) throws {
        for t in named {
            guard let stored = tensors[t.name] else { throw SafeTensorsError.missingTensor(name: t.name) }
            guard stored.shape == t.tensor.shape else {
                throw SafeTensorsError.shapeMismatch(name: t.name, expected: t.tensor.shape, found: stored.shape)
            }
            stored.values.withUnsafeBufferPointer { t.tensor.data.update(from: $0.baseAddress!, count: t.tensor.count) }
        }
    }
}

/// A model file's contents, read once; `network` builds as many independent copies as callers need (layers reuse
/// their buffers, so each thread needs its own).
public struct StoredNetwork: @unchecked Sendable {
    public let path: String
    public let spec: ModelSpec
    public let tensors: [String: (shape: [Int], values: [Float])]
    public let metadata: [String: String]

    public init(path: String, spec: ModelSpec, tensors: [String: (shape: [Int], values: [Float])], metadata: [String: String]) {
        self.path = path; self.spec = spec; self.tensors = tensors; self.metadata = metadata
    }

    /// One network answering the mean of `members`' softmax probabilities (`LayerSpec.ensemble`), their weights renamed
    /// into it; it is called `path` and has no metadata. Members must take the same input and give the same outputs.
    public static func ensemble(of members: [StoredNetwork], path: String) throws -> StoredNetwork {
        guard let first = members.first, members.count > 1 else {
            throw ModelFileError.ensembleMismatch(paths: members.map(\.path), reason: "an ensemble needs at least two members")
        }
        let input = { (s: ModelSpec) in [s.inputChannels, s.inputHeight, s.inputWidth] }
        if let other = members.first(where: { input($0.spec) != input(first.spec) }) {
            throw ModelFileError.ensembleMismatch(paths: [first.path, other.path],
                                                  reason: "their inputs differ (\(input(first.spec)) and \(input(other.spec)))")
        }
        let ensembleName = Network.layerPrefix + "0"
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        for (j, member) in members.enumerated() {
            let prefix = NetworkBuilder.memberPrefix(ensembleName, j)
            for (name, tensor) in member.tensors {
                guard name.hasPrefix(Network.layerPrefix) else {
                    throw ModelFileError.badArchitecture(path: member.path, reason: "tensor \(name) belongs to no layer")
                }
                tensors[prefix + name.dropFirst(Network.layerPrefix.count)] = tensor
            }
        }
        let spec = ModelSpec(inputChannels: first.spec.inputChannels, inputHeight: first.spec.inputHeight,
                             inputWidth: first.spec.inputWidth, layers: [.ensemble(members: members.map(\.spec.layers))])
        do { _ = try Network(spec: spec, seed: 0, parallelism: Parallelism(workers: 1)) } catch {
            throw ModelFileError.ensembleMismatch(paths: members.map(\.path), reason: "their outputs differ (\(error))")
        }
        return StoredNetwork(path: path, spec: spec, tensors: tensors, metadata: [:])
    }

    public func network(parallelism: Parallelism) throws -> Network {
        let network: Network
        do { network = try Network(spec: spec, seed: 0, parallelism: parallelism) } catch {
            throw ModelFileError.badArchitecture(path: path, reason: "\(error)")
        }
        try ModelFile.assign(tensors, to: network)
        return network
    }
}
