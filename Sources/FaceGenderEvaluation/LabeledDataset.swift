import Foundation

/// One labelled photo.
public struct LabeledSample: Equatable, Sendable {
    public var path: String
    public var label: Int
    /// Group labels for per-group metrics, e.g. ["age": "20-39", "race": "Asian"].
    public var groups: [String: String]

    public init(path: String, label: Int, groups: [String: String] = [:]) {
        self.path = path; self.label = label; self.groups = groups
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

    public var description: String {
        switch self {
        case let .notADirectory(p): return "\(p) is not a folder"
        case let .noClasses(p): return "\(p) has no class folders; expected one folder per class (e.g. Male/, Female/) holding photos"
        case let .emptyClass(p): return "class folder \(p) holds no .jpg/.jpeg/.png/.webp photos"
        case let .missingSplit(root, split):
            return "\(root) has no \(split)/ folder or \(split).csv; expected \(root)/{Train,Validation,Test}/<class>/*.jpg, or \(root)/{Train,Validation,Test}.csv of file,label[,group...]"
        case let .unreadableFile(p): return "cannot read \(p) as UTF-8 text"
        case let .badCSV(p, line, reason): return "\(p):\(line): \(reason)"
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

    /// A CSV of `file,label[,group columns...]` with a header row; files are relative to the CSV's folder.
    public static func csv(_ path: String) throws -> LabeledDataset {
        let table = try CSVTable.read(path)
        let header = table.header
        guard header.count >= 2 else { throw DatasetError.badCSV(path: path, line: 1, reason: "header needs at least file,label") }
        let rows = table.rows.map { cols in
            (table.resolve(cols[0]), cols[1], Dictionary(uniqueKeysWithValues: zip(header.dropFirst(2), cols.dropFirst(2))))
        }
        guard !rows.isEmpty else { throw DatasetError.badCSV(path: path, line: 2, reason: "no photos listed after the header") }
        let classes = Set(rows.map(\.1)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return LabeledDataset(classes: classes, samples: rows.map { LabeledSample(path: $0.0, label: index[$0.1]!, groups: $0.2) })
    }

    /// A folder of class folders, or a CSV file.
    public static func load(_ path: String) throws -> LabeledDataset {
        path.lowercased().hasSuffix(".csv") ? try csv(path) : try folder(path)
    }

    public var classCounts: [Int] { classes.indices.map { c in samples.filter { $0.label == c }.count } }

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

    public static func load(root: String) throws -> DatasetSplits {
        let train = try split("Train", of: root), validation = try split("Validation", of: root)
        guard validation.classes == train.classes else {
            throw DatasetError.classMismatch(split: "Validation", expected: train.classes, found: validation.classes)
        }
        let test: LabeledDataset?
        do { test = try split("Test", of: root) } catch DatasetError.missingSplit(_, _) { test = nil }
        return DatasetSplits(train: train, validation: validation, test: test)
    }

    /// The folder wins when both a folder and a CSV of the split exist.
    public static func split(_ name: String, of root: String) throws -> LabeledDataset {
        for path in [root + "/" + name, root + "/" + name + ".csv"] where FileManager.default.fileExists(atPath: path) {
            return try LabeledDataset.load(path)
        }
        throw DatasetError.missingSplit(root: root, split: name)
    }
}
