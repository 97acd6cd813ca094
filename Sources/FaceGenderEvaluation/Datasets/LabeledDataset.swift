import FaceGenderDetection
import Foundation

/// One labelled photo.
public struct LabeledSample: Equatable, Sendable {
    public var path: String
    public var label: Int
    /// Group labels for per-group metrics, e.g. ["age": "20-39", "race": "Asian"].
    public var groups: [String: String]
    /// The labelled face's box where the photo is a scene of several (`LabeledDataset.sceneFaces`): the sample is the
    /// detection that matches it. nil: the photo's largest detected face.
    public var face: FaceBox?

    public init(path: String, label: Int, groups: [String: String] = [:], face: FaceBox? = nil) {
        self.path = path; self.label = label; self.groups = groups; self.face = face
    }
}

public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case notADirectory(String)
    case noClasses(String)
    case emptyClass(path: String)
    case missingSplit(root: String, split: String)
    case badCSV(path: String, line: Int, reason: String)
    case unreadableFile(String)
    case classMismatch(split: String, expected: [String], found: [String])
    case datasetClassMismatch(dataset: String, expected: [String], found: [String])

    public var description: String {
        switch self {
        case let .notADirectory(p): return "\(p) is not a folder"
        case let .noClasses(p): return "\(p) has no class folders; expected one folder per class (e.g. Male/, Female/) holding photos"
        case let .emptyClass(p): return "class folder \(p) holds no .jpg/.jpeg/.png/.webp photos"
        case let .missingSplit(root, split):
            return "\(root) has no \(split)/ folder or \(split).csv; expected \(root)/{Train,Validation,Test}/<class>/*.jpg, or \(root)/{Train,Validation,Test}.csv of file,label[,group...]"
        case let .unreadableFile(p): return "cannot read \(p) as UTF-8 text"
        case let .badCSV(p, line, reason): return "\(p):\(line): \(reason)"
        case let .datasetClassMismatch(dataset, expected, found):
            return "dataset \(dataset) has classes \(found) but the first has \(expected); datasets trained or evaluated together need the same class names"
        case let .classMismatch(split, expected, found):
            return "the \(split) split has classes \(found) but Train has \(expected); every split needs the same class folders"
        }
    }
}

/// A set of labelled photos with its class names.
public struct LabeledDataset: Sendable {
    public var classes: [String]
    public var samples: [LabeledSample]

    public init(classes: [String], samples: [LabeledSample]) { self.classes = classes; self.samples = samples }

    static let photoExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    /// `dir/<class>/*.jpg`: class names are the folder names, sorted.
    public static func folder(_ dir: String) throws -> LabeledDataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { throw DatasetError.notADirectory(dir) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let classes = entries.filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &d) && d.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw DatasetError.noClasses(dir) }
        var samples: [LabeledSample] = []
        for (label, name) in classes.enumerated() {
            let classDir = dir + "/" + name
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: classDir)) ?? [])
                .filter { photoExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !files.isEmpty else { throw DatasetError.emptyClass(path: classDir) }
            samples += files.map { LabeledSample(path: classDir + "/" + $0, label: label, groups: UTKFaceName.groups(fileName: $0)) }
        }
        return LabeledDataset(classes: classes, samples: samples)
    }

    /// A CSV of `file,label[,group columns...]` with a header row; files are relative to the CSV's folder. An `age`
    /// column of whole years gives the age groups that UTKFace names give (band, summary, detail), so that datasets
    /// can be compared and oversampled alike.
    public static func csv(_ path: String) throws -> LabeledDataset { try csv(CSVTable.read(path)) }

    /// `csv(_:)` of a table already read; scene tables give `sceneFaces`.
    static func csv(_ table: CSVTable) throws -> LabeledDataset {
        if isSceneTable(table) { return try sceneFaces(table) }
        let path = table.path, header = table.header
        guard header.count >= 2 else { throw DatasetError.badCSV(path: path, line: 1, reason: "header needs at least file,label") }
        let rows = table.rows.map { cols in
            var groups = Dictionary(uniqueKeysWithValues: zip(header.dropFirst(2), cols.dropFirst(2)))
            if let years = groups["age"].flatMap({ Int($0) }) { groups.merge(UTKFaceName.ageGroups(years)) { _, derived in derived } }
            return (table.resolve(cols[0]), cols[1], groups)
        }
        guard !rows.isEmpty else { throw DatasetError.badCSV(path: path, line: 2, reason: "no photos listed after the header") }
        let classes = Set(rows.map(\.1)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return LabeledDataset(classes: classes, samples: rows.map { LabeledSample(path: $0.0, label: index[$0.1]!, groups: $0.2) })
    }

    /// Whether a CSV lists faces in scene photos with perceived gender (`SceneDataset`'s columns) rather than photos.
    static func isSceneTable(_ table: CSVTable) -> Bool {
        Set(["file", "x", "y", "width", "height", "perceived_gender"]).isSubset(of: table.header)
    }

    /// Scene photos' faces (WIDER's CSV) as samples: each counted face (`DetectionMetrics`) with a perceived gender
    /// of Female or Male, its box kept; groups as `evaluate --scenes` reports them (skin band, perceived skin and
    /// age, pose, occlusion, blur).
    public static func sceneFaces(_ table: CSVTable, metrics: DetectionMetrics = DetectionMetrics()) throws -> LabeledDataset {
        let classes = ["Female", "Male"]
        let scenes = try SceneDataset.load(table: table)
        let samples = scenes.photos.flatMap { photo in
            photo.faces.compactMap { face -> LabeledSample? in
                guard metrics.counts(face), let label = face.attributes["perceived_gender"].flatMap({ classes.firstIndex(of: $0) }) else {
                    return nil
                }
                return LabeledSample(path: photo.path, label: label, groups: SceneEvaluator.groups(face, dataset: nil), face: face.box)
            }
        }
        guard !samples.isEmpty else {
            throw DatasetError.badCSV(path: table.path, line: 2, reason: "no face of \(Int(metrics.minimumSide)) px or more with a perceived gender")
        }
        return LabeledDataset(classes: classes, samples: samples)
    }

    /// Whether any sample is a face in a scene photo.
    public var hasSceneFaces: Bool { samples.contains { $0.face != nil } }

    /// A folder of class folders, or a CSV file.
    public static func load(_ path: String) throws -> LabeledDataset {
        path.lowercased().hasSuffix(".csv") ? try csv(path) : try folder(path)
    }

    public var classCounts: [Int] { classes.indices.map { c in samples.filter { $0.label == c }.count } }

    /// The same photos with the group `dataset` set to `name`, so that reports and oversampling can tell datasets apart.
    public func named(_ name: String) -> LabeledDataset {
        LabeledDataset(classes: classes, samples: samples.map { s in
            var s = s
            s.groups["dataset"] = name
            return s
        })
    }

    /// Several datasets as one; they must name the same classes (their samples keep their own groups).
    public static func union(_ sets: [LabeledDataset]) throws -> LabeledDataset {
        guard let first = sets.first else { return LabeledDataset(classes: [], samples: []) }
        for set in sets.dropFirst() where set.classes != first.classes {
            throw DatasetError.datasetClassMismatch(dataset: set.samples.first?.groups["dataset"] ?? "?", expected: first.classes, found: set.classes)
        }
        return LabeledDataset(classes: first.classes, samples: sets.flatMap(\.samples))
    }

    /// These photos without those whose bytes are also one of `other`'s photos, and how many those were.
    public func removingCopies(of other: LabeledDataset) -> (dataset: LabeledDataset, removed: Int) {
        let copies = DuplicatePhotos.copies(in: samples.map(\.path), of: other.samples.map(\.path))
        let kept = samples.indices.filter { !copies.contains($0) }.map { samples[$0] }
        return (LabeledDataset(classes: classes, samples: kept), copies.count)
    }
}

/// The three splits of `root`: each the folder `root/<Split>/<class>/` or the CSV `root/<Split>.csv`.
public struct DatasetSplits: Sendable {
    public var train: LabeledDataset, validation: LabeledDataset, test: LabeledDataset?

    public init(train: LabeledDataset, validation: LabeledDataset, test: LabeledDataset?) {
        self.train = train; self.validation = validation; self.test = test
    }

    /// Several datasets' splits as one, each photo's group `dataset` naming where it came from: training draws from
    /// all of them, validation and early stopping use the union of their Validation splits.
    public static func union(_ named: [(name: String, splits: DatasetSplits)]) throws -> DatasetSplits {
        let tests = named.compactMap { $0.splits.test?.named($0.name) }
        return DatasetSplits(train: try .union(named.map { $0.splits.train.named($0.name) }),
                             validation: try .union(named.map { $0.splits.validation.named($0.name) }),
                             test: tests.isEmpty ? nil : try .union(tests))
    }

    public static func load(root: String) throws -> DatasetSplits {
        let train = try split("Train", of: root), validation = try split("Validation", of: root)
        guard validation.classes == train.classes else {
            throw DatasetError.classMismatch(split: "Validation", expected: train.classes, found: validation.classes)
        }
        let test: LabeledDataset?
        do { test = try split("Test", of: root) } catch DatasetError.missingSplit(_, _) { test = nil }
        return DatasetSplits(train: train, validation: validation, test: test)
    }

    /// The folder wins when both a folder and a CSV of the split exist, unless the CSV lists scene faces (then the
    /// folder holds their photos, as widerface/ does).
    public static func split(_ name: String, of root: String) throws -> LabeledDataset {
        let folder = root + "/" + name, csvPath = folder + ".csv"
        let hasFolder = FileManager.default.fileExists(atPath: folder)
        if FileManager.default.fileExists(atPath: csvPath) {
            let table = try CSVTable.read(csvPath)
            if LabeledDataset.isSceneTable(table) || !hasFolder { return try LabeledDataset.csv(table) }
        }
        guard hasFolder else { throw DatasetError.missingSplit(root: root, split: name) }
        return try LabeledDataset.folder(folder)
    }
}
