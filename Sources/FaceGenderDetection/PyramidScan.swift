import Dispatch
import FaceGenderImaging
#if canImport(Glibc)
import Glibc
#endif

/// Where window centres may lie, in padded-image coordinates.
typealias ScanRegion = (x: Double, y: Double, width: Double, height: Double)

/// The multi-scale frame every cascade detector shares: gray and shrunk to the scan size, an edge-replicated
/// border, one scan per pyramid level whose window is at least the minimum face, then grouping of the raw
/// hits and mapping back to the photo. The cascade itself is the `scanLevel` closure of `detect`.
///
/// Every level's integral image has the same row length, `integralStride`, so a detector resolves its
/// features to memory offsets once per photo instead of once per level.
struct PyramidScan {
    let options: CascadeDetectorOptions
    let windowWidth: Int, windowHeight: Int
    /// The photo, gray and shrunk to the scan size, with its border.
    private let padded: GrayImage
    private let padX: Int, padY: Int, shrink: Double
    /// Where window centres may lie: inside the photo, not in the border.
    private let inside: ScanRegion
    /// Scales of the levels scanned, largest level first.
    let levels: [Double]
    let integralStride: Int

    init(image: RGBImage, options: CascadeDetectorOptions, windowWidth: Int, windowHeight: Int) {
        self.options = options
        self.windowWidth = windowWidth; self.windowHeight = windowHeight
        // 1. Gray, shrunk to the scan size.
        var gray = image.width > 0 && image.height > 0 ? GrayImage(image) : GrayImage(width: 0, height: 0, pixels: [])
        shrink = max(1, Double(max(image.width, image.height)) / Double(options.maxScanSide))
        if shrink > 1 {
            gray = gray.resized(width: max(1, Int(Double(gray.width) / shrink)), height: max(1, Int(Double(gray.height) / shrink)))
        }
        // 2. Border so that frame-filling faces fit. The border is there for faces that overflow the frame,
        //    not to be searched itself: only windows centred inside the photo are scanned.
        padX = Int(options.borderPadding * Double(gray.width)); padY = Int(options.borderPadding * Double(gray.height))
        padded = gray.padded(x: padX, y: padY)
        inside = (x: Double(padX), y: Double(padY), width: Double(gray.width), height: Double(gray.height))
        var levels: [Double] = []
        var scale = 1.0
        let minSide = Double(options.minFaceSize) / shrink
        while Int(Double(padded.width) / scale) > windowWidth, Int(Double(padded.height) / scale) > windowHeight {
            if Double(windowWidth) * scale >= minSide { levels.append(scale) }
            scale *= options.scaleFactor
        }
        self.levels = levels
        integralStride = padded.width + 1
    }

    /// `scanLevel(integral, scale, region)` returns the level's hits in padded-image coordinates.
    func detect(scanLevel: (IntegralImage, Double, ScanRegion) -> [HitRect]) -> [FaceBox] {
        // 3. Raw hits over the pyramid, in padded coordinates.
        var perLevel = [[HitRect]](repeating: [], count: levels.count)
        let assignment = Self.balance(levels, threads: options.threads)
        perLevel.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: assignment.count) { t in
                for k in assignment[t] {
                    let s = levels[k]
                    let level = s == 1 ? padded : padded.resized(width: Int(Double(padded.width) / s), height: Int(Double(padded.height) / s))
                    out[k] = scanLevel(IntegralImage(level, stride: integralStride), s, inside)
                }
            }
        }
        let hits = perLevel.flatMap { $0 }
        // 4. Group, then map back to the photo's coordinates.
        return RectangleGrouping.group(hits, minNeighbors: options.minNeighbors).map { g in
            FaceBox(x: (g.x - Double(padX)) * shrink, y: (g.y - Double(padY)) * shrink,
                    width: g.width * shrink, height: g.height * shrink,
                    score: 1 - exp(-Double(g.neighbors) / 8))
        }.sorted { $0.area > $1.area }
    }

    /// Levels dealt to threads so that each gets about the same number of pixels: each level, largest
    /// first, goes to the thread with the least so far. (Dealing them round-robin gave the first thread
    /// the largest level of every pair.)
    static func balance(_ levels: [Double], threads: Int) -> [[Int]] {
        let count = max(1, min(threads, levels.count))
        var work = [Double](repeating: 0, count: count), assigned = [[Int]](repeating: [], count: count)
        for (k, s) in levels.enumerated() {
            let t = work.indices.min { work[$0] < work[$1] }!
            assigned[t].append(k); work[t] += 1 / (s * s)
        }
        return assigned
    }

    /// The top-left corners a level's scan visits: windows centred in `region`, inside the integral image,
    /// `step` apart (OpenCV's rule: 2 pixels while the level is at most 2x shrunk, then 1).
    static func windowRange(_ region: ScanRegion, scale: Double, windowWidth ww: Int, windowHeight wh: Int,
                            integral: IntegralImage) -> (xLo: Int, xHi: Int, yLo: Int, yHi: Int, step: Int) {
        (max(0, Int((region.x / scale - Double(ww) / 2).rounded(.up))),
         min(integral.width - ww - 1, Int(((region.x + region.width) / scale - Double(ww) / 2).rounded(.down))),
         max(0, Int((region.y / scale - Double(wh) / 2).rounded(.up))),
         min(integral.height - wh - 1, Int(((region.y + region.height) / scale - Double(wh) / 2).rounded(.down))),
         scale > 2 ? 1 : 2)
    }
}
