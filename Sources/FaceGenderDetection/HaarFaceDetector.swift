import Dispatch
import FaceGenderImaging
#if canImport(Glibc)
import Glibc
#endif

/// Settings of the Viola-Jones scan.
public struct HaarDetectorOptions: Sendable, Equatable {
    /// Ratio between consecutive window sizes.
    public var scaleFactor: Double = 1.1
    /// A face needs more than this many overlapping raw hits; fewer is treated as noise.
    public var minNeighbors: Int = 3
    /// Smallest face side, in pixels of the original photo.
    public var minFaceSize: Int = 24
    /// Edge-replicated border added on each side, as a fraction of the side, so that faces filling
    /// the whole frame (tightly cropped, aligned photos) still fit in a window.
    public var borderPadding: Double = 0.2
    /// Photos are scanned at most this large (longest side); larger ones are shrunk first for speed.
    public var maxScanSide: Int = 800
    /// Threads scanning pyramid levels at once (1 where callers already run one detection per core).
    public var threads: Int = 1

    public init() {}
}

/// Viola-Jones detection with an OpenCV Haar cascade: image pyramid, integral images, cascade per
/// window, then grouping of overlapping hits (OpenCV's groupRectangles).
public struct HaarFaceDetector: FaceDetector {
    public let cascade: HaarCascade
    public let options: HaarDetectorOptions

    public init(cascade: HaarCascade, options: HaarDetectorOptions = HaarDetectorOptions()) {
        self.cascade = cascade
        self.options = options
    }

    public func detect(in image: RGBImage) -> [FaceBox] {
        PyramidScan(options: options, windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight)
            .detect(in: image) { level, scale, region in scan(level, scale: scale, centresIn: region) }
    }

    /// Slides the cascade window over one pyramid level, over windows whose centre lies in `region`
    /// (padded-image coordinates).
    private func scan(_ level: GrayImage, scale: Double, centresIn region: ScanRegion) -> [HitRect] {
        let integral = IntegralImage(level)
        let stride = integral.stride
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let nodes = cascade.compiledNodes(stride: stride)
        let normArea = Double((ww - 2) * (wh - 2))
        let (xLo, xHi, yLo, yHi, step) = PyramidScan.windowRange(region, scale: scale, windowWidth: ww, windowHeight: wh, integral: integral)
        var hits: [HitRect] = []
        guard xLo <= xHi, yLo <= yHi else { return hits }
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
