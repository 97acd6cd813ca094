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
        guard image.width > 0, image.height > 0 else { return [] }
        // 1. Gray, shrunk to the scan size.
        var gray = GrayImage(image)
        let shrink = max(1, Double(max(image.width, image.height)) / Double(options.maxScanSide))
        if shrink > 1 {
            gray = gray.resized(width: max(1, Int(Double(gray.width) / shrink)), height: max(1, Int(Double(gray.height) / shrink)))
        }
        // 2. Border so that frame-filling faces fit.
        let padX = Int(options.borderPadding * Double(gray.width)), padY = Int(options.borderPadding * Double(gray.height))
        let padded = gray.padded(x: padX, y: padY)
        // 3. Raw hits over the pyramid, in padded coordinates.
        var hits: [HitRect] = []
        var scale = 1.0
        let minSide = Double(options.minFaceSize) / shrink
        while true {
            let w = Int(Double(padded.width) / scale), h = Int(Double(padded.height) / scale)
            if w < cascade.windowWidth + 1 || h < cascade.windowHeight + 1 { break }
            if Double(cascade.windowWidth) * scale >= minSide {
                let level = scale == 1 ? padded : padded.resized(width: w, height: h)
                scan(level, scale: scale, into: &hits)
            }
            scale *= options.scaleFactor
        }
        // 4. Group, then map back to the photo's coordinates.
        return RectangleGrouping.group(hits, minNeighbors: options.minNeighbors).map { g in
            FaceBox(x: (g.x - Double(padX)) * shrink, y: (g.y - Double(padY)) * shrink,
                    width: g.width * shrink, height: g.height * shrink,
                    score: 1 - exp(-Double(g.neighbors) / 8))
        }.sorted { $0.area > $1.area }
    }

    /// Slides the cascade window over one pyramid level.
    private func scan(_ level: GrayImage, scale: Double, into hits: inout [HitRect]) {
        let integral = IntegralImage(level)
        let stride = integral.stride
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        // Per-level rectangle corner offsets, relative to a window's top-left in the integral image.
        let corners: [Int32] = cascade.featureRects.flatMap { r -> [Int32] in
            let s = Int32(stride)
            let tl = r.y * s + r.x, tr = tl + r.width, bl = tl + r.height * s, br = bl + r.width
            return [tl, tr, bl, br]
        }
        let weights = cascade.featureRects.map(\.weight)
        let normArea = Double((ww - 2) * (wh - 2))
        let step = scale > 2 ? 1 : 2
        cascade.stages.withUnsafeBufferPointer { stages in
        cascade.trees.withUnsafeBufferPointer { trees in
        corners.withUnsafeBufferPointer { corner in
        weights.withUnsafeBufferPointer { weight in
        cascade.nodes.withUnsafeBufferPointer { nodes in
        cascade.leaves.withUnsafeBufferPointer { leaves in
        cascade.featureStart.withUnsafeBufferPointer { featureStart in
        integral.sum.withUnsafeBufferPointer { sum in
        integral.squares.withUnsafeBufferPointer { squares in
            var y = 0
            while y + wh < integral.height {
                var x = 0
                while x + ww < integral.width {
                    let base = y * stride + x
                    // Standard deviation over the window minus a 1-pixel border, as OpenCV.
                    let n0 = base + stride + 1, n1 = n0 + (ww - 2), n2 = n0 + (wh - 2) * stride, n3 = n2 + (ww - 2)
                    let s = Double(sum[n0] - sum[n1] - sum[n2] + sum[n3])
                    let sq = squares[n0] - squares[n1] - squares[n2] + squares[n3]
                    let nf = normArea * sq - s * s
                    // Flat windows (no texture) are not faces and would divide by ~0.
                    if nf > 0, normArea / nf.squareRoot() < 0.1 {
                        let inverseNorm = Float(1 / nf.squareRoot())
                        if Self.passes(base, inverseNorm, stages, trees, sum, corner, weight, nodes, leaves, featureStart) {
                            hits.append(HitRect(x: Double(x) * scale, y: Double(y) * scale,
                                                width: Double(ww) * scale, height: Double(wh) * scale))
                        }
                    }
                    x += step
                }
                y += step
            }
        } } } } } } } } }
    }

    @inline(__always)
    private static func passes(_ base: Int, _ inverseNorm: Float,
                        _ stages: UnsafeBufferPointer<HaarCascade.Stage>, _ trees: UnsafeBufferPointer<HaarCascade.Tree>,
                        _ sum: UnsafeBufferPointer<Int32>,
                        _ corner: UnsafeBufferPointer<Int32>, _ weight: UnsafeBufferPointer<Float>,
                        _ nodes: UnsafeBufferPointer<HaarCascade.Node>, _ leaves: UnsafeBufferPointer<Float>,
                        _ featureStart: UnsafeBufferPointer<Int32>) -> Bool {
        for s in 0..<stages.count {
            let stage = stages[s]
            var total: Float = 0
            for t in Int(stage.firstTree)..<Int(stage.firstTree + stage.treeCount) {
                let tree = trees[t]
                var index: Int32 = 0
                repeat {
                    let node = nodes[Int(tree.firstNode + index)]
                    var value: Float = 0
                    for r in Int(featureStart[Int(node.feature)])..<Int(featureStart[Int(node.feature) + 1]) {
                        let c = 4 * r
                        let rs = sum[base + Int(corner[c])] - sum[base + Int(corner[c + 1])]
                            - sum[base + Int(corner[c + 2])] + sum[base + Int(corner[c + 3])]
                        value += weight[r] * Float(rs)
                    }
                    index = value * inverseNorm < node.threshold ? node.left : node.right
                } while index > 0
                total += leaves[Int(tree.firstLeaf - index)]
            }
            if total < stage.threshold { return false }
        }
        return true
    }
}
