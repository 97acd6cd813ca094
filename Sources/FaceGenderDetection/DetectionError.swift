public enum DetectionError: Error, CustomStringConvertible, Equatable {
    case cascadeNotFound(searched: [String])
    case unreadableCascade(path: String, reason: String)
    case unsupportedCascade(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cascadeNotFound(searched):
            return "no Haar cascade found (looked in \(searched.joined(separator: ", "))); install Debian's opencv-data "
                + "(scripts/install-deps) or pass --cascade PATH"
        case let .unreadableCascade(path, reason): return "cannot read Haar cascade \(path): \(reason)"
        case let .unsupportedCascade(path, reason): return "\(path) is not a supported OpenCV Haar cascade: \(reason)"
        }
    }
}
