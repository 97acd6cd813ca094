import FaceGenderEvaluation
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
        try write("file,label,skin\nx/a.jpg,Male,dark\n/abs/b.jpg,Female,light\n", to: csv)
        let d = try LabeledDataset.csv(csv)
        #expect(d.classes == ["Female", "Male"])
        #expect(d.samples[0].path == root + "/x/a.jpg" && d.samples[0].label == 1 && d.samples[0].groups == ["skin": "dark"])
        #expect(d.samples[1].path == "/abs/b.jpg")
        try write("file,label\nonly-one-column\n", to: csv)
        #expect(throws: DatasetError.self) { try LabeledDataset.csv(csv) }
    }

    func write(_ text: String, to path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    /// A CSV's age in years gives UTKFace's age groups, so datasets compare (and oversample) alike.
    @Test func csvAgesInYearsGiveTheAgeGroups() throws {
        let root = try makeDir(["a.jpg"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("file,label,age,age_summary\na.jpg,Female,7,under 10\nb.jpg,Male,34,20+\nc.jpg,Male,unknown,\n", to: root + "/t.csv")
        let d = try LabeledDataset.csv(root + "/t.csv")
        #expect(d.samples[0].groups == ["age": "0-9", "age_summary": "under 10", "age_detail": "3-9"])
        #expect(d.samples[1].groups == ["age": "20-39", "age_summary": "20+", "age_detail": "30-39"])
        #expect(d.samples[2].groups == ["age": "unknown", "age_summary": ""], "not a number: kept as it is")
    }

    @Test func datasetsJoinUnderTheirNamesWhenTheirClassesAgree() throws {
        let a = LabeledDataset(classes: ["Female", "Male"], samples: [LabeledSample(path: "a.jpg", label: 0, groups: ["age": "0-9"])])
        let b = LabeledDataset(classes: ["Female", "Male"], samples: [LabeledSample(path: "b.jpg", label: 1)])
        let joined = try LabeledDataset.union([a.named("utk"), b.named("celeba")])
        #expect(joined.samples.map { $0.groups["dataset"] } == ["utk", "celeba"] && joined.samples[0].groups["age"] == "0-9")
        let other = LabeledDataset(classes: ["Man", "Woman"], samples: [])
        #expect(throws: DatasetError.self) { try LabeledDataset.union([a.named("utk"), other.named("other")]) }
    }

    @Test func splitsMayBeCSVFilesBesideFolders() throws {
        let root = try makeDir(["photos/a.jpg", "photos/b.jpg", "photos/c.jpg", "photos/d.jpg", "Test/Male/e.jpg", "Test/Female/f.jpg"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("file,label,age\nphotos/a.jpg,Male,0-9\nphotos/b.jpg,Female,20-39\n", to: root + "/Train.csv")
        try write("file,label,age\nphotos/c.jpg,Female,0-9\nphotos/d.jpg,Male,60+\n", to: root + "/Validation.csv")
        let splits = try DatasetSplits.load(root: root)
        #expect(splits.train.classes == ["Female", "Male"] && splits.validation.classes == ["Female", "Male"])
        #expect(splits.train.samples.map(\.path) == [root + "/photos/a.jpg", root + "/photos/b.jpg"])
        #expect(splits.train.samples.map(\.label) == [1, 0])
        #expect(splits.train.samples[0].groups == ["age": "0-9"])
        #expect(splits.test?.samples.count == 2)
    }

    /// WIDER's layout: Train/ holds the scene photos, Train.csv their faces; each counted face with a perceived
    /// gender becomes a sample that keeps its box (smaller than 40 px, invalid or "Not Sure" ones do not).
    @Test func sceneFaceCSVsAreSamplesWithTheirBoxes() throws {
        let root = try makeDir(["Train/a.jpg", "Validation/b.jpg"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let header = "file,x,y,width,height,blur,occlusion,pose,invalid,perceived_gender,perceived_age,perceived_skin\n"
        try write(header + "Train/a.jpg,10,20,50,60,0,0,0,0,Female,Adult,V\nTrain/a.jpg,100,20,48,52,1,0,0,0,Male,Senior,II\n"
                  + "Train/a.jpg,200,20,30,30,0,0,0,0,Male,Adult,I\nTrain/a.jpg,300,20,50,50,0,0,0,1,Male,Adult,I\n"
                  + "Train/a.jpg,400,20,50,50,0,0,0,0,Not Sure,Adult,I\n", to: root + "/Train.csv")
        try write(header + "Validation/b.jpg,5,5,45,45,0,0,0,0,Male,Adult,III\n", to: root + "/Validation.csv")
        let splits = try DatasetSplits.load(root: root)
        #expect(splits.train.classes == ["Female", "Male"] && splits.train.hasSceneFaces)
        #expect(splits.train.samples.map(\.label) == [0, 1])
        #expect(splits.train.samples.allSatisfy { $0.path == root + "/Train/a.jpg" })
        #expect(splits.train.samples[0].face?.x == 10 && splits.train.samples[0].face?.height == 60)
        #expect(splits.train.samples[0].groups["skin"] == "IV-VI" && splits.train.samples[1].groups["perceived_age"] == "Senior")
        #expect(splits.validation.samples.count == 1)
    }

    @Test func malformedCSVSplitsAreClearErrors() throws {
        let root = try makeDir(["photos/a.jpg", "Test/Male/", "Train/Male/b.jpg", "Train/Female/c.jpg"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("file,label\n", to: root + "/Validation.csv")
        #expect(throws: DatasetError.badCSV(path: root + "/Validation.csv", line: 2, reason: "no photos listed after the header")) {
            try DatasetSplits.load(root: root)
        }
        try write("file,label\nphotos/a.jpg,Male\nphotos/a.jpg,Female\n", to: root + "/Validation.csv")
        // A Test split that exists but is malformed is an error, not a missing split.
        #expect(throws: DatasetError.emptyClass(path: root + "/Test/Male")) { try DatasetSplits.load(root: root) }
        #expect(throws: DatasetError.unreadableFile(root + "/none.csv")) { try LabeledDataset.csv(root + "/none.csv") }
    }
}
