/// Why a photo could not be read. Messages say what was wrong and what to do.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    case empty
    case tooManyBytes(bytes: Int, limit: Int)
    case unsupportedFormat(String)
    case notAnImage
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case corrupt(format: String, reason: String)
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .empty: return "the file is empty"
        case let .tooManyBytes(bytes, limit):
            return "the file is \(bytes) bytes; the limit is \(limit) bytes. Send a smaller photo"
        case let .unsupportedFormat(format):
            return "\(format) images are not supported; send a JPEG, PNG or WebP photo"
        case .notAnImage: return "the data is not an image (expected JPEG, PNG or WebP)"
        case let .tooManyPixels(width, height, limit):
            return "the image is \(width)x\(height) pixels; the limit is \(limit) pixels. Resize it and try again"
        case let .corrupt(format, reason): return "the \(format) image is corrupt or truncated: \(reason)"
        case let .unreadableFile(path, reason): return "cannot read \(path): \(reason)"
        }
    }

    /// A short machine-readable kind, e.g. for metrics labels and API problem types.
    public var kind: String {
        switch self {
        case .empty: return "empty"
        case .tooManyBytes: return "too_large"
        case .unsupportedFormat: return "unsupported_format"
        case .notAnImage: return "not_an_image"
        case .tooManyPixels: return "too_many_pixels"
        case .corrupt: return "corrupt"
        case .unreadableFile: return "unreadable_file"
        }
    }
}
