import Dispatch
import FaceGenderImaging
#if canImport(Glibc)
import Glibc
#endif

/// Where window centres may lie, in padded-image coordinates.
typealias ScanRegion = (x: Double, y: Double, width: Double, height: Double)

/// The multi-scale frame every cascade detector shares: gray and shrunk to the scan size, an edge-replicated
/// border, one scan per pyramid level whose window is at least the minimum face, then grouping of the raw
/// hits and mapping back to the photo. The cascade itself is the `scanLevel` closure.
struct PyramidScan {
    let options: HaarDetectorOptions
    let windowWidth: Int, windowHeight: Int

    /// `scanLevel(level, scale, region)` returns the level's hits in padded-image coordinates.
    func detect(in image: RGBImage, scanLevel: (GrayImage, Double, ScanRegion) -> [HitRect]) -> [FaceBox] {
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
        // 3. Raw hits over the pyramid, in padded coordinates. Only windows centred inside the photo
        //    are scanned: the border is there for faces that overflow the frame, not to be searched itself.
        var levels: [Double] = []
        var scale = 1.0
        let minSide = Double(options.minFaceSize) / shrink
        while Int(Double(padded.width) / scale) > windowWidth, Int(Double(padded.height) / scale) > windowHeight {
            if Double(windowWidth) * scale >= minSide { levels.append(scale) }
            scale *= options.scaleFactor
        }
        let inside: ScanRegion = (x: Double(padX), y: Double(padY), width: Double(gray.width), height: Double(gray.height))
        var perLevel = [[HitRect]](repeating: [], count: levels.count)
        perLevel.withUnsafeMutableBufferPointer { out in
            let out = out
            // Levels are independent; with several threads they are dealt out round-robin (large ones first).
            let threads = max(1, min(options.threads, levels.count))
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var k = t
                while k < levels.count {
                    let s = levels[k]
                    let level = s == 1 ? padded : padded.resized(width: Int(Double(padded.width) / s), height: Int(Double(padded.height) / s))
                    out[k] = scanLevel(level, s, inside)
                    k += threads
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
