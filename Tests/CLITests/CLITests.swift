import TestSupport
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderModel
import Foundation
import Testing

/// Runs the `facegender` binary built beside the test bundle.
func facegender(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent("facegender").path }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw CLITestError.binaryMissing(candidates)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

enum CLITestError: Error { case binaryMissing([String]) }

/// An untrained tiny model file: the command-line contract, not accuracy, is under test.
func tinyModelFile(seed: UInt64 = 1) throws -> String {
    let network = try Network(spec: Architecture.tiny.spec(inputSide: 32, classes: 2, dropout: 0), seed: seed, parallelism: Parallelism(workers: 1))
    let info = ModelInfo(name: "tiny-cli", version: "0", classes: ["Female", "Male"], preprocessor: FacePreprocessor(inputSide: 32))
    let path = NSTemporaryDirectory() + "fg-cli-\(UUID().uuidString).safetensors"
    try GenderClassifier(network: network, info: info).save(to: path, history: [])
    return path
}

func photos(_ split: String, _ label: String, _ count: Int) throws -> [String] { try utkfacePhotos(split, label, count: count).map(\.path) }

@Suite struct CLITests {
    @Test func predictJSONReportsEachPhotoAndFailsWhenOneFails() throws {
        let model = try tinyModelFile()
        defer { try? FileManager.default.removeItem(atPath: model) }
        let good = try photos("Test", "Male", 2)[1]  // the first, a man of 100, is one the detector misses
        let bad = NSTemporaryDirectory() + "fg-not-a-photo-\(UUID().uuidString).jpg"
        try Data("not a photo".utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }

        let (status, out) = try facegender(["predict", good, bad, "--format", "json", "--model", model])
        #expect(status == 1)
        let answers = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        #expect(answers.count == 2)
        #expect(answers.first?["file"] as? String == good)
        let faces = answers.first?["faces"] as? [[String: Any]] ?? []
        #expect(faces.count == 1)
        #expect(Set((faces.first ?? [:]).keys).isSuperset(of: ["box", "label", "probability", "uncertain"]))
        #expect((answers.last?["error"] as? String)?.isEmpty == false)

        let ok = try facegender(["predict", good, "--format", "csv", "--model", model])
        #expect(ok.status == 0 && ok.stdout.hasPrefix("file,face,x,y,width,height,label,probability,uncertain"))
    }

    @Test func predictFindsAFrameFillingFace() throws {
        // The face fills the frame, chin cut off (the Haar cascades missed it): the detector still finds it.
        let model = try tinyModelFile()
        defer { try? FileManager.default.removeItem(atPath: model) }
        let photo = utkface.appendingPathComponent("Validation/Female/22_1_3_20170104222151616.jpg").path
        let (status, out) = try facegender(["predict", photo, "--format", "json", "--model", model])
        let answers = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        #expect(status == 0)
        #expect((answers.first?["faces"] as? [[String: Any]])?.count == 1, "\(out)")
    }

    /// Scene photos with perceived gender: the faces the detector finds are classified and reported as a dataset.
    @Test func evaluateScenesReportsTheFacesFoundAndMissed() throws {
        let model = try tinyModelFile()
        defer { try? FileManager.default.removeItem(atPath: model) }
        let scenes = sharedRoot.appendingPathComponent("datasets/widerface/Validation.csv").path
        let (status, out) = try facegender(["evaluate", "--scenes", "wider=" + scenes, "--model", model, "--format", "json"])
        #expect(status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
        let groups = summary["groups"] as? [String: Any] ?? [:]
        #expect((summary["count"] as? Int ?? 0) > 100, "\(out.prefix(300))")
        #expect((groups["dataset"] as? [String: Any])?.keys.contains("wider") == true)
        #expect((groups["skin"] as? [String: Any])?.keys.contains("IV-VI") == true)
    }

    @Test func evaluateDetectorLeavesOutUnreadablePhotosAndFailsWhenNoneCanBeRead() throws {
        let photo = sharedRoot.appendingPathComponent("datasets/widerface/Validation/0--Parade__0_Parade_Parade_0_12.jpg").path
        let csv = NSTemporaryDirectory() + "fg-cli-scenes-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        func scenes(_ files: [String]) throws {
            let rows = files.map { "\($0),153,202,19,22,0" }
            try (["file,x,y,width,height,invalid"] + rows).joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        }
        try scenes([photo, "/nonexistent.jpg", "/nonexistent-too.jpg"])
        let (status, out) = try facegender(["evaluate-detector", "--data", csv, "--format", "json", "--workers", "1"])
        #expect(status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
        #expect(report["photos"] as? Int == 1, "\(out.prefix(300))")
        #expect((report["medianMilliseconds"] as? Double ?? 0) > 0)
        try scenes(["/nonexistent.jpg"])
        #expect(try facegender(["evaluate-detector", "--data", csv, "--format", "json"]).status != 0)
    }

    @Test func detectJSON() throws {
        let good = try photos("Test", "Female", 1)[0]
        let (status, out) = try facegender(["detect", good, "/nonexistent.jpg", "--format", "json"])
        #expect(status == 1)
        let answers = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        #expect(answers.count == 2)
        let face = (answers.first?["faces"] as? [[String: Any]])?.first ?? [:]
        #expect(Set(face.keys).isSuperset(of: ["x", "y", "width", "height", "score"]))
        #expect(answers.last?["error"] != nil)
    }

    @Test func evaluateJSONEndsWithMetricsObject() throws {
        let model = try tinyModelFile()
        defer { try? FileManager.default.removeItem(atPath: model) }
        let root = NSTemporaryDirectory() + "fg-cli-eval-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for label in ["Female", "Male"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(label)", withIntermediateDirectories: true)
            for p in try photos("Test", label, 4) {
                try FileManager.default.createSymbolicLink(atPath: "\(root)/\(label)/\((p as NSString).lastPathComponent)", withDestinationPath: p)
            }
        }
        let report = root + "/report.html", table = root + "/predictions.csv"
        let (status, out) = try facegender(["evaluate", "--data", root, "--format", "json", "--model", model, "--report", report,
                                            "--predictions", table])
        #expect(status == 0)
        let metrics = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
        #expect(metrics["count"] as? Int == 8)
        #expect((metrics["accuracy"] as? Double).map { (0...1).contains($0) } == true)
        #expect(metrics["ece"] is Double && metrics["per_class"] is [String: Any])
        #expect((metrics["groups"] as? [String: Any])?["age"] != nil)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("<svg"))
        let rows = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 9 && rows[0].hasPrefix("file,label,predicted,probability,uncertain,correct,face_detected,age"))
        #expect(rows.dropFirst().filter { $0.contains(",true,") || $0.contains(",false,") }.count == 8)
    }

    /// Several `--data NAME=PATH` are evaluated side by side: a `dataset` group with accuracy and ECE for each.
    @Test func evaluateShowsDatasetsSideBySide() throws {
        let model = try tinyModelFile()
        let root = NSTemporaryDirectory() + "fg-cli-eval2-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: model); try? FileManager.default.removeItem(atPath: root) }
        for (name, split) in [("one", "Test"), ("two", "Validation")] {
            for label in ["Female", "Male"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(name)/\(label)", withIntermediateDirectories: true)
                for p in try photos(split, label, 2) {
                    try FileManager.default.createSymbolicLink(atPath: "\(root)/\(name)/\(label)/\((p as NSString).lastPathComponent)", withDestinationPath: p)
                }
            }
        }
        let (status, out) = try facegender(["evaluate", "--data", "first=\(root)/one", "--data", "\(root)/two", "--format", "json", "--model", model])
        #expect(status == 0)
        let metrics = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
        let datasets = (metrics["groups"] as? [String: Any])?["dataset"] as? [String: [String: Any]] ?? [:]
        #expect(datasets.keys.sorted() == ["first", "two"] && datasets.values.allSatisfy { $0["count"] as? Int == 4 && $0["ece"] is Double })
    }

    /// Photos whose bytes are also a training photo's are left out of the metrics and counted.
    @Test func evaluateLeavesOutCopiesOfTrainingPhotos() throws {
        let model = try tinyModelFile()
        let root = NSTemporaryDirectory() + "fg-cli-copies-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: model); try? FileManager.default.removeItem(atPath: root) }
        for label in ["Female", "Male"] {
            for dir in ["\(root)/eval/\(label)", "\(root)/train/\(label)"] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            let evaluated = try photos("Test", label, 3)
            for p in evaluated { try FileManager.default.createSymbolicLink(atPath: "\(root)/eval/\(label)/\((p as NSString).lastPathComponent)", withDestinationPath: p) }
            // A copy under another name, as the dataset's own duplicates are.
            try FileManager.default.copyItem(atPath: evaluated[0], toPath: "\(root)/train/\(label)/copy.jpg")
        }
        let (status, out) = try facegender(["evaluate", "--data", root + "/eval", "--training-data", root + "/train", "--format", "json", "--model", model])
        #expect(status == 0)
        let metrics = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
        #expect(metrics["count"] as? Int == 4)
        #expect(metrics["training_copies_left_out"] as? Int == 2)
    }

    /// `train --data DIR` reads DIR/Train.csv and DIR/Validation.csv when there are no split folders, and the CSVs'
    /// group columns serve --subclasses-by as UTKFace file names do.
    @Test func trainReadsSplitsFromCSVFiles() throws {
        let root = NSTemporaryDirectory() + "fg-cli-csv-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (split, count) in [("Train", 6), ("Validation", 3)] {
            var rows = ["file,label,band"]
            for label in ["Female", "Male"] {
                rows += try photos(split, label, count).enumerated().map { i, p in "\(p),\(label),\(i % 2 == 0 ? "even" : "odd")" }
            }
            try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(root)/\(split).csv"))
        }
        let model = root + "/model.safetensors"
        let status = try facegender(["train", "--data", root, "--architecture", "tiny", "--input-side", "32", "--epochs", "1",
                                     "--batch-size", "4", "--subclasses-by", "band", "--cache-dir", "", "--run-dir", root + "/run",
                                     "--output", model]).status
        #expect(status == 0)
        let trained = try ModelBundle.load(path: model, card: .none)
        #expect(trained.info.classes == ["Female", "Male"])
        #expect(trained.info.subclasses == ["even", "odd"])

        // The same CSV dataset twice under two names: one run, validation measured per dataset every epoch.
        let twice = try facegender(["train", "--data", "a=" + root, "--data", "b=" + root, "--architecture", "tiny", "--input-side", "32",
                                    "--epochs", "1", "--batch-size", "4", "--cache-dir", "", "--run-dir", root + "/run2",
                                    "--output", root + "/two.safetensors", "--keep-duplicates"]).status
        #expect(twice == 0)
        let curves = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/run2/learning-curves.json"))) as? [[String: Any]]
        #expect((curves?.first?["validationAccuracyByDataset"] as? [String: Double])?.keys.sorted() == ["a", "b"])
        #expect(try facegender(["train", "--data", "a=" + root, "--data", "a=" + root]).status == 64, "two datasets, one name")
    }

    /// `calibrate --model` finishes a model file again: same weights, the chosen views stored, temperature refitted.
    @Test func calibrateStoresViewsInAFinishedModel() throws {
        let model = try tinyModelFile()
        let root = NSTemporaryDirectory() + "fg-cli-calibrate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: model); try? FileManager.default.removeItem(atPath: root) }
        for label in ["Female", "Male"] {
            try FileManager.default.createDirectory(atPath: "\(root)/Validation/\(label)", withIntermediateDirectories: true)
            for p in try photos("Validation", label, 4) {
                try FileManager.default.createSymbolicLink(atPath: "\(root)/Validation/\(label)/\((p as NSString).lastPathComponent)", withDestinationPath: p)
            }
        }
        let output = root + "/calibrated.safetensors"
        let status = try facegender(["calibrate", "--data", root, "--model", model, "--view-scales", "0.9,1,1.1", "--output", output,
                                     "--cache-dir", ""]).status
        #expect(status == 0)
        let before = try ModelBundle.load(path: model, card: .none).classifier()
        let after = try ModelBundle.load(path: output, card: .none).classifier()
        #expect(after.info.views == TestTimeViews(scales: [0.9, 1, 1.1], mirror: .averaged) && before.info.views == .centre)
        #expect(after.info.temperature != before.info.temperature && after.info.metrics["validation_accuracy"] != nil)
        let weights = { (c: GenderClassifier) in c.network.parameters.flatMap { $0.value.array } }
        #expect(weights(after) == weights(before))

        // Two --model files: one ensemble model holding both networks' weights, which predict loads like any other.
        let other = try tinyModelFile(seed: 2)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let joined = root + "/ensemble.safetensors"
        #expect(try facegender(["calibrate", "--data", root, "--model", model, "--model", other, "--no-flip-averaging",
                                "--output", joined, "--cache-dir", ""]).status == 0)
        let ensemble = try ModelBundle.load(path: joined, card: .none)
        #expect(ensemble.stored.spec.memberCount == 2 && ensemble.info.views == .centre)
        #expect(try weights(ensemble.classifier()).count == 2 * weights(before).count)
        #expect(try facegender(["predict", "--model", joined, try photos("Validation", "Male", 1)[0]]).status == 0)
    }

    /// `detect --detector FILE` uses a learned detector and prints its landmarks with every box.
    @Test func detectWithALearnedDetectorPrintsLandmarks() throws {
        let spec = DetectorSpec(stemChannels: 4, stride4Channels: 4, pyramidChannels: 8)
        let path = NSTemporaryDirectory() + "fg-cli-detector-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Untrained, with a threshold that lets every position through: boxes with landmarks, whatever they are.
        try LearnedFaceDetector.save(DetectorNetwork(spec: spec, seed: 1, parallelism: Parallelism(workers: 1)),
                                     info: DetectorInfo(name: "t", version: "0", spec: spec, scoreThreshold: 0.001), to: path)
        let (status, out) = try facegender(["detect", try photos("Test", "Male", 1)[0], "--detector", path, "--min-face-size", "8",
                                            "--format", "json"])
        #expect(status == 0)
        let answers = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        let faces = answers.first?["faces"] as? [[String: Any]] ?? []
        #expect(!faces.isEmpty && faces.allSatisfy { ($0["landmarks"] as? [String: Any])?.keys.sorted() == ["left_eye", "mouth_left", "mouth_right", "nose", "right_eye"] })
        #expect(try facegender(["detect", try photos("Test", "Male", 1)[0], "--detector", "/nonexistent.safetensors"]).status != 0)
    }

    /// Options that were measured and rejected (docs/model-history.md) are gone, not hidden.
    @Test func trainOffersNoRejectedOption() throws {
        let (status, out) = try facegender(["train", "--help"])
        #expect(status == 0 && out.contains("--oversample"))
        for removed in ["--mixup", "--self-distillation", "--progressive-resizing", "--camera-degradation", "--optimizer"] {
            #expect(!out.contains(removed), "train --help still lists \(removed)")
        }
    }

    @Test func badOptionsAreUsageErrors() throws {
        #expect(try facegender(["train", "--data", "/nonexistent", "--epochs", "0"]).status == 64)
        #expect(try facegender(["train", "--data", "/nonexistent", "--outside-fill", "1.5"]).status == 64)
        #expect(try facegender(["train", "--data", "/nonexistent", "--weight-average-decay", "1"]).status == 64)
        #expect(try facegender(["train", "--data", "/nonexistent", "--face-margin", "0.8"]).status == 64)
        #expect(try facegender(["serve", "--port", "70000"]).status == 64)
        #expect(try facegender(["evaluate", "--data", "/nonexistent", "--format", "csv"]).status == 64)
        #expect(try facegender(["evaluate", "--data", "/nonexistent", "--view-scales", "0.9,x"]).status == 64)
        #expect(try facegender(["calibrate", "--data", "/nonexistent", "--view-scales", "5"]).status == 64)
    }
}
