import CSpng
import CTurboJPEG
import CWebP
import FaceGenderImaging
import Foundation
import Testing

/// Encoders for test images in the formats and colour layouts the decoder must handle.
enum TestEncoders {
    /// A PNG of raw samples (`channels` per pixel, 8-bit) with the given colour type.
    static func png(width: Int, height: Int, colorType: UInt8, samples: [UInt8]) throws -> Data {
        guard let ctx = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else { throw TestEncoderError.failed }
        defer { spng_ctx_free(ctx) }
        spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1)
        var ihdr = spng_ihdr(width: UInt32(width), height: UInt32(height), bit_depth: 8, color_type: colorType,
                             compression_method: 0, filter_method: 0, interlace_method: 0)
        spng_set_ihdr(ctx, &ihdr)
        let status = samples.withUnsafeBytes {
            spng_encode_image(ctx, $0.baseAddress, $0.count, Int32(SPNG_FMT_PNG.rawValue), Int32(SPNG_ENCODE_FINALIZE.rawValue))
        }
        guard status == 0 else { throw TestEncoderError.failed }
        var length = 0, error: Int32 = 0
        guard let buffer = spng_get_png_buffer(ctx, &length, &error) else { throw TestEncoderError.failed }
        defer { free(buffer) }
        return Data(bytes: buffer, count: length)
    }

    static func webp(_ image: RGBImage) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        let size = image.pixels.withUnsafeBufferPointer {
            WebPEncodeRGB($0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 3), 95, &output)
        }
        guard size > 0, let output else { throw TestEncoderError.failed }
        defer { WebPFree(output) }
        return Data(bytes: output, count: size)
    }

    /// A CMYK (YCCK) JPEG from 4-channel samples.
    static func cmykJPEG(width: Int, height: Int, cmyk: [UInt8]) throws -> Data {
        guard let handle = tjInitCompress() else { throw TestEncoderError.failed }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = cmyk.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(TJPF_CMYK.rawValue), &buffer, &size,
                        Int32(TJSAMP_444.rawValue), 100, 0)
        }
        guard status == 0, let buffer else { throw TestEncoderError.failed }
        defer { tjFree(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }
}

enum TestEncoderError: Error { case failed }

@Suite struct FormatTests {
    let decoder = ImageDecoder()

    @Test func pngWithAlphaIsCompositedOverWhite() throws {
        // 2x1 RGBA: opaque red, fully transparent blue.
        let png = try TestEncoders.png(width: 2, height: 1, colorType: 6, samples: [255, 0, 0, 255, 0, 0, 255, 0])
        let image = try decoder.decode(png)
        #expect(image.width == 2 && image.height == 1)
        #expect(image.pixel(0, 0) == (255, 0, 0))
        #expect(image.pixel(1, 0) == (255, 255, 255))
    }

    @Test func grayscalePNGComesOutRGB() throws {
        let png = try TestEncoders.png(width: 3, height: 1, colorType: 0, samples: [0, 128, 255])
        let image = try decoder.decode(png)
        #expect(image.pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255])
    }

    @Test func webpRoundTrip() throws {
        let webp = try TestEncoders.webp(quadrantImage())
        let image = try decoder.decode(webp)
        #expect(image.width == 40 && image.height == 30)
        #expect(image.pixel(5, 5).0 > 200 && image.pixel(35, 25).0 < 60)
    }

    @Test func cmykJPEGIsConvertedToRGB() throws {
        // Adobe-style inverted CMYK: all channels 255 is white, K = 0 is black.
        let white = [UInt8](repeating: 255, count: 8 * 8 * 4)
        let decodedWhite = try decoder.decode(try TestEncoders.cmykJPEG(width: 8, height: 8, cmyk: white))
        #expect(decodedWhite.width == 8 && decodedWhite.pixels.allSatisfy { $0 > 245 })
        let black = [UInt8]((0..<64).flatMap { _ in [255, 255, 255, 0] })
        let decodedBlack = try decoder.decode(try TestEncoders.cmykJPEG(width: 8, height: 8, cmyk: black))
        #expect(decodedBlack.pixels.allSatisfy { $0 < 10 })
    }
}
