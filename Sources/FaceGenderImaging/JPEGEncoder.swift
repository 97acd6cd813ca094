import CTurboJPEG
import Foundation

/// JPEG encoding through libturbojpeg, for annotated copies of photos and test images.
public enum JPEGEncoder {
    public static func encode(_ image: RGBImage, quality: Int = 90) throws(ImageError) -> Data {
        guard let handle = tjInitCompress() else { throw .corrupt(format: "JPEG", reason: "encoder could not start") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard status == 0, let buffer else { throw .corrupt(format: "JPEG", reason: "encoding failed") }
        return Data(bytes: buffer, count: Int(size))
    }
}
