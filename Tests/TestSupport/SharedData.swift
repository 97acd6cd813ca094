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

/// The first `count` photos (by name) of one split and class.
public func utkfacePhotos(_ split: String, _ label: String, count: Int) -> [URL] {
    let dir = utkface.appendingPathComponent("\(split)/\(label)")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    return names.prefix(count).map { dir.appendingPathComponent($0) }
}
