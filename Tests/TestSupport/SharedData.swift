import Foundation

/// Where the project's shared data is: $FACEGENDER_SHARED, else ../shared beside the package root.
/// Tests read real photos from there; none are copied into the repository.
public let sharedRoot: URL = {
    if let env = ProcessInfo.processInfo.environment["FACEGENDER_SHARED"], !env.isEmpty { return URL(fileURLWithPath: env) }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")
}()

/// The aligned UTKFace photos: utkface/{Train,Validation,Test}/{Male,Female}.
public let utkface = sharedRoot.appendingPathComponent("datasets/utkface")

/// Why a test that needs the shared photos cannot run: a failure that says where to put them, not a crash on an empty list.
public enum SharedDataError: Error, CustomStringConvertible {
    case tooFewPhotos(folder: String, wanted: Int, found: Int)

    public var description: String {
        switch self {
        case let .tooFewPhotos(folder, wanted, found):
            "needs \(wanted) photo\(wanted == 1 ? "" : "s") in \(folder), found \(found): put the project's shared data at ../shared beside the project or set FACEGENDER_SHARED"
        }
    }
}

/// The folder of one split and class.
func utkfaceFolder(_ split: String, _ label: String) -> URL { utkface.appendingPathComponent("\(split)/\(label)") }

/// Every photo (by name) of one split and class.
public func utkfacePhotos(_ split: String, _ label: String) throws -> [URL] {
    let dir = utkfaceFolder(split, label)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path), !names.isEmpty else {
        throw SharedDataError.tooFewPhotos(folder: dir.path, wanted: 1, found: 0)
    }
    return names.sorted().map { dir.appendingPathComponent($0) }
}

/// The first `count` photos (by name) of one split and class.
public func utkfacePhotos(_ split: String, _ label: String, count: Int) throws -> [URL] {
    let all = try utkfacePhotos(split, label)
    guard all.count >= count else {
        throw SharedDataError.tooFewPhotos(folder: utkfaceFolder(split, label).path, wanted: count, found: all.count)
    }
    return Array(all.prefix(count))
}

/// The shipped face detector (Models/detector.safetensors in the package), which tests use as the product does.
public let shippedDetectorPath: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Models/detector.safetensors").path
