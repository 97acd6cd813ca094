// libFuzzer entry point for the image decoders: any bytes in, an image or a typed error out, never a crash.
// Built and run by bench/fuzz/run (swiftc -sanitize=fuzzer,address), not part of the package build.
import FaceGenderImaging
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func decoderFuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let decoder = ImageDecoder(limits: DecodeLimits(maxPixels: 4_000_000, maxBytes: 1 << 20))
    if let image = try? decoder.decode(data) {
        precondition(image.pixels.count == image.width * image.height * 3)
    }
    return 0
}
