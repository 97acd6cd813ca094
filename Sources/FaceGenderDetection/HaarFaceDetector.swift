import Dispatch
import FaceGenderImaging
#if canImport(Glibc)
import Glibc
#endif

/// Viola-Jones detection with an OpenCV Haar cascade: image pyramid, integral images, cascade per
/// window, then grouping of overlapping hits (OpenCV's groupRectangles).
public struct HaarFaceDetector: FaceDetector {
    /// How windows are run through the cascade. Both find the same windows; `.scalar` is the reference
    /// (and the fallback for cascades with trees deeper than two nodes), `.eightWindows` the fast path.
    public enum Evaluation: Sendable { case eightWindows, scalar }

    public let cascade: HaarCascade
    public let options: CascadeDetectorOptions
    public let evaluation: Evaluation

    public init(cascade: HaarCascade, options: CascadeDetectorOptions = CascadeDetectorOptions(), evaluation: Evaluation = .eightWindows) {
        self.cascade = cascade
        self.options = options
        self.evaluation = evaluation
    }

    public var settings: String { "haar(\(options.boxSettings)|\(cascade.stageCount),\(cascade.featureCount))" }

    public func detect(in image: RGBImage) -> [FaceBox] {
        let pyramid = PyramidScan(image: image, options: options, windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight)
        let nodes = cascade.compiledNodes(stride: pyramid.integralStride)
        let blocks = evaluation == .eightWindows ? HaarBlockCascade(cascade, nodes: nodes) : nil
        return pyramid.detect { integral, scale, region in scan(integral, nodes, blocks, scale: scale, centresIn: region) }
    }

    /// Slides the cascade window over one pyramid level, over windows whose centre lies in `region`
    /// (padded-image coordinates). `nodes` (and `blocks`, when the eight-window path applies) are
    /// resolved for the integral image's stride.
    private func scan(_ integral: IntegralImage, _ nodes: [CompiledNode], _ blocks: HaarBlockCascade?,
                      scale: Double, centresIn region: ScanRegion) -> [HitRect] {
        let stride = integral.stride
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let normArea = Double((ww - 2) * (wh - 2))
        let (xLo, xHi, yLo, yHi, step) = PyramidScan.windowRange(region, scale: scale, windowWidth: ww, windowHeight: wh, integral: integral)
        var hits: [HitRect] = []
        guard xLo <= xHi, yLo <= yHi else { return hits }
        if let blocks {
            let window = (xLo: xLo, xHi: xHi, yLo: yLo, yHi: yHi)
            return step == 1 ? scanBlocks(blocks, integral, window, scale: scale, Step1Load.self)
                             : scanBlocks(blocks, integral, window, scale: scale, Step2Load.self)
        }
        cascade.stages.withUnsafeBufferPointer { stages in
        cascade.trees.withUnsafeBufferPointer { trees in
        nodes.withUnsafeBufferPointer { nodes in
        cascade.leaves.withUnsafeBufferPointer { leaves in
        integral.sum.withUnsafeBufferPointer { sum in
        integral.squares.withUnsafeBufferPointer { squares in
            var y = yLo
            while y <= yHi {
                var x = xLo
                while x <= xHi {
                    let base = y * stride + x
                    // Standard deviation over the window minus a 1-pixel border, as OpenCV.
                    let n0 = base + stride + 1, n1 = n0 + (ww - 2), n2 = n0 + (wh - 2) * stride, n3 = n2 + (ww - 2)
                    let s = Double(sum[n0] - sum[n1] - sum[n2] + sum[n3])
                    let sq = squares[n0] - squares[n1] - squares[n2] + squares[n3]
                    let nf = normArea * sq - s * s
                    // Flat windows (no texture) are not faces and would divide by ~0.
                    var stagesPassed = 0
                    if nf > 0, normArea / nf.squareRoot() < 0.1 {
                        stagesPassed = Self.stagesPassed(sum.baseAddress! + base, Float(1 / nf.squareRoot()), stages, trees, nodes, leaves)
                        if stagesPassed == stages.count {
                            hits.append(HitRect(x: Double(x) * scale, y: Double(y) * scale,
                                                width: Double(ww) * scale, height: Double(wh) * scale))
                        }
                    }
                    // As OpenCV: a window rejected by the first stage makes its neighbour unlikely, so skip it.
                    x += stagesPassed == 0 ? 2 * step : step
                }
                y += step
            }
        } } } } } }
        return hits
    }

    /// The scan of `scan`, eight windows at a time. Stage 0 runs on every window of a block; the skip rule
    /// (a window rejected by stage 0 skips its right neighbour) is then replayed on its results, so the same
    /// windows go on to the later stages as in the scalar scan.
    private func scanBlocks<Load: LaneLoad>(_ blocks: HaarBlockCascade, _ integral: IntegralImage,
                                            _ window: (xLo: Int, xHi: Int, yLo: Int, yHi: Int), scale: Double,
                                            _: Load.Type) -> [HitRect] {
        let stride = integral.stride, step = Load.step
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let normArea = SIMD8<Double>(repeating: Double((ww - 2) * (wh - 2)))
        let laneIndex = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7), laneBits = 1 &<< laneIndex
        var hits: [HitRect] = []
        blocks.trees.withUnsafeBufferPointer { trees in
        integral.sum.withUnsafeBufferPointer { sum in
        integral.squares.withUnsafeBufferPointer { squares in
            let sum = sum.baseAddress!, squares = squares.baseAddress!
            var y = window.yLo
            while y <= window.yHi {
                var skipNext = false
                var x0 = window.xLo
                while x0 <= window.xHi {
                    let base = y * stride + x0
                    let n0 = base + stride + 1, n1 = n0 + (ww - 2), n2 = n0 + (wh - 2) * stride, n3 = n2 + (ww - 2)
                    let s = SIMD8<Double>(Load.ints(sum + n0) &- Load.ints(sum + n1) &- Load.ints(sum + n2) &+ Load.ints(sum + n3))
                    let sq = Load.doubles(squares + n0) - Load.doubles(squares + n1) - Load.doubles(squares + n2) + Load.doubles(squares + n3)
                    let nf = normArea * sq - s * s
                    let root = nf.squareRoot()
                    let texturedWide = (nf .> 0) .& (normArea / root .< 0.1)
                    let textured = Self.mask(SIMD8<Int32>(truncatingIfNeeded: Self.lanes(texturedWide)))
                    let inverseNorm = SIMD8<Float>(1 / root)
                    let firstPassed = textured .& blocks.passes(stage: 0, sum + base, inverseNorm: inverseNorm, Load.self, trees: trees)
                    // Replay the scalar scan's visiting order over this block, on bits (lane reads of a mask are slow).
                    let lanes = min(8, (window.xHi - x0) / step + 1)
                    let passedBits = Self.bits(firstPassed, laneBits)
                    var aliveBits: Int32 = 0
                    for k in 0..<lanes {
                        if skipNext { skipNext = false; continue }
                        if passedBits & (1 << k) != 0 { aliveBits |= 1 << k } else { skipNext = true }
                    }
                    if aliveBits != 0 {
                        var alive = Self.mask(0 &- ((SIMD8(repeating: aliveBits) &>> laneIndex) & 1))
                        var stage = 1
                        while stage < blocks.stages.count, any(alive) {
                            alive .&= blocks.passes(stage: stage, sum + base, inverseNorm: inverseNorm, Load.self, trees: trees)
                            stage += 1
                        }
                        var faceBits = Self.bits(alive, laneBits)
                        while faceBits != 0 {
                            let k = faceBits.trailingZeroBitCount
                            faceBits &= faceBits - 1
                            hits.append(HitRect(x: Double(x0 + k * step) * scale, y: Double(y) * scale,
                                                width: Double(ww) * scale, height: Double(wh) * scale))
                        }
                    }
                    x0 += 8 * step
                }
                y += step
            }
        } } }
        return hits
    }

    /// Lane k of `mask` as bit k.
    @inline(__always)
    private static func bits(_ mask: SIMDMask<SIMD8<Int32>>, _ laneBits: SIMD8<Int32>) -> Int32 {
        (lanes(mask) & laneBits).wrappedSum()
    }

    /// A mask's lanes as integers (-1 true, 0 false), and back: its storage. The standard library's
    /// lane-by-lane `replacing(with:where:)` and integer comparisons compile to loops through memory here.
    @inline(__always)
    private static func lanes<V: SIMD>(_ mask: SIMDMask<V>) -> V { unsafeBitCast(mask, to: V.self) }
    @inline(__always)
    private static func mask<V: SIMD>(_ lanes: V) -> SIMDMask<V> { unsafeBitCast(lanes, to: SIMDMask<V>.self) }

    @inline(__always)
    /// How many stages the window passes (all of them: a face).
    private static func stagesPassed(_ window: UnsafePointer<Int32>, _ inverseNorm: Float,
                                     _ stages: UnsafeBufferPointer<HaarCascade.Stage>, _ trees: UnsafeBufferPointer<HaarCascade.Tree>,
                                     _ nodes: UnsafeBufferPointer<CompiledNode>, _ leaves: UnsafeBufferPointer<Float>) -> Int {
        for s in 0..<stages.count {
            let stage = stages[s]
            var total: Float = 0
            for t in Int(stage.firstTree)..<Int(stage.firstTree + stage.treeCount) {
                let tree = trees[t]
                let first = Int(tree.firstNode)
                var index: Int32 = 0
                if tree.nodeCount == 2 {
                    // The common small tree (alt2 has only these): both features are computed before either
                    // comparison, so the loads overlap instead of waiting on the first branch.
                    let a = nodes[first], b = nodes[first + 1]
                    let va = a.value(window) * inverseNorm, vb = b.value(window) * inverseNorm
                    index = va < a.threshold ? a.left : a.right
                    if index > 0 { index = vb < b.threshold ? b.left : b.right }
                } else {
                    repeat {
                        let node = nodes[first + Int(index)]
                        index = node.value(window) * inverseNorm < node.threshold ? node.left : node.right
                    } while index > 0
                }
                total += leaves[Int(tree.firstLeaf - index)]
            }
            if total < stage.threshold { return s }
        }
        return stages.count
    }
}
