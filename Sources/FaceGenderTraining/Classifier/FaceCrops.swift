import Dispatch
import FaceGenderDetection
import FaceGenderEvaluation
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import Foundation

/// How a sample's crop was obtained.
public enum CropSource: UInt8, Sendable {
    case unreadable = 0
    case detected = 1
    /// No face found: the whole photo, as at serving time.
    case wholeImage = 2
    /// A labelled face of a scene photo that the detector does not find: left out, as `evaluate --scenes` leaves it.
    case missed = 3

    /// Whether the crop trains and validates (unreadable photos and missed scene faces do not).
    public var isUsable: Bool { self == .detected || self == .wholeImage }
}

/// Every sample decoded, detected and cropped once (the serving path's first step), held in memory as
/// `cropSide`-pixel RGB squares. Building it is the slow part of training start-up, so it is cached
/// on disk keyed by the file list and the preprocessing settings.
public struct FaceCrops: Sendable {
    public let side: Int
    public var pixels: [UInt8]
    public var sources: [CropSource]
    /// The part of each crop that lies inside its photo (the rest replicates the photo's edges).
    public var inside: [CropInside]

    public var count: Int { sources.count }
    public var unreadableCount: Int { sources.filter { $0 == .unreadable }.count }
    public var wholeImageCount: Int { sources.filter { $0 == .wholeImage }.count }
    public var missedCount: Int { sources.filter { $0 == .missed }.count }

    public func crop(_ i: Int) -> RGBImage {
        let n = side * side * 3
        return RGBImage(width: side, height: side, pixels: Array(pixels[(i * n)..<((i + 1) * n)]))
    }

    /// Decodes, detects and crops every sample, on `workers` threads, reporting progress.
    public static func build(_ samples: [LabeledSample], preprocessor: FacePreprocessor, detector: FaceDetector,
                             decoder: ImageDecoder, workers: Int, progress: ((Int) -> Void)? = nil) -> FaceCrops {
        let side = preprocessor.cropSide, n = side * side * 3
        var pixels = [UInt8](repeating: 0, count: samples.count * n)
        var sources = [CropSource](repeating: .unreadable, count: samples.count)
        var inside = [CropInside](repeating: .whole(side: side), count: samples.count)
        let lock = NSLock()
        var done = 0
        pixels.withUnsafeMutableBufferPointer { pix in
            sources.withUnsafeMutableBufferPointer { src in
            inside.withUnsafeMutableBufferPointer { ins in
                let pix = pix, src = src, ins = ins
                DispatchQueue.concurrentPerform(iterations: max(1, workers)) { w in
                    var i = w
                    while i < samples.count {
                        if let image = try? decoder.decodeFile(atPath: samples[i].path) {
                            let (box, source) = faceBox(samples[i], in: image, preprocessor: preprocessor, detector: detector)
                            src[i] = source
                            if let box {
                                let crop = preprocessor.crop(image, face: box)
                                crop.pixels.withUnsafeBufferPointer { (pix.baseAddress! + i * n).update(from: $0.baseAddress!, count: n) }
                                ins[i] = preprocessor.insideOfCrop(image, face: box)
                            }
                        }
                        lock.lock(); done += 1; let d = done; lock.unlock()
                        if w == 0 { progress?(d) }
                        i += max(1, workers)
                    }
                }
            }
            }
        }
        return FaceCrops(side: side, pixels: pixels, sources: sources, inside: inside)
    }

    /// A labelled scene face and a detection are the same face from this overlap on (`DetectionMetrics`' default).
    static let matchingIoU = DetectionMetrics().iou

    /// Where a sample's crop comes from: the photo's largest detected face, else the whole photo; for a scene's face,
    /// the detection that matches it, as `evaluate --scenes` crops it, else none (`.missed`).
    static func faceBox(_ sample: LabeledSample, in image: RGBImage, preprocessor: FacePreprocessor,
                        detector: FaceDetector) -> (box: FaceBox?, source: CropSource) {
        let found = detector.detect(in: image)
        guard let labelled = sample.face else {
            guard let face = found.first else { return (preprocessor.wholeImageBox(image), .wholeImage) }
            return (face, .detected)
        }
        let match = found.filter { $0.iou(labelled) >= matchingIoU }.max { $0.iou(labelled) < $1.iou(labelled) }
        return (match, match == nil ? .missed : .detected)
    }

    /// Loads from `cacheDir` when a cache for exactly these inputs exists, else builds and saves one. A cache that
    /// cannot be written costs only time (the next run builds the crops again): `warn` says so and why.
    public static func cached(_ samples: [LabeledSample], preprocessor: FacePreprocessor, detector: FaceDetector,
                              decoder: ImageDecoder, workers: Int, cacheDir: String?, warn: (String) -> Void,
                              progress: ((Int) -> Void)? = nil) -> FaceCrops {
        guard let cacheDir else {
            return build(samples, preprocessor: preprocessor, detector: detector, decoder: decoder, workers: workers, progress: progress)
        }
        // Bump the version whenever decoding, detection or cropping code changes what a crop contains.
        var key = "crops-v3|\(preprocessor)|\(detector.settings)"
        for s in samples {
            key += "|" + s.path
            if let f = s.face { key += "@\(f.x),\(f.y),\(f.width),\(f.height)" }
        }
        let file = cacheDir + "/crops-\(StableHash.hex(key)).bin"
        if let data = FileManager.default.contents(atPath: file), let crops = decode(data, count: samples.count, side: preprocessor.cropSide) {
            return crops
        }
        let crops = build(samples, preprocessor: preprocessor, detector: detector, decoder: decoder, workers: workers, progress: progress)
        do {
            try FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
            try encoded(crops).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            warn("could not write the face-crop cache \(file): \(error.localizedDescription); the next run builds the crops again")
        }
        return crops
    }

    /// Cache file layout: a source byte per crop, four little-endian UInt16 (the inside rectangle) per crop, pixels.
    private static func encoded(_ crops: FaceCrops) -> Data {
        var rects: [UInt8] = []
        rects.reserveCapacity(crops.count * 8)
        for r in crops.inside { for v in [r.x0, r.y0, r.x1, r.y1] { rects += [UInt8(v & 0xff), UInt8(v >> 8)] } }
        return Data(crops.sources.map(\.rawValue)) + Data(rects) + Data(crops.pixels)
    }

    private static func decode(_ data: Data, count: Int, side: Int) -> FaceCrops? {
        guard data.count == count + count * 8 + count * side * side * 3 else { return nil }
        // Only the small header is copied out byte by byte; the pixels (hundreds of MB) are copied once.
        let header = [UInt8](data.prefix(count * 9))
        let sources = header[0..<count].compactMap { CropSource(rawValue: $0) }
        guard sources.count == count else { return nil }
        let inside = (0..<count).map { i in
            let v = (0..<4).map { k in UInt16(header[count + i * 8 + 2 * k]) | UInt16(header[count + i * 8 + 2 * k + 1]) << 8 }
            return CropInside(x0: v[0], y0: v[1], x1: v[2], y1: v[3])
        }
        return FaceCrops(side: side, pixels: [UInt8](data.dropFirst(count * 9)), sources: sources, inside: inside)
    }
}
