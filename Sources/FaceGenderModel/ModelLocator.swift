import Foundation

/// Finds the model to use: an explicit path, then $FACEGENDER_MODEL, then the default model shipped in
/// the repository (Models/default.safetensors beside the package, found from the executable's location
/// or the working directory).
public enum ModelLocator {
    public static let shippedRelativePath = "Models/default.safetensors"
    /// The shipped face detector, found the same way.
    public static let shippedDetectorPath = "Models/detector.safetensors"

    /// `relativePath`: the shipped file to look for (the classifier by default; the detector is found the same way).
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               executablePath: String = CommandLine.arguments.first ?? "",
                               relativePath: String = shippedRelativePath) throws -> String {
        if let explicit { return explicit }
        if let env = environment["FACEGENDER_MODEL"], !env.isEmpty { return env }
        var candidates: [String] = []
        // .build/<config>/facegender -> package root is three levels up (through the real path of .build).
        let exe = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent(relativePath).path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/" + relativePath)
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw ClassifierError.modelNotFound(searched: candidates)
    }
}
