import TestSupport
import FaceGenderDetection
import Foundation

/// A small dataset in a temporary folder, symlinking real photos from ../shared (never copying them into the repo).
struct TinyData {
    let root: URL

    init(perClass: [String: Int] = ["Train": 16, "Validation": 8, "Test": 8]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fg-tiny-\(UUID().uuidString)")
        let source = sharedRoot.appendingPathComponent("datasets/utkface")
        for (split, count) in perClass {
            for label in ["Female", "Male"] {
                let from = source.appendingPathComponent("\(split)/\(label)")
                let to = root.appendingPathComponent("\(split)/\(label)")
                try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
                // Every 7th photo: a spread of ages and groups rather than the first names alphabetically.
                let names = try FileManager.default.contentsOfDirectory(atPath: from.path).sorted()
                for name in stride(from: 0, to: names.count, by: 7).prefix(count).map({ names[$0] }) {
                    try FileManager.default.createSymbolicLink(at: to.appendingPathComponent(name), withDestinationURL: from.appendingPathComponent(name))
                }
            }
        }
    }

    func path(_ split: String) -> String { root.appendingPathComponent(split).path }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

func makeDetector() throws -> HaarFaceDetector { HaarFaceDetector(cascade: try HaarCascade.load(path: nil)) }
