import Foundation

/// An OpenCV boosted LBP cascade (e.g. opencv-data's `lbpcascade_frontalface_improved.xml`), flattened.
///
/// Each weak classifier is a stump on one multi-block LBP feature: a 3x3 grid of equal blocks whose sums are
/// compared with the centre block's, giving an 8-bit code; a 256-bit subset of codes selects one of two leaves.
/// Integer sums only, no variance normalisation: cheaper per window than Haar features.
public struct LBPCascade: Sendable {
    struct Stage: Sendable { var threshold: Float, firstStump: Int32, stumpCount: Int32 }
    struct Stump: Sendable { var feature: Int32, leafIn: Float, leafOut: Float }
    struct Block: Sendable { var x: Int32, y: Int32, width: Int32, height: Int32 }

    public let windowWidth: Int, windowHeight: Int
    let stages: [Stage]
    let stumps: [Stump]
    /// Eight 32-bit words of code subset per stump.
    let subsets: [UInt32]
    let features: [Block]

    public static let debianPaths = [
        "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml",
        "/usr/share/opencv/lbpcascades/lbpcascade_frontalface_improved.xml",
    ]

    public static func load(path: String?) throws -> LBPCascade {
        let file = try CascadeFile.read(path: path, defaults: debianPaths)
        return try LBPCascade(xml: file.text, path: file.path)
    }

    public init(xml: String, path: String = "<memory>") throws {
        func fail(_ reason: String) -> DetectionError { .unsupportedCascade(path: path, reason: reason) }
        guard xml.contains("<featureType>LBP</featureType>") else { throw fail("featureType is not LBP") }
        func int(_ tag: String) -> Int? { XMLScan.first(tag, in: xml).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        guard let w = int("width"), let h = int("height") else { throw fail("missing window width/height") }
        windowWidth = w; windowHeight = h
        guard let stagesText = XMLScan.first("stages", in: xml), let featuresText = XMLScan.first("features", in: xml) else {
            throw fail("missing <stages> or <features>")
        }
        var stages: [Stage] = [], stumps: [Stump] = [], subsets: [UInt32] = []
        for (threshold, weak) in try XMLScan.stages(stagesText, fail: fail, incomplete: "stage stumps are incomplete") {
            // OpenCV subtracts a small epsilon from stage thresholds when it loads them.
            stages.append(Stage(threshold: threshold - 1e-5, firstStump: Int32(stumps.count), stumpCount: Int32(weak.count)))
            for (nodeText, leafText) in weak {
                let numbers = nodeText.split(whereSeparator: \.isWhitespace).compactMap { Int64($0) }
                let leaves = leafText.split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
                guard numbers.count == 11, leaves.count == 2 else { throw fail("an LBP stump needs 11 numbers and 2 leaves") }
                stumps.append(Stump(feature: Int32(numbers[2]), leafIn: leaves[0], leafOut: leaves[1]))
                subsets += numbers[3...].map { UInt32(truncatingIfNeeded: $0) }
            }
        }
        var features: [Block] = []
        for rect in XMLScan.all("rect", in: featuresText) {
            let v = rect.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
            guard v.count == 4, v[2] > 0, v[3] > 0 else { throw fail("an LBP feature needs x y width height") }
            features.append(Block(x: v[0], y: v[1], width: v[2], height: v[3]))
        }
        guard !stages.isEmpty, !features.isEmpty else { throw fail("no stages or no features") }
        guard stumps.allSatisfy({ $0.feature >= 0 && Int($0.feature) < features.count }) else { throw fail("a stump names a missing feature") }
        guard features.allSatisfy({ Int($0.x + 3 * $0.width) <= w && Int($0.y + 3 * $0.height) <= h }) else {
            throw fail("a feature leaves the window")
        }
        self.stages = stages; self.stumps = stumps; self.subsets = subsets; self.features = features
    }

    /// For each stump, the 16 corners of its 4x4 grid as offsets into an integral image of row length `stride`.
    func cornerOffsets(stride: Int) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(stumps.count * 16)
        for stump in stumps {
            let f = features[Int(stump.feature)]
            for r in 0..<4 { for c in 0..<4 { out.append((f.y + Int32(r) * f.height) * Int32(stride) + f.x + Int32(c) * f.width) } }
        }
        return out
    }
}
