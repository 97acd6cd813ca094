/// A 3x3, stride-1, padding-1 convolution by Winograd's minimal filtering F(4x4, 3x3) (Lavin & Gray 2016):
/// each 4x4 block of output pixels (a tile) comes from a 6x6 input patch with 36 multiplications per
/// channel pair instead of 144. The products become 36 independent GEMMs, one per position ξ of the 6x6
/// transformed tile:  M[ξ] (OC x T) = U[ξ] (OC x C) * V[ξ] (C x T)
/// with U = G g Gᵀ (weights), V = Bᵀ d B (input patches), and each output tile Aᵀ M A.
///
/// The weight gradient runs the same way backwards: with dM = A dY Aᵀ per output tile,
/// dU[ξ] (OC x C) = Σ_tiles dM[ξ] (OC x T) * V[ξ]ᵀ (T x C), and dW = Gᵀ dU G: a quarter of im2col's multiplications.
///
/// Tiles of all images are numbered in one sequence and dealt out to workers in blocks, so a batch of
/// one image is shared by the cores as well as a batch of 64 is. The transforms run on eight tiles at once,
/// one per SIMD lane.
public final class Winograd3x3 {
    public let inChannels: Int, outChannels: Int
    private let parallelism: Parallelism
    /// U: [36, OC, C], transformed weights.
    private let transformedWeights = Tensor(shape: [0])
    /// Per-worker V [36, C, B] and M [36, OC, B].
    private let inputTiles: [Tensor], productTiles: [Tensor]
    /// Per-worker dU [36, OC, C], the weight gradient in the transformed domain.
    private let weightGradientTiles: [Tensor]
    /// Tiles per block: keeps a block's V and M near 4 MB per worker (cache-sized), and GEMMs wide enough.
    let blockTiles: Int

    public init(inChannels: Int, outChannels: Int, parallelism: Parallelism) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.parallelism = parallelism
        blockTiles = max(32, min(512, (1 << 20) / (36 * (inChannels + outChannels))))
        inputTiles = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
        productTiles = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
        weightGradientTiles = (0..<parallelism.workers).map { _ in Tensor(shape: [0]) }
    }

    /// Transforms the weights, given as [OC, C, 3, 3]; with `flipped`, as the weights of the transposed
    /// convolution instead (input and output channels swapped, kernel rotated 180°), which maps dL/dy to
    /// dL/dx. Call before `run` whenever the weights changed.
    public func setWeights(_ w: UnsafePointer<Float>, flipped: Bool = false) {
        let oc = outChannels, c = inChannels
        transformedWeights.resize([36, oc, c])
        let u = transformedWeights.data, plane = oc * c
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 9 + 18 + 6) { scratch in
            let g = scratch.baseAddress!, t = g + 9, row = t + 18
            for o in 0..<oc {
                for i in 0..<c {
                    // Source kernel: w[o][i] normally; w[i][o] rotated 180° for the transposed convolution.
                    let src = flipped ? w + (i * oc + o) * 9 : w + (o * c + i) * 9
                    for k in 0..<9 { g[k] = flipped ? src[8 - k] : src[k] }
                    // t = G g (6x3), then u = t Gᵀ (6x6).
                    for col in 0..<3 { Self.filterTransform(g + col, 3, t + col, 3) }
                    for r in 0..<6 {
                        Self.filterTransform(t + r * 3, 1, row, 1)
                        for k in 0..<6 { u[(r * 6 + k) * plane + o * c + i] = row[k] }
                    }
                }
            }
        }
    }

    /// out = G in: six values from three.
    @inline(__always)
    private static func filterTransform(_ i: UnsafePointer<Float>, _ si: Int, _ o: UnsafeMutablePointer<Float>, _ so: Int) {
        let g0 = i[0], g1 = i[si], g2 = i[2 * si]
        o[0] = g0 / 4
        o[so] = -(g0 + g1 + g2) / 6
        o[2 * so] = -(g0 - g1 + g2) / 6
        o[3 * so] = g0 / 24 + g1 / 12 + g2 / 6
        o[4 * so] = g0 / 24 - g1 / 12 + g2 / 6
        o[5 * so] = g2
    }

    /// y = conv(x) for `n` images of [C, height, width] into [OC, height, width] each, then per output
    /// channel `y * scale + shift` (bias or an inference BatchNorm) and optionally ReLU.
    public func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, images n: Int, height: Int, width: Int,
                    epilogue: ConvEpilogue) {
        let geometry = TileGeometry(height: height, width: width)
        forEachBlock(of: n * geometry.tilesPerImage) { w, tiles in
            runBlock(x, y, tiles, geometry, epilogue, inputTiles[w], productTiles[w])
        }
    }

    /// Deals `total` tiles to the workers in chunks of 8 (so a worker's range is not cut into slivers), and each
    /// worker's range to `body` in blocks of at most `blockTiles`.
    private func forEachBlock(of total: Int, _ body: (_ worker: Int, _ tiles: Range<Int>) -> Void) {
        parallelism.forEachChunk((total + 7) / 8) { w, chunk in
            let tiles = (chunk.lowerBound * 8)..<min(total, chunk.upperBound * 8)
            var start = tiles.lowerBound
            while start < tiles.upperBound {
                let end = min(tiles.upperBound, start + blockTiles)
                body(w, start..<end)
                start = end
            }
        }
    }

    /// dW += dL/dW, [OC, C, 3, 3], from the forward input x ([n, C, height, width]) and dL/dy ([n, OC, height, width]).
    public func accumulateWeightGradient(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, images n: Int,
                                         height: Int, width: Int, into dW: UnsafeMutablePointer<Float>) {
        let geometry = TileGeometry(height: height, width: width)
        guard n * geometry.tilesPerImage > 0 else { return }
        // Every worker's part starts at zero (a worker without tiles then adds nothing).
        for part in weightGradientTiles { part.resize([36, outChannels, inChannels]); part.zero() }
        forEachBlock(of: n * geometry.tilesPerImage) { w, tiles in
            weightGradientBlock(x, dy, tiles, geometry, inputTiles[w], productTiles[w], weightGradientTiles[w])
        }
        for part in weightGradientTiles.dropFirst() { accumulate(weightGradientTiles[0], part) }
        inverseFilterTransform(weightGradientTiles[0].data, into: dW)
    }

    private func weightGradientBlock(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ tiles: Range<Int>, _ geo: TileGeometry,
                                     _ vTensor: Tensor, _ mTensor: Tensor, _ duTensor: Tensor) {
        let c = inChannels, oc = outChannels, b = tiles.count
        vTensor.resize([36, c, b]); mTensor.resize([36, oc, b])
        transformInput(x, tiles, geo, vTensor.data)
        transformOutputGradient(dy, tiles, geo, mTensor.data)
        for xi in 0..<36 {
            matmul(transposeA: false, transposeB: true, m: oc, n: c, k: b,
                   a: mTensor.data + xi * oc * b, lda: b, b: vTensor.data + xi * c * b, ldb: b,
                   beta: 1, c: duTensor.data + xi * oc * c, ldc: c)
        }
    }

    /// dM[ξ][o][j] = (A dY Aᵀ)[ξ] for the 4x4 block of dL/dy of tile `tiles.lowerBound + j` (zero past the map's edge).
    private func transformOutputGradient(_ dy: UnsafePointer<Float>, _ tiles: Range<Int>, _ geo: TileGeometry,
                                         _ m: UnsafeMutablePointer<Float>) {
        let oc = outChannels, b = tiles.count, w = geo.width, xiStride = oc * b
        geo.withPlacements(of: tiles, channels: oc) { placements in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 * Lanes.scalarCount) { scratch in
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16 + 24 + 36) { lanes in
            let gathered = scratch.baseAddress!, g = lanes.baseAddress!, t = g + 16, u = t + 24
            for o in 0..<oc {
                for j0 in Swift.stride(from: 0, to: b, by: Lanes.scalarCount) {
                    let count = min(Lanes.scalarCount, b - j0)
                    for lane in 0..<count {
                        let place = placements[j0 + lane], src = dy + place.offset + o * geo.plane
                        for r in 0..<4 {
                            for k in 0..<4 {
                                gathered[(r * 4 + k) * Lanes.scalarCount + lane] = r < place.rows && k < place.columns ? src[r * w + k] : 0
                            }
                        }
                    }
                    for k in 0..<16 { g[k] = Lanes.load(gathered + k * Lanes.scalarCount) }
                    // Columns: t = A g (6x4), then rows: u = t Aᵀ (6x6).
                    for k in 0..<4 { Self.gradientTransform(g + k, 4, t + k, 4) }
                    for r in 0..<6 { Self.gradientTransform(t + r * 4, 1, u + r * 6, 1) }
                    let dst = m + o * b + j0
                    for k in 0..<36 { u[k].store(to: dst + k * xiStride, count: count) }
                }
            }
        }
        }
        }
    }

    /// out = A in: six values from four (the transpose of `outputTransform`).
    @inline(__always)
    private static func gradientTransform(_ i: UnsafePointer<Lanes>, _ si: Int, _ o: UnsafeMutablePointer<Lanes>, _ so: Int) {
        let y0 = i[0], y1 = i[si], y2 = i[2 * si], y3 = i[3 * si]
        o[0] = y0
        o[so] = y0 + y1 + y2 + y3
        o[2 * so] = y0 - y1 + y2 - y3
        o[3 * so] = y0 + 2 * y1 + 4 * y2 + 8 * y3
        o[4 * so] = y0 - 2 * y1 + 4 * y2 - 8 * y3
        o[5 * so] = y3
    }

    /// dW[o][i] += Gᵀ dU[o][i] G for every channel pair: 3x3 from each 6x6.
    private func inverseFilterTransform(_ du: UnsafePointer<Float>, into dW: UnsafeMutablePointer<Float>) {
        let plane = outChannels * inChannels
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 36 + 18 + 3) { scratch in
            let tile = scratch.baseAddress!, t = tile + 36, row = t + 18
            for pair in 0..<plane {
                for k in 0..<36 { tile[k] = du[k * plane + pair] }
                // Columns: t = Gᵀ tile (3x6), then rows: Gᵀ tᵀ gives (t G) row by row.
                for k in 0..<6 { Self.filterGradientTransform(tile + k, 6, t + k, 6) }
                let target = dW + pair * 9
                for r in 0..<3 {
                    Self.filterGradientTransform(t + r * 6, 1, row, 1)
                    for k in 0..<3 { target[r * 3 + k] += row[k] }
                }
            }
        }
    }

    /// out = Gᵀ in: three values from six (the transpose of `filterTransform`).
    @inline(__always)
    private static func filterGradientTransform(_ i: UnsafePointer<Float>, _ si: Int, _ o: UnsafeMutablePointer<Float>, _ so: Int) {
        let v0 = i[0], v1 = i[si], v2 = i[2 * si], v3 = i[3 * si], v4 = i[4 * si], v5 = i[5 * si]
        o[0] = v0 / 4 - (v1 + v2) / 6 + (v3 + v4) / 24
        o[so] = (v2 - v1) / 6 + (v3 - v4) / 12
        o[2 * so] = -(v1 + v2) / 6 + (v3 + v4) / 6 + v5
    }

    struct TileGeometry {
        let height: Int, width: Int, tilesDown: Int, tilesAcross: Int
        init(height: Int, width: Int) {
            self.height = height; self.width = width
            tilesDown = (height + 3) / 4; tilesAcross = (width + 3) / 4
        }
        var tilesPerImage: Int { tilesDown * tilesAcross }
        var plane: Int { height * width }
        /// Where a tile's 4x4 block of output pixels starts in channel 0 of an [N, channels, height, width] map,
        /// and how many of its rows and columns lie inside the map.
        struct Placement { var offset: Int, rows: Int, columns: Int }
        /// The placements of `tiles`, in a temporary buffer for the duration of `body`.
        func withPlacements<R>(of tiles: Range<Int>, channels: Int, _ body: (UnsafeMutableBufferPointer<Placement>) -> R) -> R {
            withUnsafeTemporaryAllocation(of: Placement.self, capacity: tiles.count) { placements in
                for (j, tile) in tiles.enumerated() {
                    let (image, row0, col0) = locate(tile)
                    placements[j] = Placement(offset: image * channels * plane + row0 * width + col0,
                                              rows: min(4, height - row0), columns: min(4, width - col0))
                }
                return body(placements)
            }
        }
        /// (image, first output row, first output column) of global tile `t`.
        func locate(_ t: Int) -> (image: Int, row: Int, column: Int) {
            let image = t / tilesPerImage, r = t % tilesPerImage
            return (image, (r / tilesAcross) * 4, (r % tilesAcross) * 4)
        }
    }

    private func runBlock(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ tiles: Range<Int>, _ geo: TileGeometry,
                          _ epilogue: ConvEpilogue, _ vTensor: Tensor, _ mTensor: Tensor) {
        let c = inChannels, oc = outChannels, b = tiles.count
        vTensor.resize([36, c, b]); mTensor.resize([36, oc, b])
        transformInput(x, tiles, geo, vTensor.data)
        for xi in 0..<36 {
            matmul(transposeA: false, transposeB: false, m: oc, n: b, k: c,
                   a: transformedWeights.data + xi * oc * c, lda: c, b: vTensor.data + xi * c * b, ldb: b,
                   beta: 0, c: mTensor.data + xi * oc * b, ldc: b)
        }
        transformOutput(mTensor.data, y, tiles, geo, epilogue)
    }

    /// V[ξ][ch][j] = (Bᵀ d B)[ξ] for the 6x6 patch d of tile `tiles.lowerBound + j`, channel ch (zero padded).
    private func transformInput(_ x: UnsafePointer<Float>, _ tiles: Range<Int>, _ geo: TileGeometry, _ v: UnsafeMutablePointer<Float>) {
        let c = inChannels, b = tiles.count, xiStride = c * b
        guard b > 0 else { return }
        // Channel by channel, the block's images are copied into zero-bordered planes in which every tile's 6x6
        // patch lies inside: gathering a patch then needs no bounds checks, and the eight lanes may come from
        // different images (small maps have fewer than eight tiles per image).
        let firstImage = tiles.lowerBound / geo.tilesPerImage
        let images = (tiles.upperBound - 1) / geo.tilesPerImage - firstImage + 1
        let paddedWidth = geo.tilesAcross * 4 + 2, paddedPlane = (geo.tilesDown * 4 + 2) * paddedWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: images * paddedPlane + 36 * Lanes.scalarCount) { scratch in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: b) { patchOffsets in
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 72) { lanes in
            let padded = scratch.baseAddress!, gathered = padded + images * paddedPlane
            let offsets = patchOffsets.baseAddress!, d = lanes.baseAddress!, t = d + 36
            padded.update(repeating: 0, count: images * paddedPlane)
            for (j, tile) in tiles.enumerated() {
                let (image, row0, col0) = geo.locate(tile)
                offsets[j] = (image - firstImage) * paddedPlane + row0 * paddedWidth + col0
            }
            for ch in 0..<c {
                for i in 0..<images {
                    copyInsideBorder(x + ((firstImage + i) * c + ch) * geo.plane, height: geo.height, width: geo.width,
                                     into: padded + i * paddedPlane, rowLength: paddedWidth)
                }
                for j0 in Swift.stride(from: 0, to: b, by: Lanes.scalarCount) {
                    let count = min(Lanes.scalarCount, b - j0)
                    for lane in 0..<count {
                        let patch = padded + offsets[j0 + lane]
                        for r in 0..<6 { for k in 0..<6 { gathered[(r * 6 + k) * Lanes.scalarCount + lane] = patch[r * paddedWidth + k] } }
                    }
                    for k in 0..<36 { d[k] = Lanes.load(gathered + k * Lanes.scalarCount) }
                    // Rows: t = Bᵀ d, then columns: V = t B (the same combination along the other axis).
                    for k in 0..<6 { Self.dataTransform(d + k, 6, t + k, 6) }
                    for r in 0..<6 { Self.dataTransform(t + r * 6, 1, d + r * 6, 1) }
                    let dst = v + ch * b + j0
                    for k in 0..<36 { d[k].store(to: dst + k * xiStride, count: count) }
                }
            }
        }
        }
        }
    }

    /// out = Bᵀ in for a 6-vector read and written with the given strides.
    @inline(__always)
    private static func dataTransform(_ i: UnsafePointer<Lanes>, _ si: Int, _ o: UnsafeMutablePointer<Lanes>, _ so: Int) {
        let d0 = i[0], d1 = i[si], d2 = i[2 * si], d3 = i[3 * si], d4 = i[4 * si], d5 = i[5 * si]
        o[0] = 4 * d0 - 5 * d2 + d4
        o[so] = -4 * d1 - 4 * d2 + d3 + d4
        o[2 * so] = 4 * d1 - 4 * d2 - d3 + d4
        o[3 * so] = -2 * d1 - d2 + 2 * d3 + d4
        o[4 * so] = 2 * d1 - d2 - 2 * d3 + d4
        o[5 * so] = 4 * d1 - 5 * d3 + d5
    }

    /// out = Aᵀ in: four values from six.
    @inline(__always)
    private static func outputTransform(_ i: UnsafePointer<Lanes>, _ si: Int, _ o: UnsafeMutablePointer<Lanes>, _ so: Int) {
        let m0 = i[0], m1 = i[si], m2 = i[2 * si], m3 = i[3 * si], m4 = i[4 * si], m5 = i[5 * si]
        let a = m1 + m2, s = m1 - m2, a2 = m3 + m4, s2 = m3 - m4
        o[0] = m0 + a + a2
        o[so] = s + 2 * s2
        o[2 * so] = a + 4 * a2
        o[3 * so] = s + 8 * s2 + m5
    }

    /// Output tiles Aᵀ M A, through the epilogue, into the [N, OC, H, W] output (cut at the map's edge).
    private func transformOutput(_ m: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ tiles: Range<Int>,
                                 _ geo: TileGeometry, _ epilogue: ConvEpilogue) {
        let oc = outChannels, b = tiles.count, w = geo.width, xiStride = oc * b
        geo.withPlacements(of: tiles, channels: oc) { placements in
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36 + 24 + 16) { lanes in
            let tile = lanes.baseAddress!, t = tile + 36, out = t + 24
            // Output channel outer, tiles inner: the 36 input streams M[ξ][o][...] are read in order.
            for o in 0..<oc {
                let scale = Lanes(repeating: epilogue.scale?[o] ?? 1), shift = Lanes(repeating: epilogue.shift?[o] ?? 0)
                for j0 in Swift.stride(from: 0, to: b, by: Lanes.scalarCount) {
                    let count = min(Lanes.scalarCount, b - j0)
                    let src = m + o * b + j0
                    for k in 0..<36 { tile[k] = Lanes.load(src + k * xiStride, count: count) }
                    // Columns of each row first (6x6 -> 6x4), then rows (-> 4x4).
                    for r in 0..<6 { Self.outputTransform(tile + r * 6, 1, t + r * 4, 1) }
                    for k in 0..<4 { Self.outputTransform(t + k, 4, out + k, 4) }
                    for k in 0..<16 {
                        let value = out[k] * scale + shift
                        out[k] = epilogue.relu ? value.replacing(with: 0, where: value .< 0) : value
                    }
                    for lane in 0..<count {
                        let place = placements[j0 + lane], dst = y + place.offset + o * geo.plane
                        for r in 0..<place.rows {
                            for k in 0..<place.columns { dst[r * w + k] = out[r * 4 + k][lane] }
                        }
                    }
                }
            }
        }
        }
    }
}
