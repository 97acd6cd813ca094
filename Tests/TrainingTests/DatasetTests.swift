import FaceGenderTraining
import Foundation
import Testing

@Suite struct DatasetTests {
    func makeDir(_ files: [String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fg-ds-\(UUID().uuidString)")
        for f in files {
            let url = root.appendingPathComponent(f)
            if f.hasSuffix("/") {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } else {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("x".utf8).write(to: url)
            }
        }
        return root.path
    }

    @Test func folderLayoutGivesSortedClasses() throws {
        let root = try makeDir(["Male/a.jpg", "Male/b.JPG", "Female/c.png", "Female/notes.txt", "Other/d.webp"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let d = try LabeledDataset.folder(root)
        #expect(d.classes == ["Female", "Male", "Other"])
        #expect(d.classCounts == [1, 2, 1])
    }

    @Test func malformedFoldersAreClearErrors() throws {
        let noClasses = try makeDir(["a.jpg"])
        let emptyClass = try makeDir(["Male/a.jpg", "Female/"])
        let noValidation = try makeDir(["Train/Male/a.jpg"])
        let mismatched = try makeDir(["Train/Male/a.jpg", "Train/Female/b.jpg", "Validation/Male/c.jpg", "Validation/Cat/d.jpg"])
        defer { for p in [noClasses, emptyClass, noValidation, mismatched] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(throws: DatasetError.noClasses(noClasses)) { try LabeledDataset.folder(noClasses) }
        #expect(throws: DatasetError.emptyClass(path: emptyClass + "/Female")) { try LabeledDataset.folder(emptyClass) }
        #expect(throws: DatasetError.notADirectory("/nonexistent")) { try LabeledDataset.folder("/nonexistent") }
        #expect(throws: DatasetError.missingSplit(root: noValidation, split: "Validation")) { try DatasetSplits.load(root: noValidation) }
        #expect(throws: DatasetError.self) { try DatasetSplits.load(root: mismatched) }
    }

    @Test func csvWithGroups() throws {
        let root = try makeDir(["x/a.jpg"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let csv = root + "/labels.csv"
        try Data("file,label,skin\nx/a.jpg,Male,dark\n/abs/b.jpg,Female,light\n".utf8).write(to: URL(fileURLWithPath: csv))
        let d = try LabeledDataset.csv(csv)
        #expect(d.classes == ["Female", "Male"])
        #expect(d.samples[0].path == root + "/x/a.jpg" && d.samples[0].label == 1 && d.samples[0].groups == ["skin": "dark"])
        #expect(d.samples[1].path == "/abs/b.jpg")
        try Data("file,label\nonly-one-column\n".utf8).write(to: URL(fileURLWithPath: csv))
        #expect(throws: DatasetError.self) { try LabeledDataset.csv(csv) }
    }
}
