import Foundation

/// An OpenCV boosted Haar cascade (the "new" XML format of opencv_traincascade), flattened into arrays.
///
/// Stages of boosted decision trees; each tree node compares a Haar feature (weighted rectangle sums in
/// a `windowWidth x windowHeight` window, normalised by the window's standard deviation) to a threshold.
public struct HaarCascade: Sendable {
    public struct Rect: Sendable { var x: Int32, y: Int32, width: Int32, height: Int32, weight: Float }
    public struct Node: Sendable { var left: Int32, right: Int32, feature: Int32, threshold: Float }
    public struct Tree: Sendable { var firstNode: Int32, firstLeaf: Int32, nodeCount: Int32 }
    public struct Stage: Sendable { var threshold: Float, firstTree: Int32, treeCount: Int32 }

    public let windowWidth: Int, windowHeight: Int
    let stages: [Stage]
    let trees: [Tree]
    let nodes: [Node]
    let leaves: [Float]
    /// Rectangles of each feature: `featureRects[featureStart[f]..<featureStart[f+1]]`.
    let featureRects: [Rect]
    let featureStart: [Int32]

    /// The cascade Debian's opencv-data installs; the default.
    public static let debianPaths = [
        "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml",
        "/usr/share/opencv/haarcascades/haarcascade_frontalface_alt2.xml",
    ]

    /// opencv-data's frontal "default" cascade: looser than alt2, the second chance of `FallbackDetector.standard`.
    public static let debianFallbackPaths = [
        "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
        "/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml",
    ]

    /// Loads `path`, or the first of `defaults` that exists when `path` is nil.
    public static func load(path: String?, defaults: [String] = debianPaths) throws -> HaarCascade {
        let file = try CascadeFile.read(path: path, defaults: defaults)
        return try HaarCascade(xml: file.text, path: file.path)
    }

    public init(xml: String, path: String = "<memory>") throws {
        func fail(_ reason: String) -> DetectionError { .unsupportedCascade(path: path, reason: reason) }
        guard xml.contains("<featureType>HAAR</featureType>") else { throw fail("featureType is not HAAR (old-format or LBP cascades are not supported)") }
        guard !xml.contains("<tilted>1</tilted>") else { throw fail("tilted features are not supported") }
        guard let w = XMLScan.first("width", in: xml).flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
              let h = XMLScan.first("height", in: xml).flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else { throw fail("missing window width/height") }
        windowWidth = w; windowHeight = h

        guard let stagesText = XMLScan.first("stages", in: xml), let featuresText = XMLScan.first("features", in: xml) else {
            throw fail("missing <stages> or <features>")
        }
        var stages: [Stage] = [], trees: [Tree] = [], nodes: [Node] = [], leaves: [Float] = []
        for (threshold, weak) in try XMLScan.stages(stagesText, fail: fail, incomplete: "stage trees are incomplete") {
            stages.append(Stage(threshold: threshold, firstTree: Int32(trees.count), treeCount: Int32(weak.count)))
            for (nodeText, leafText) in weak {
                let numbers = nodeText.split(whereSeparator: \.isWhitespace)
                let leafValues = leafText.split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
                guard numbers.count % 4 == 0, !numbers.isEmpty, leafValues.count == numbers.count / 4 + 1 else {
                    throw fail("a tree has \(numbers.count) node numbers and \(leafValues.count) leaves")
                }
                trees.append(Tree(firstNode: Int32(nodes.count), firstLeaf: Int32(leaves.count), nodeCount: Int32(numbers.count / 4)))
                for n in stride(from: 0, to: numbers.count, by: 4) {
                    guard let l = Int32(numbers[n]), let r = Int32(numbers[n + 1]), let f = Int32(numbers[n + 2]),
                          let t = Float(numbers[n + 3]) else { throw fail("bad internal node") }
                    nodes.append(Node(left: l, right: r, feature: f, threshold: t))
                }
                leaves += leafValues
            }
        }
        var rects: [Rect] = [], starts: [Int32] = []
        for rectsText in XMLScan.all("rects", in: featuresText) {
            starts.append(Int32(rects.count))
            for line in rectsText.components(separatedBy: "<_>").dropFirst() {
                let v = line.replacingOccurrences(of: "</_>", with: " ").split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
                guard v.count == 5 else { throw fail("a feature rectangle needs 5 numbers, got \(v.count)") }
                rects.append(Rect(x: Int32(v[0]), y: Int32(v[1]), width: Int32(v[2]), height: Int32(v[3]), weight: v[4]))
            }
        }
        starts.append(Int32(rects.count))
        guard !stages.isEmpty, starts.count > 1 else { throw fail("no stages or no features") }
        let featureCount = starts.count - 1
        guard nodes.allSatisfy({ $0.feature >= 0 && Int($0.feature) < featureCount }) else { throw fail("a node names a missing feature") }
        guard zip(starts, starts.dropFirst()).allSatisfy({ (1...3).contains($1 - $0) }) else { throw fail("a feature needs 1 to 3 rectangles") }
        self.stages = stages; self.trees = trees; self.nodes = nodes; self.leaves = leaves
        featureRects = rects; featureStart = starts
    }

    public var stageCount: Int { stages.count }
    public var featureCount: Int { featureStart.count - 1 }
}

/// A tree node with its feature's rectangles resolved to integral-image offsets for one image width:
/// up to three weighted rectangle sums, no loops, no lookups in the hot path.
struct CompiledNode {
    var a0: Int32, b0: Int32, c0: Int32, d0: Int32, w0: Float
    var a1: Int32, b1: Int32, c1: Int32, d1: Int32, w1: Float
    var a2: Int32, b2: Int32, c2: Int32, d2: Int32, w2: Float
    var threshold: Float
    var left: Int32, right: Int32

    @inline(__always)
    func value(_ s: UnsafePointer<Int32>) -> Float {
        var v = w0 * Float(s[Int(a0)] - s[Int(b0)] - s[Int(c0)] + s[Int(d0)])
        v += w1 * Float(s[Int(a1)] - s[Int(b1)] - s[Int(c1)] + s[Int(d1)])
        if w2 != 0 { v += w2 * Float(s[Int(a2)] - s[Int(b2)] - s[Int(c2)] + s[Int(d2)]) }
        return v
    }
}

extension HaarCascade {
    /// Nodes with rectangle corners as offsets into an integral image of row length `stride`.
    func compiledNodes(stride: Int) -> [CompiledNode] {
        let s = Int32(stride)
        func corners(_ i: Int) -> (Int32, Int32, Int32, Int32, Float) {
            let r = featureRects[i]
            let tl = r.y * s + r.x
            return (tl, tl + r.width, tl + r.height * s, tl + r.height * s + r.width, r.weight)
        }
        return nodes.map { n in
            let first = Int(featureStart[Int(n.feature)]), count = Int(featureStart[Int(n.feature) + 1]) - first
            let r0 = corners(first), r1 = count > 1 ? corners(first + 1) : (0, 0, 0, 0, 0), r2 = count > 2 ? corners(first + 2) : (0, 0, 0, 0, 0)
            return CompiledNode(a0: r0.0, b0: r0.1, c0: r0.2, d0: r0.3, w0: r0.4, a1: r1.0, b1: r1.1, c1: r1.2, d1: r1.3, w1: r1.4,
                                a2: r2.0, b2: r2.1, c2: r2.2, d2: r2.3, w2: r2.4, threshold: n.threshold, left: n.left, right: n.right)
        }
    }
}

/// Finds and reads a cascade XML file: `path`, or the first of `defaults` that exists.
enum CascadeFile {
    static func read(path: String?, defaults: [String]) throws -> (text: String, path: String) {
        let candidates = path.map { [$0] } ?? defaults
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DetectionError.cascadeNotFound(searched: candidates)
        }
        do { return (try String(contentsOfFile: found, encoding: .utf8), found) } catch {
            throw DetectionError.unreadableCascade(path: found, reason: error.localizedDescription)
        }
    }
}

/// Just enough XML reading for OpenCV cascade files: the text between <tag> and </tag>.
enum XMLScan {
    /// Each stage of a cascade's <stages> text: its threshold and the (internalNodes, leafValues) texts of its
    /// weak classifiers. A stage's text runs from its <stageThreshold> to the next one.
    static func stages(_ stagesText: String, fail: (String) -> DetectionError, incomplete: String) throws
        -> [(threshold: Float, weak: [(nodes: String, leaves: String)])] {
        try stagesText.components(separatedBy: "<stageThreshold>").dropFirst().map { chunk in
            guard let threshold = Float(chunk.prefix { $0 != "<" }.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw fail("bad stageThreshold")
            }
            let internals = all("internalNodes", in: chunk), leafTexts = all("leafValues", in: chunk)
            guard internals.count == leafTexts.count, !internals.isEmpty else { throw fail(incomplete) }
            return (threshold, Array(zip(internals, leafTexts)))
        }
    }

    static func first(_ tag: String, in text: some StringProtocol) -> String? {
        guard let open = text.range(of: "<\(tag)>"),
              let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    static func all(_ tag: String, in text: some StringProtocol) -> [String] {
        var out: [String] = []
        var start = text.startIndex
        while let open = text.range(of: "<\(tag)>", range: start..<text.endIndex),
              let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) {
            out.append(String(text[open.upperBound..<close.lowerBound]))
            start = close.upperBound
        }
        return out
    }
}
