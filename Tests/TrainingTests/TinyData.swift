import TestSupport
import FaceGenderDetection
import Foundation

/// A small dataset in a temporary folder, symlinking real photos from ../shared (never copying them into the repo).
struct TinyData {
    let root: URL

    init(perClass: [String: Int] = ["Train": 16, "Validation": 8, "Test": 8]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fg-tiny-\(UUID().uuidString)")
        for (split, count) in perClass {
            for label in ["Female", "Male"] {
                let photos = try utkfacePhotos(split, label)
                let to = root.appendingPathComponent("\(split)/\(label)")
                try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
                // Every 7th photo: a spread of ages and groups rather than the first names alphabetically.
                for photo in stride(from: 0, to: photos.count, by: 7).prefix(count).map({ photos[$0] }) {
                    try FileManager.default.createSymbolicLink(at: to.appendingPathComponent(photo.lastPathComponent), withDestinationURL: photo)
                }
            }
        }
    }

    func path(_ split: String) -> String { root.appendingPathComponent(split).path }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

func makeDetector() throws -> LearnedFaceDetector { try LearnedFaceDetector(contentsOf: shippedDetectorPath) }
