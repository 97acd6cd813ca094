import FaceGenderDetection
import FaceGenderEvaluation
import FaceGenderTraining
import Foundation
import Testing

@Suite struct DuplicatePhotosTests {
    /// Writes each file with the given contents under a fresh temporary root; returns the root.
    func makeFiles(_ files: [(String, String)]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fg-dup-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return root.path
    }

    @Test func groupsOnlyByteIdenticalFiles() throws {
        let root = try makeFiles([("a.jpg", "same bytes"), ("b.jpg", "same bytes"), ("c.jpg", "same bytez"), ("d.jpg", "same bytes"),
                                  ("e.jpg", "other"), ("f.jpg", "other")])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let paths = ["a", "b", "c", "d", "missing", "e", "f"].map { "\(root)/\($0).jpg" }
        #expect(DuplicatePhotos(paths: paths).groups == [[0, 1, 3], [5, 6]])
        #expect(DuplicatePhotos.copies(in: Array(paths[2...]), of: [paths[0]]) == [1])
    }

    /// Equal hashes alone never merge files: files handed over as one hash bucket are split by their bytes.
    @Test func bucketsAreConfirmedByteByByte() throws {
        let root = try makeFiles([("a.jpg", "one"), ("b.jpg", "two"), ("c.jpg", "one")])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(DuplicatePhotos.identical([0, 1, 2], paths: ["a", "b", "c"].map { "\(root)/\($0).jpg" }) == [[0, 2]])
    }

    /// The FNV-1a test vectors: crop caches and duplicate groups must not change between runs or machines.
    @Test func hashIsStableAndKnown() {
        #expect(StableHash.hex("") == "cbf29ce484222325")
        #expect(StableHash.hex("a") == "af63dc4c8601ec8c")
    }

    @Test func trainingLeavesOutLeaksContradictionsAndRepeats() throws {
        let root = try makeFiles([
            ("Train/Female/f1.jpg", "labelled both ways"), ("Train/Male/m1.jpg", "labelled both ways"),
            ("Train/Female/f2.jpg", "twice in train"), ("Train/Female/f3.jpg", "twice in train"),
            ("Train/Female/f4.jpg", "test says male"), ("Test/Male/t1.jpg", "test says male"),
            ("Train/Male/m2.jpg", "also in validation"), ("Validation/Male/v1.jpg", "also in validation"),
            ("Train/Male/m3.jpg", "unique"), ("Validation/Female/v2.jpg", "unique too"),
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let splits = try DatasetSplits.load(root: root)
        let duplicates = TrainingDuplicates(splits: splits)
        #expect(duplicates.copiesOfHeldOut == 1 && duplicates.contradicted == 3 && duplicates.repeats == 1 && duplicates.leftOut == 5)
        let kept = duplicates.kept.map { (splits.train.samples[$0].path as NSString).lastPathComponent }
        #expect(kept == ["f2.jpg", "m3.jpg"])
    }

    /// Faces of one scene photo share its bytes and differ in label; they are not duplicates.
    @Test func facesOfOneScenePhotoAllStay() throws {
        let root = try makeFiles([("Train/Female/f1.jpg", "same"), ("Train/Male/m1.jpg", "same"), ("Validation/Male/v.jpg", "v"), ("Validation/Female/w.jpg", "w"),
                                  ("scene.jpg", "a scene")])
        defer { try? FileManager.default.removeItem(atPath: root) }
        var splits = try DatasetSplits.load(root: root)
        let box = FaceBox(x: 0, y: 0, width: 50, height: 50, score: 1)
        splits.train.samples += [LabeledSample(path: root + "/scene.jpg", label: 0, face: box),
                                 LabeledSample(path: root + "/scene.jpg", label: 1, face: box.scaled(by: 2))]
        let duplicates = TrainingDuplicates(splits: splits)
        #expect(duplicates.contradicted == 2 && duplicates.leftOut == 2)
        #expect(duplicates.kept == [2, 3])
    }
}
