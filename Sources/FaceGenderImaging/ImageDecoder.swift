import Foundation

/// Turns bytes from anywhere into an `RGBImage`, or a typed `ImageError`; never traps on input.
public struct ImageDecoder: Sendable {
    public var limits: DecodeLimits

    public init(limits: DecodeLimits = DecodeLimits()) { self.limits = limits }

    public func decode(_ data: Data) throws(ImageError) -> RGBImage {
        guard !data.isEmpty else { throw .empty }
        guard data.count <= limits.maxBytes else { throw .tooManyBytes(bytes: data.count, limit: limits.maxBytes) }
        let limits = self.limits
        let result: Result<RGBImage, ImageError> = data.withUnsafeBytes { bytes in
            do {
                switch ImageFormat.sniff(bytes) {
                case .jpeg: return .success(try JPEGDecoder.decode(bytes, limits: limits))
                case .png: return .success(try PNGDecoder.decode(bytes, limits: limits))
                case .webp: return .success(try WebPDecoder.decode(bytes, limits: limits))
                case .some(let other): throw ImageError.unsupportedFormat(other.rawValue.uppercased())
                case .none: throw ImageError.notAnImage
                }
            } catch let error as ImageError { return .failure(error) } catch { return .failure(.notAnImage) }
        }
        return try result.get()
    }

    public func decodeFile(atPath path: String) throws(ImageError) -> RGBImage {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > limits.maxBytes {
            throw .tooManyBytes(bytes: size, limit: limits.maxBytes)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data)
    }
}
