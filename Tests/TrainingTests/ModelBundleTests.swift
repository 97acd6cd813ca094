import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation
import Testing

/// One loader for every use of a model file: weights, info (old formats included), learning curves and card.
@Suite struct ModelBundleTests {
    func temporaryFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "fg-bundle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/Models", withIntermediateDirectories: true)
        return dir
    }

    func saveTinyModel(to path: String, history: [EpochRecord] = []) throws -> ModelInfo {
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 16, classes: 2, dropout: 0), seed: 4, parallelism: Parallelism(workers: 1))
        let info = ModelInfo(name: "t", version: "1", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 16),
                             views: TestTimeViews(scales: [0.9, 1], mirror: .averaged))
        try GenderClassifier(network: network, info: info).save(to: path, history: history)
        return info
    }

    @Test func aModelReadsBackWithItsHistoryAndTheCardBesideIt() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let record = EpochRecord(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, validationLoss: 0.4, validationAccuracy: 0.85,
                                 learningRate: 1e-3, seconds: 60, imagesPerSecond: 300)
        let info = try saveTinyModel(to: dir + "/Models/m.safetensors", history: [record])
        try Data("# Card\n".utf8).write(to: URL(fileURLWithPath: dir + "/MODEL_CARD.md"))
        let bundle = try ModelBundle.load(path: dir + "/Models/m.safetensors")
        #expect(bundle.info == info && bundle.history == [record])
        #expect(bundle.card?.markdown == "# Card\n" && bundle.card?.path == dir + "/MODEL_CARD.md")
        #expect(try ModelBundle.load(path: dir + "/Models/m.safetensors", card: .none).card == nil)
        let analyzers = try bundle.analyzers(count: 2, detector: NoFaces())
        #expect(analyzers.count == 2 && analyzers[0].classifier.network !== analyzers[1].classifier.network, "one network per thread")
    }

    @Test func aNamedCardMustBeReadable() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try saveTinyModel(to: dir + "/Models/m.safetensors")
        #expect(try ModelBundle.load(path: dir + "/Models/m.safetensors").card == nil, "no card beside the model: none")
        #expect(throws: ClassifierError.self) { try ModelBundle.load(path: dir + "/Models/m.safetensors", card: .file(dir + "/missing.md")) }
        try Data([0xFF, 0xFE, 0x00, 0xD8]).write(to: URL(fileURLWithPath: dir + "/MODEL_CARD.md"))
        #expect(throws: ClassifierError.self, "not UTF-8") { try ModelBundle.load(path: dir + "/Models/m.safetensors") }
    }

    /// The shipped model reads with its views (the centre and its mirror), five age subclasses, its curves and card.
    @Test func theShippedModelReads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bundle = try ModelBundle.load(path: root.appendingPathComponent("Models/default.safetensors").path)
        #expect(bundle.info.version == "20261205-1030" && bundle.info.temperature == 0.6434939394271564 && bundle.info.abstainBelow == 0.73)
        #expect(bundle.info.views == TestTimeViews(scales: [1], mirror: .averaged) && bundle.info.views.passes == 2)
        #expect(bundle.info.subclasses == ["0-9", "10-19", "20-39", "40-59", "60+"])
        #expect(bundle.history.count == 30 && bundle.card?.path == root.appendingPathComponent("MODEL_CARD.md").path)
    }

    /// Format 1 (files written before 2026-12-05) kept the views in optional fields; they read as the same views.
    @Test func formatOneInfoReadsAsTheSameViews() throws {
        let old = #"{"abstainBelow":0.6,"classes":["Female","Male"],"flipAveraging":true,"metrics":{},"name":"m","#
            + #""preprocessor":{"contextScale":1.25,"faceMargin":1.2,"inputSide":64,"normalization":{"mean":[0.5,0.5,0.5],"std":[0.25,0.25,0.25]}},"#
            + #""subclasses":["a","b"],"temperature":1.5,"trainedAt":"","version":"1","viewScales":[0.9,1,1.1]}"#
        let info = try ModelInfo.from(metadata: ["facegender.info": old], path: "old")
        #expect(info.views == TestTimeViews(scales: [0.9, 1, 1.1], mirror: .averaged))
        #expect(info.subclasses == ["a", "b"] && info.temperature == 1.5)
        let oldest = old.replacingOccurrences(of: #""flipAveraging":true,"#, with: "")
            .replacingOccurrences(of: #","viewScales":[0.9,1,1.1]"#, with: "").replacingOccurrences(of: #""subclasses":["a","b"],"#, with: "")
        let plain = try ModelInfo.from(metadata: ["facegender.info": oldest], path: "oldest")
        #expect(plain.views == .centre && plain.subclasses.isEmpty)
        // Written again, it is format 2 and reads back equal.
        #expect(try ModelInfo.from(metadata: try info.metadata(), path: "new") == info)
        #expect(try info.metadata()["facegender.info"]!.contains(#""format":2"#))
        let future = try info.metadata()["facegender.info"]!.replacingOccurrences(of: #""format":2"#, with: #""format":3"#)
        #expect(throws: ClassifierError.self) { try ModelInfo.from(metadata: ["facegender.info": future], path: "future") }
    }
}

struct NoFaces: FaceDetector {
    var settings: String { "none" }
    func detect(in image: RGBImage) -> [FaceBox] { [] }
}
