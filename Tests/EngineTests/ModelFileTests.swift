import FaceGenderEngine
import Foundation
import Testing

@Suite struct ModelFileTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fg-\(UUID().uuidString)-\(name)").path
    }

    func trainedNetwork() throws -> Network {
        let net = try Network(spec: NetworkTests.smallSpec, seed: 3, parallelism: Parallelism(workers: 1))
        // Move BN running statistics away from their defaults so the round trip must carry them.
        _ = net.forward(randomTensor([4, 1, 8, 8], seed: 9, scale: 3), mode: .training)
        return net
    }

    @Test func roundTripIsBitIdentical() throws {
        let net = try trainedNetwork()
        let path = temporaryPath("m.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(net, metadata: ["classes": "Female,Male"], to: path)
        let (loaded, metadata) = try ModelFile.load(from: path, parallelism: Parallelism(workers: 2))
        #expect(metadata["classes"] == "Female,Male")
        #expect(loaded.spec == net.spec)
        let x = randomTensor([2, 1, 8, 8], seed: 10)
        #expect(net.forward(x, mode: .inference).array == loaded.forward(x, mode: .inference).array)
    }

    /// An ensemble answers log(mean of its members' softmax probabilities).
    @Test func ensembleAnswersTheMeanOfItsMembers() throws {
        let members = try (0..<2).map { seed -> StoredNetwork in
            let net = try Network(spec: NetworkTests.smallSpec, seed: UInt64(seed + 3), parallelism: Parallelism(workers: 1))
            _ = net.forward(randomTensor([4, 1, 8, 8], seed: 9 + UInt64(seed), scale: 3), mode: .training)
            let path = temporaryPath("member\(seed).safetensors")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try ModelFile.save(net, metadata: [:], to: path)
            return try ModelFile.read(from: path)
        }
        let joined = try StoredNetwork.ensemble(of: members, path: "joined")
        let ensemble = try joined.network(parallelism: Parallelism(workers: 2))
        #expect(joined.spec.memberCount == 2 && members[0].spec.memberCount == 1)
        #expect(ensemble.parameterCount == 2 * (try members[0].network(parallelism: Parallelism(workers: 1))).parameterCount)
        #expect(ensemble.forwardFlops == 2 * (try members[0].network(parallelism: Parallelism(workers: 1))).forwardFlops)
        let x = randomTensor([3, 1, 8, 8], seed: 11)
        let probabilities = try members.map { member -> [Float] in
            let p = Tensor(shape: [0])
            softmax(try member.network(parallelism: Parallelism(workers: 1)).forward(x, mode: .inference), into: p)
            return p.array
        }
        let mean = ensemble.forward(x, mode: .inference).array
        for i in mean.indices { #expect(abs(expf(mean[i]) - (probabilities[0][i] + probabilities[1][i]) / 2) < 1e-5) }
        // Saved and read back, the ensemble is an ordinary model file.
        let path = temporaryPath("ensemble.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(ensemble, metadata: [:], to: path)
        #expect(try ModelFile.read(from: path).network(parallelism: Parallelism(workers: 1)).forward(x, mode: .inference).array == mean)
    }

    @Test func ensembleOfMismatchedNetworksIsATypedError() throws {
        func stored(_ spec: ModelSpec, _ path: String) throws -> StoredNetwork {
            let net = try Network(spec: spec, seed: 1, parallelism: Parallelism(workers: 1))
            return StoredNetwork(path: path, spec: spec, tensors: Dictionary(uniqueKeysWithValues: net.namedTensors.map {
                ($0.name, (shape: $0.tensor.shape, values: $0.tensor.array)) }), metadata: [:])
        }
        let small = try stored(NetworkTests.smallSpec, "small")
        var wider = NetworkTests.smallSpec
        wider.inputWidth = 16
        var threeClasses = NetworkTests.smallSpec
        threeClasses.layers[threeClasses.layers.count - 1] = .dense(outFeatures: 3)
        for other in [try stored(wider, "wider"), try stored(threeClasses, "three")] {
            #expect(throws: ModelFileError.self) { try StoredNetwork.ensemble(of: [small, other], path: "x") }
        }
        #expect(throws: ModelFileError.self) { try StoredNetwork.ensemble(of: [small], path: "x") }
    }

    @Test func headerIsStandardSafeTensors() throws {
        let file = SafeTensorsFile(tensors: ["a": ([2], [1, 2])], metadata: ["k": "v"])
        let data = try file.encoded()
        let length = Int(data[0]) | Int(data[1]) << 8
        #expect((8 + length) % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any]
        let entry = header?["a"] as? [String: Any]
        #expect(entry?["dtype"] as? String == "F32")
        #expect(entry?["data_offsets"] as? [Int] == [0, 8])
        #expect(data.count == 8 + length + 8)
    }

    @Test func truncatedFileIsTypedError() throws {
        let net = try trainedNetwork()
        let path = temporaryPath("t.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(net, metadata: [:], to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [3, 20, data.count - 4] {
            try data.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: SafeTensorsError.self) { try ModelFile.load(from: path, parallelism: Parallelism(workers: 1)) }
        }
    }

    @Test func garbageAndMismatchesAreTypedErrors() throws {
        let path = temporaryPath("g.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("definitely not a model file, just text".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SafeTensorsError.self) { try ModelFile.load(from: path, parallelism: Parallelism(workers: 1)) }

        try SafeTensorsFile(tensors: ["x": ([1], [0])]).write(to: path)
        #expect(throws: ModelFileError.self) { try ModelFile.load(from: path, parallelism: Parallelism(workers: 1)) }

        let net = try trainedNetwork()
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        for t in net.namedTensors { tensors[t.name] = (t.tensor.shape, t.tensor.array) }
        let first = net.namedTensors[0].name
        tensors[first] = ([1], [0])
        #expect(throws: SafeTensorsError.self) { try ModelFile.assign(tensors, to: net) }
        tensors[first] = nil
        #expect(throws: SafeTensorsError.self) { try ModelFile.assign(tensors, to: net) }

        #expect(throws: SafeTensorsError.self) { try ModelFile.load(from: "/nonexistent/m.safetensors", parallelism: Parallelism(workers: 1)) }
    }
}
