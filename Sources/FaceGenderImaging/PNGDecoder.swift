import CSpng

/// PNG through libspng: any bit depth, palette, grayscale or alpha, composited over white.
enum PNGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: DecodeLimits) throws(ImageError) -> RGBImage {
        guard let ctx = spng_ctx_new(0) else { throw .corrupt(format: "PNG", reason: "decoder could not start") }
        defer { spng_ctx_free(ctx) }
        // Bound metadata chunks too: a PNG can carry huge compressed text chunks.
        spng_set_chunk_limits(ctx, 4 << 20, 16 << 20)
        var status = spng_set_png_buffer(ctx, bytes.baseAddress, bytes.count)
        guard status == 0 else { throw .corrupt(format: "PNG", reason: message(status)) }
        var header = spng_ihdr()
        status = spng_get_ihdr(ctx, &header)
        guard status == 0 else { throw .corrupt(format: "PNG", reason: message(status)) }
        try limits.check(width: Int(header.width), height: Int(header.height))
        var size = 0
        status = spng_decoded_image_size(ctx, Int32(SPNG_FMT_RGBA8.rawValue), &size)
        guard status == 0 else { throw .corrupt(format: "PNG", reason: message(status)) }
        var rgba = [UInt8](repeating: 0, count: size)
        status = rgba.withUnsafeMutableBytes {
            spng_decode_image(ctx, $0.baseAddress, size, Int32(SPNG_FMT_RGBA8.rawValue), Int32(SPNG_DECODE_TRNS.rawValue))
        }
        guard status == 0 else { throw .corrupt(format: "PNG", reason: message(status)) }
        let width = Int(header.width), height = Int(header.height)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            let a = Int(rgba[4 * i + 3])
            for c in 0..<3 { rgb[3 * i + c] = UInt8((Int(rgba[4 * i + c]) * a + 255 * (255 - a) + 127) / 255) }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }

    private static func message(_ status: Int32) -> String {
        guard let s = spng_strerror(status) else { return "error \(status)" }
        return String(cString: s)
    }
}
