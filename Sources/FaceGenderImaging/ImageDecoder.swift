import Foundation

/// Turns bytes from anywhere into an `RGBImage`, or a typed `ImageError`; never traps on input.
public struct ImageDecoder: Sendable {
    public var limits: DecodeLimits

    public init(limits: DecodeLimits = DecodeLimits()) { self.limits = limits }

    public func decode(_ data: Data) throws(ImageError) -> RGBImage { try decodePhoto(data, minimumLongSide: nil).image }

    /// The photo decoded as small as its format allows cheaply while its longer side keeps at least `minimumLongSide`
    /// pixels: JPEGs by DCT scaling (1/2, 1/4 or 1/8: a 12 MP photo decodes several times faster), other formats at
    /// full size. Enough for analysis, whose detector sees at most 640 pixels; `DecodedPhoto.scale` maps back.
    public func decodeReduced(_ data: Data, keepingLongSide minimumLongSide: Int) throws(ImageError) -> DecodedPhoto {
        try decodePhoto(data, minimumLongSide: minimumLongSide)
    }

    public func decodeFileReduced(atPath path: String, keepingLongSide minimumLongSide: Int) throws(ImageError) -> DecodedPhoto {
        try decodePhoto(try read(atPath: path), minimumLongSide: minimumLongSide)
    }

    private func decodePhoto(_ data: Data, minimumLongSide: Int?) throws(ImageError) -> DecodedPhoto {
        guard !data.isEmpty else { throw .empty }
        guard data.count <= limits.maxBytes else { throw .tooManyBytes(bytes: data.count, limit: limits.maxBytes) }
        let limits = self.limits
        let result: Result<DecodedPhoto, ImageError> = data.withUnsafeBytes { bytes in
            do {
                switch ImageFormat.sniff(bytes) {
                case .jpeg: return .success(try JPEGDecoder.decode(bytes, limits: limits, minimumLongSide: minimumLongSide))
                case .png: return .success(DecodedPhoto(fullSize: try PNGDecoder.decode(bytes, limits: limits)))
                case .webp: return .success(DecodedPhoto(fullSize: try WebPDecoder.decode(bytes, limits: limits)))
                case .some(let other): throw ImageError.unsupportedFormat(other.rawValue.uppercased())
                case .none: throw ImageError.notAnImage
                }
            } catch let error as ImageError { return .failure(error) } catch { return .failure(.notAnImage) }
        }
        return try result.get()
    }

    public func decodeFile(atPath path: String) throws(ImageError) -> RGBImage { try decode(try read(atPath: path)) }

    private func read(atPath path: String) throws(ImageError) -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > limits.maxBytes {
            throw .tooManyBytes(bytes: size, limit: limits.maxBytes)
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
