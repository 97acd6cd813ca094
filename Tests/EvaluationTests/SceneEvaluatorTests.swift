import FaceGenderDetection
import FaceGenderEngine
import FaceGenderEvaluation
import FaceGenderImaging
import FaceGenderModel
import Foundation
import TestSupport
import Testing

/// A detector that finds the same faces in every photo.
struct FixedFaces: FaceDetector {
    let faces: [FaceBox]
    var settings: String { "fixed" }
    func detect(in image: RGBImage) -> [FaceBox] { faces }
}

@Suite struct SceneEvaluatorTests {
    /// Of three labelled faces, one is found and classified (with its skin-type band), one of 60 px is missed and
    /// counted apart, and one of 20 px is not counted at all; a face without a perceived gender is left out.
    @Test func foundFacesAreClassifiedAndMissedOnesCounted() throws {
        let dir = NSTemporaryDirectory() + "fg-scenes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let photo = try utkfacePhotos("Test", "Female", count: 1)[0].path
        let csv = """
            file,x,y,width,height,blur,occlusion,pose,invalid,perceived_gender,perceived_age,perceived_skin
            \(photo),10,10,180,180,0,0,0,0,Female,Adult,V
            \(photo),120,120,60,60,0,0,0,0,Male,Adult,I
            \(photo),0,0,20,20,0,0,0,0,Male,Adult,I
            \(photo),0,100,90,90,0,0,0,0,,,
            """
        try Data(csv.utf8).write(to: URL(fileURLWithPath: dir + "/scenes.csv"))
        let network = try Network(spec: Architecture.tiny.spec(inputSide: 32, classes: 2, dropout: 0), seed: 1, parallelism: Parallelism(workers: 1))
        let info = ModelInfo(name: "tiny", version: "0", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 32))
        try GenderClassifier(network: network, info: info).save(to: dir + "/model.safetensors", history: [])
        let detector = FixedFaces(faces: [FaceBox(x: 12, y: 8, width: 178, height: 184, score: 0.9)])

        let outcome = try SceneEvaluator.run(scenes: try SceneDataset.load(csv: dir + "/scenes.csv"), name: "scenes",
                                             model: try ModelBundle.load(path: dir + "/model.safetensors", card: .none),
                                             detector: detector, decoder: ImageDecoder(), workers: 2)
        #expect(outcome.samples.count == 1 && outcome.missed == 1 && outcome.unreadable.isEmpty)
        let sample = try #require(outcome.samples.first)
        #expect(sample.label == 0 && sample.probabilities.count == 2)
        #expect(sample.groups["skin"] == "IV-VI" && sample.groups["dataset"] == "scenes" && sample.groups["perceived_age"] == "Adult")
    }
}
