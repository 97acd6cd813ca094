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
