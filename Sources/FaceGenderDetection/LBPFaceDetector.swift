import FaceGenderImaging

/// Viola-Jones-style detection with an OpenCV LBP cascade, in the same pyramid frame as `HaarFaceDetector`.
/// Its boxes frame faces differently from the Haar cascade's, so a model trained on Haar crops should be
/// retrained before serving behind it.
public struct LBPFaceDetector: FaceDetector {
    public let cascade: LBPCascade
    public let options: CascadeDetectorOptions

    public init(cascade: LBPCascade, options: CascadeDetectorOptions = CascadeDetectorOptions()) {
        self.cascade = cascade
        self.options = options
    }

    public var settings: String { "lbp(\(options.boxSettings)|\(cascade.windowWidth))" }

    public func detect(in image: RGBImage) -> [FaceBox] {
        let pyramid = PyramidScan(image: image, options: options, windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight)
        let corners = cascade.cornerOffsets(stride: pyramid.integralStride)
        return pyramid.detect { integral, scale, region in scan(integral, corners, scale: scale, centresIn: region) }
    }

    /// `corners` are resolved for the integral image's stride.
    private func scan(_ integral: IntegralImage, _ corners: [Int32], scale: Double, centresIn region: ScanRegion) -> [HitRect] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let (xLo, xHi, yLo, yHi, step) = PyramidScan.windowRange(region, scale: scale, windowWidth: ww, windowHeight: wh, integral: integral)
        var hits: [HitRect] = []
        guard xLo <= xHi, yLo <= yHi else { return hits }
        cascade.stages.withUnsafeBufferPointer { stages in
        cascade.stumps.withUnsafeBufferPointer { stumps in
        cascade.subsets.withUnsafeBufferPointer { subsets in
        corners.withUnsafeBufferPointer { corners in
        integral.sum.withUnsafeBufferPointer { sum in
            var y = yLo
            while y <= yHi {
                var x = xLo
                while x <= xHi {
                    let passed = Self.stagesPassed(sum.baseAddress! + y * integral.stride + x, stages, stumps, subsets, corners)
                    if passed == stages.count {
                        hits.append(HitRect(x: Double(x) * scale, y: Double(y) * scale, width: Double(ww) * scale, height: Double(wh) * scale))
                    }
                    // As OpenCV: a window rejected by the first stage makes its neighbour unlikely, so skip it.
                    x += passed == 0 ? 2 * step : step
                }
                y += step
            }
        } } } } }
        return hits
    }

    /// How many stages the window passes (all of them: a face).
    @inline(__always)
    private static func stagesPassed(_ w: UnsafePointer<Int32>, _ stages: UnsafeBufferPointer<LBPCascade.Stage>,
                                     _ stumps: UnsafeBufferPointer<LBPCascade.Stump>, _ subsets: UnsafeBufferPointer<UInt32>,
                                     _ corners: UnsafeBufferPointer<Int32>) -> Int {
        for s in 0..<stages.count {
            let stage = stages[s]
            var total: Float = 0
            for k in Int(stage.firstStump)..<Int(stage.firstStump + stage.stumpCount) {
                let p = corners.baseAddress! + k * 16
                // Sum of the block whose top-left corner is grid point i (4x4 grid of corners, row-major).
                @inline(__always) func block(_ i: Int) -> Int32 {
                    w[Int(p[i])] - w[Int(p[i + 1])] - w[Int(p[i + 4])] + w[Int(p[i + 5])]
                }
                let centre = block(5)
                var code = block(0) >= centre ? 128 : 0
                code |= block(1) >= centre ? 64 : 0
                code |= block(2) >= centre ? 32 : 0
                code |= block(6) >= centre ? 16 : 0
                code |= block(10) >= centre ? 8 : 0
                code |= block(9) >= centre ? 4 : 0
                code |= block(8) >= centre ? 2 : 0
                code |= block(4) >= centre ? 1 : 0
                let inSubset = subsets[k * 8 + code >> 5] & (1 << UInt32(code & 31)) != 0
                total += inSubset ? stumps[k].leafIn : stumps[k].leafOut
            }
            if total < stage.threshold { return s }
        }
        return stages.count
    }
}
