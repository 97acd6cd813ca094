import FaceGenderDetection
import FaceGenderEngine

/// What the detector should output for a batch of samples ([N, 15, P] like its output): which positions are faces,
/// which are background, which are left alone, and the box and landmarks of each face position.
///
/// A face is learnt at the pyramid levels whose sizes suit it (`levelRange`, by the box's longer side), at the
/// positions inside its box within 1.5 strides of its centre (at least the one nearest the centre). A position
/// claimed by two faces learns the smaller. Positions inside a face's box but off its centre, and inside ignored
/// regions, are left alone: they are neither faces nor background.
public struct DetectionTargets {
    public let count: Int, positions: Int
    /// Per (sample, position): 1 face, 0 background.
    public var label: [Float]
    /// Per (sample, position): 1 if the score is learnt there, 0 if left alone.
    public var scoreWeight: [Float]
    /// Per (sample, position): 1 if the box is learnt there; and the same for landmarks.
    public var boxWeight: [Float], landmarkWeight: [Float]
    /// [N, 14, P]: the regression targets of `DetectorCoding.encode`.
    public var regression: [Float]

    /// The longer box sides each level learns (strides 8, 16, 32); the ranges overlap so that a face near a border
    /// is learnt at both levels.
    public static let levelRange: [ClosedRange<Double>] = [0...40, 28...88, 64...10_000]

    public init(samples: [DetectionSample], side: Int) {
        let levels = DetectorNetwork.positions(height: side, width: side)
        count = samples.count
        positions = levels.reduce(0) { $0 + $1.height * $1.width }
        label = [Float](repeating: 0, count: count * positions)
        scoreWeight = [Float](repeating: 1, count: count * positions)
        boxWeight = label; landmarkWeight = label
        regression = [Float](repeating: 0, count: count * 14 * positions)
        for (i, sample) in samples.enumerated() { assign(sample, index: i, levels: levels) }
    }

    private mutating func assign(_ sample: DetectionSample, index i: Int, levels: [(height: Int, width: Int)]) {
        var offset = 0
        for (l, (stride, level)) in zip(DetectorSpec.strides, levels).enumerated() {
            // The face each position learns (smallest wins) and the positions to leave alone.
            var owner = [Int?](repeating: nil, count: level.height * level.width)
            var leftAlone = [Bool](repeating: false, count: owner.count)
            func cells(_ box: FaceBox) -> [Int] {
                let gx0 = max(0, Int(box.x / Double(stride))), gx1 = min(level.width - 1, Int((box.x + box.width) / Double(stride)))
                let gy0 = max(0, Int(box.y / Double(stride))), gy1 = min(level.height - 1, Int((box.y + box.height) / Double(stride)))
                guard gx0 <= gx1, gy0 <= gy1 else { return [] }
                return (gy0...gy1).flatMap { gy in (gx0...gx1).map { gy * level.width + $0 } }.filter { p in
                    let c = DetectorCoding.centre(gx: p % level.width, gy: p / level.width, stride: stride)
                    return c.x > box.x && c.x < box.x + box.width && c.y > box.y && c.y < box.y + box.height
                }
            }
            for box in sample.ignored { for p in cells(box) { leftAlone[p] = true } }
            for (f, face) in sample.faces.enumerated() where Self.levelRange[l].contains(max(face.width, face.height)) {
                let cx = face.x + face.width / 2, cy = face.y + face.height / 2, radius = 1.5 * Double(stride)
                let inside = cells(face)
                var centred = inside.filter { p in
                    let c = DetectorCoding.centre(gx: p % level.width, gy: p / level.width, stride: stride)
                    return abs(c.x - cx) <= radius && abs(c.y - cy) <= radius
                }
                if centred.isEmpty {
                    let gx = min(level.width - 1, max(0, Int(cx / Double(stride)))), gy = min(level.height - 1, max(0, Int(cy / Double(stride))))
                    centred = [gy * level.width + gx]
                }
                for p in inside where !centred.contains(p) { leftAlone[p] = true }
                for p in centred where owner[p].map({ sample.faces[$0].area > face.area }) ?? true { owner[p] = f }
            }
            for p in owner.indices {
                let q = i * positions + offset + p
                if let f = owner[p] {
                    let face = sample.faces[f]
                    label[q] = 1; boxWeight[q] = 1; landmarkWeight[q] = face.landmarks == nil ? 0 : 1
                    let c = DetectorCoding.centre(gx: p % level.width, gy: p / level.width, stride: stride)
                    // The nearest position to a tiny face's centre may lie just outside its box: the box is encoded from
                    // the centre clamped in, the landmarks from the position itself.
                    let inside = (x: min(max(c.x, face.x + 1e-3), face.x + face.width - 1e-3),
                                  y: min(max(c.y, face.y + 1e-3), face.y + face.height - 1e-3))
                    let t = Array(DetectorCoding.encode(face, centre: inside, stride: stride).prefix(4))
                        + DetectorCoding.encode(face, centre: c, stride: stride).dropFirst(4)
                    for k in 0..<14 { regression[(i * 14 + k) * positions + offset + p] = t[k] }
                } else if leftAlone[p] {
                    scoreWeight[q] = 0
                }
            }
            offset += level.height * level.width
        }
    }
}
