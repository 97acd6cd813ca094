import FaceGenderImaging
import Foundation
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// A 40x30 image with distinct quadrants, so orientation mistakes show.
func quadrantImage() -> RGBImage {
    var img = RGBImage(width: 40, height: 30)
    for y in 0..<30 { for x in 0..<40 {
        let i = (y * 40 + x) * 3
        img.pixels[i] = x < 20 ? 250 : 10
        img.pixels[i + 1] = y < 15 ? 250 : 10
        img.pixels[i + 2] = 120
    } }
    return img
}

@Suite struct DecoderTests {
    let decoder = ImageDecoder()

    @Test func jpegRoundTrip() throws {
        let image = quadrantImage()
        let decoded = try decoder.decode(try JPEGEncoder.encode(image, quality: 95))
        #expect(decoded.width == 40 && decoded.height == 30)
        // Compare inside the quadrants: JPEG blurs colour edges; a wrong orientation or channel order is off by ~240.
        for (x, y) in [(5, 5), (35, 5), (5, 25), (35, 25)] {
            let a = image.pixel(x, y), b = decoded.pixel(x, y)
            #expect(abs(Int(a.0) - Int(b.0)) < 20 && abs(Int(a.1) - Int(b.1)) < 20 && abs(Int(a.2) - Int(b.2)) < 20)
        }
    }

    @Test(arguments: [(6, 30, 40), (3, 40, 30), (8, 30, 40), (2, 40, 30)])
    func exifOrientationIsApplied(orientation: Int, width: Int, height: Int) throws {
        let jpeg = try JPEGEncoder.encode(quadrantImage(), quality: 95)
        let rotated = try decoder.decode(withExifOrientation(jpeg, orientation))
        #expect(rotated.width == width && rotated.height == height)
        let expected = ExifOrientation(rawValue: orientation)!.apply(to: try decoder.decode(jpeg))
        #expect(rotated == expected)
        // Orientation 6 (camera turned right): the stored top-left quadrant ends at the top-right.
        if orientation == 6 { #expect(rotated.pixel(25, 5).0 > 200 && rotated.pixel(25, 5).1 > 200) }
    }

    /// JPEGs decode at the smallest of 1/2, 1/4, 1/8 that keeps the asked long side, with the photo's own size
    /// (upright) beside them; other formats decode whole.
    @Test func reducedDecodingKeepsTheLongSideAndThePhotosSize() throws {
        let big = Resampler.resize(quadrantImage(), width: 400, height: 300)
        let jpeg = try JPEGEncoder.encode(big, quality: 95)
        let half = try decoder.decodeReduced(jpeg, keepingLongSide: 150)
        #expect(half.image.width == 200 && half.image.height == 150 && half.width == 400 && half.height == 300 && half.scale == 2)
        #expect(half.image.pixel(20, 20).0 > 200 && half.image.pixel(180, 130).0 < 50, "the same picture, smaller")
        let eighth = try decoder.decodeReduced(jpeg, keepingLongSide: 40)
        #expect(eighth.image.width == 50 && eighth.image.height == 38 && eighth.scale == 8)
        #expect(try decoder.decodeReduced(jpeg, keepingLongSide: 300).scale == 1)
        let upright = try decoder.decodeReduced(withExifOrientation(jpeg, 6), keepingLongSide: 100)
        #expect(upright.image.width == 75 && upright.image.height == 100 && upright.width == 300 && upright.height == 400)
        let png = try decoder.decodeReduced(try TestEncoders.png(width: 3, height: 1, colorType: 0, samples: [0, 128, 255]), keepingLongSide: 1)
        #expect(png.scale == 1 && png.image.width == 3 && png.width == 3)
    }

    /// Inserts an APP1 Exif segment holding only the Orientation tag (big-endian TIFF) after SOI.
    func withExifOrientation(_ jpeg: Data, _ value: Int) -> Data {
        var tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1]
        tiff += [0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, UInt8(value), 0, 0]
        tiff += [0, 0, 0, 0]
        let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        var out = Data(jpeg.prefix(2))
        out.append(contentsOf: [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload)
        out.append(jpeg.dropFirst(2))
        return out
    }

    @Test func grayscaleJPEGComesOutRGB() throws {
        // Equal channels encode as a colour JPEG; what matters is 3 channels out with equal values.
        var gray = RGBImage(width: 16, height: 16)
        for i in 0..<(16 * 16) { let v = UInt8(i % 256); gray.pixels[3 * i] = v; gray.pixels[3 * i + 1] = v; gray.pixels[3 * i + 2] = v }
        let decoded = try decoder.decode(try JPEGEncoder.encode(gray, quality: 100))
        #expect(decoded.pixels.count == 16 * 16 * 3)
    }

    @Test func truncatedJPEGIsCorrupt() throws {
        let jpeg = try JPEGEncoder.encode(quadrantImage(), quality: 90)
        for cut in [jpeg.count / 2, jpeg.count - 10] {
            #expect(throws: ImageError.self) { try decoder.decode(jpeg.prefix(cut)) }
        }
    }

    @Test func badFixturesAreTypedErrors() throws {
        let expectations: [String: String] = [
            "empty.jpg": "empty",
            "text-named-as.jpg": "not_an_image",
            "gif-image.png": "unsupported_format",
            "bomb-100000x100000.png": "too_many_pixels",
            "bomb-65000x65000.jpg": "too_many_pixels",
            "corrupt-crc.png": "corrupt",
            "header-only.jpg": "corrupt",
            "corrupt.webp": "corrupt",
        ]
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("bad").path)
        #expect(Set(files) == Set(expectations.keys), "every bad fixture has an expected error")
        for (file, kind) in expectations {
            do {
                _ = try decoder.decodeFile(atPath: fixtures.appendingPathComponent("bad/\(file)").path)
                Issue.record("\(file) decoded but should fail with \(kind)")
            } catch {
                #expect(error.kind == kind, "\(file): \(error)")
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func byteLimitIsCheckedBeforeDecoding() {
        let small = ImageDecoder(limits: DecodeLimits(maxPixels: 100, maxBytes: 10))
        #expect(throws: ImageError.tooManyBytes(bytes: 11, limit: 10)) { try small.decode(Data(count: 11)) }
    }

    @Test func pixelLimitIsConfigurable() throws {
        let jpeg = try JPEGEncoder.encode(quadrantImage())
        let strict = ImageDecoder(limits: DecodeLimits(maxPixels: 1000, maxBytes: 1 << 20))
        #expect(throws: ImageError.tooManyPixels(width: 40, height: 30, limit: 1000)) { try strict.decode(jpeg) }
    }

    @Test func formatIsSniffedFromBytesNotName() throws {
        let jpeg = try JPEGEncoder.encode(quadrantImage())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fg-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try jpeg.write(to: URL(fileURLWithPath: path))
        #expect(try decoder.decodeFile(atPath: path).width == 40)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        for prefix in [[UInt8](), [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array("RIFF\0\0\0\0WEBP".utf8)] {
            for _ in 0..<50 {
                let tail = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                _ = try? decoder.decode(Data(prefix + tail))
            }
        }
    }
}
