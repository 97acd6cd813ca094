/// A 3x3, padding-1 convolution of stride 1 or 2 computed directly, for layers with few input channels (a
/// network's first layer, on RGB). There im2col's GEMM sums over only C*9 = 27 products, too few for BLAS to run
/// well, while the direct loop keeps four output channels' accumulators for eight pixels in registers across all
/// 27 taps, reading each input vector once for the four.
///
/// Each image is first copied into zero-bordered planes whose rows are padded to whole vectors, so the loop has
/// no bounds checks; outputs past the map's right edge are computed and not stored. With stride 2 the bordered
/// image is split into four phase planes (even and odd rows times even and odd columns), so that every tap of
/// neighbouring outputs again reads neighbouring floats.
public final class DirectConv3x3 {
    public let inChannels: Int, outChannels: Int, stride: Int
    private let parallelism: Parallelism
    /// Per-worker zero-bordered copy of one image.
    private let paddedImages: [Tensor]
    /// Output channels sharing one pass over the input.
    static let channelBlock = 4

    public init(inChannels: Int, outChannels: Int, stride: Int = 1, parallelism: Parallelism) {
        precondition(stride == 1 || stride == 2, "DirectConv3x3 runs strides 1 and 2, not \(stride)")
        self.inChannels = inChannels; self.outChannels = outChannels; self.stride = stride
        self.parallelism = parallelism
        paddedImages = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
    }

    /// y = conv(x) for `n` images of [C, height, width] into [OC, outHeight, outWidth] each, weights [OC, C, 3, 3],
    /// then the epilogue per output channel.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, weights: UnsafePointer<Float>,
                    images n: Int, height: Int, width: Int, epilogue: ConvEpilogue) {
        let geometry = PaddedGeometry(channels: inChannels, height: height, width: width, stride: stride)
        let imagePixels = inChannels * height * width, outputPixels = outChannels * geometry.outHeight * geometry.outWidth
        if n >= parallelism.workers || parallelism.workers == 1 {
            parallelism.forEachChunk(n) { w, images in
                for i in images {
                    pad(x + i * imagePixels, geometry, into: paddedImages[w])
                    convolve(paddedImages[w].data, geometry, weights, channels: 0..<outChannels, y + i * outputPixels, epilogue)
                }
            }
        } else {
            // Fewer images than cores (batch-1 latency): the workers share each image by output channels.
            let blocks = (outChannels + Self.channelBlock - 1) / Self.channelBlock
            for i in 0..<n {
                pad(x + i * imagePixels, geometry, into: paddedImages[0])
                parallelism.forEachChunk(blocks) { _, range in
                    let channels = (range.lowerBound * Self.channelBlock)..<min(outChannels, range.upperBound * Self.channelBlock)
                    convolve(paddedImages[0].data, geometry, weights, channels: channels, y + i * outputPixels, epilogue)
                }
            }
        }
    }

    /// One image's bordered copy: per channel, stride x stride phase planes of rows padded to whole vectors of
    /// output pixels plus the columns the taps reach past them.
    struct PaddedGeometry {
        let channels: Int, height: Int, width: Int, stride: Int
        var outHeight: Int { (height - 1) / stride + 1 }
        var outWidth: Int { (width - 1) / stride + 1 }
        var vectorsPerRow: Int { (outWidth + Lanes.scalarCount - 1) / Lanes.scalarCount }
        /// Taps reach two bordered columns (rows) past an output's first at stride 1, one phase column at stride 2.
        var reach: Int { 2 / stride }
        var rowLength: Int { vectorsPerRow * Lanes.scalarCount + reach }
        var phasePlane: Int { (outHeight + reach) * rowLength }
        var channelPlanes: Int { stride * stride * phasePlane }

        /// Offset of tap (kh, kw) of channel c from an output's position in the padded copy.
        func tapOffset(channel c: Int, kh: Int, kw: Int) -> Int {
            c * channelPlanes + ((kh % stride) * stride + kw % stride) * phasePlane + (kh / stride) * rowLength + kw / stride
        }
    }

    /// Writes every float of the padded copy once: image pixels where bordered pixel (stride * i + row phase,
    /// stride * j + column phase) lies inside the image, zero elsewhere.
    private func pad(_ image: UnsafePointer<Float>, _ g: PaddedGeometry, into padded: Tensor) {
        padded.resize([g.channels * g.channelPlanes])
        let s = g.stride, rows = g.phasePlane / g.rowLength
        for c in 0..<g.channels {
            let source = image + c * g.height * g.width
            for rowPhase in 0..<s {
                for columnPhase in 0..<s {
                    let plane = padded.data + c * g.channelPlanes + (rowPhase * s + columnPhase) * g.phasePlane
                    // Columns j whose image column x = s * j + columnPhase - 1 lies in 0..<width.
                    let first = (1 - columnPhase + s - 1) / s, end = min(g.rowLength, (g.width - columnPhase + s) / s)
                    for i in 0..<rows {
                        let target = plane + i * g.rowLength, r = s * i + rowPhase - 1
                        guard r >= 0 && r < g.height && first < end else { target.update(repeating: 0, count: g.rowLength); continue }
                        target.update(repeating: 0, count: first)
                        let row = source + r * g.width + s * first + columnPhase - 1
                        if s == 1 {
                            (target + first).update(from: row, count: end - first)
                        } else {
                            for j in 0..<(end - first) { target[first + j] = row[s * j] }
                        }
                        (target + end).update(repeating: 0, count: g.rowLength - end)
                    }
                }
            }
        }
    }

    /// Output channels `channels` of one image from its padded copy.
    private func convolve(_ padded: UnsafePointer<Float>, _ g: PaddedGeometry, _ weights: UnsafePointer<Float>,
                          channels: Range<Int>, _ y: UnsafeMutablePointer<Float>, _ epilogue: ConvEpilogue) {
        let taps = g.channels * 9, plane = g.outHeight * g.outWidth
        let offsets = (0..<taps).map { g.tapOffset(channel: $0 / 9, kh: $0 % 9 / 3, kw: $0 % 3) }
        var o = channels.lowerBound
        while o < channels.upperBound {
            let block = min(Self.channelBlock, channels.upperBound - o)
            // A block of fewer than four channels repeats its first channel's weights in the unused accumulators.
            let w0 = weights + o * taps
            let w1 = w0 + (block > 1 ? taps : 0), w2 = w0 + (block > 2 ? 2 * taps : 0), w3 = w0 + (block > 3 ? 3 * taps : 0)
            for row in 0..<g.outHeight {
                for v in 0..<g.vectorsPerRow {
                    var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes()
                    let source = padded + row * g.rowLength + v * Lanes.scalarCount
                    for t in 0..<taps {
                        let input = UnsafeRawPointer(source + offsets[t]).loadUnaligned(as: Lanes.self)
                        a0.addProduct(input, Lanes(repeating: w0[t]))
                        a1.addProduct(input, Lanes(repeating: w1[t]))
                        a2.addProduct(input, Lanes(repeating: w2[t]))
                        a3.addProduct(input, Lanes(repeating: w3[t]))
                    }
                    let x0 = v * Lanes.scalarCount, count = min(Lanes.scalarCount, g.outWidth - x0)
                    let out = y + row * g.outWidth + x0
                    store(a0, channel: o, to: out + o * plane, count: count, epilogue)
                    if block > 1 { store(a1, channel: o + 1, to: out + (o + 1) * plane, count: count, epilogue) }
                    if block > 2 { store(a2, channel: o + 2, to: out + (o + 2) * plane, count: count, epilogue) }
                    if block > 3 { store(a3, channel: o + 3, to: out + (o + 3) * plane, count: count, epilogue) }
                }
            }
            o += block
        }
    }

    @inline(__always)
    private func store(_ a: Lanes, channel: Int, to p: UnsafeMutablePointer<Float>, count: Int, _ epilogue: ConvEpilogue) {
        var value = a * (epilogue.scale?[channel] ?? 1) + (epilogue.shift?[channel] ?? 0)
        if epilogue.relu { value.replace(with: 0, where: value .< 0) }
        value.store(to: p, count: count)
    }
}
