import FaceGenderDetection

/// Recall and precision of a face detector on scene photos, the way issue 26's targets count them: faces of at
/// least `minimumSide` pixels (the longer side of the box) that are not marked invalid are counted; a detection is
/// right when it overlaps a counted face by IoU >= `iou`, matched greedily, best score first; a detection that
/// overlaps only a face that is not counted (small or invalid) is neither right nor wrong.
public struct DetectionMetrics: Sendable {
    public var minimumSide: Double = 40
    public var iou: Double = 0.4

    public init(minimumSide: Double = 40, iou: Double = 0.4) { self.minimumSide = minimumSide; self.iou = iou }

    /// One photo's detections matched against its faces.
    public struct Matched: Sendable {
        /// Per detection: its score and whether it is right (true), wrong (false) or not counted (nil).
        public var detections: [(score: Double, right: Bool?)]
        /// Per counted face: its annotation, and the detection matched to it (nil: none was).
        public var faces: [(face: SceneDataset.Face, detection: FaceBox?)]
    }

    public func counts(_ face: SceneDataset.Face) -> Bool {
        !face.invalid && max(face.box.width, face.box.height) >= minimumSide
    }

    public func match(_ detections: [FaceBox], to faces: [SceneDataset.Face]) -> Matched {
        var taken = [Bool](repeating: false, count: faces.count)
        var matchOf = [FaceBox?](repeating: nil, count: faces.count)
        var results: [(score: Double, right: Bool?)] = []
        for d in detections.sorted(by: { $0.score > $1.score }) {
            let candidates = faces.indices.filter { !taken[$0] && counts(faces[$0]) }
            if let best = candidates.max(by: { faces[$0].box.iou(d) < faces[$1].box.iou(d) }), faces[best].box.iou(d) >= iou {
                taken[best] = true
                matchOf[best] = d
                results.append((d.score, true))
            } else if faces.contains(where: { !counts($0) && $0.box.iou(d) >= iou }) {
                results.append((d.score, nil))
            } else {
                results.append((d.score, false))
            }
        }
        let counted = faces.indices.filter { counts(faces[$0]) }
        return Matched(detections: results, faces: counted.map { (faces[$0], matchOf[$0]) })
    }

    /// Recall and precision of the detections scoring at least `threshold`, over many photos, for the faces that
    /// `include` keeps (precision always counts every detection).
    public static func at(_ threshold: Double, _ photos: [Matched],
                          include: (SceneDataset.Face) -> Bool = { _ in true }) -> (recall: Double, precision: Double, faces: Int) {
        let faces = photos.flatMap(\.faces).filter { include($0.face) }
        let found = faces.filter { ($0.detection?.score ?? -1) >= threshold }.count
        let kept = photos.flatMap(\.detections).filter { $0.score >= threshold }
        let right = kept.filter { $0.right == true }.count, wrong = kept.filter { $0.right == false }.count
        return (Double(found) / Double(max(faces.count, 1)), Double(right) / Double(max(right + wrong, 1)), faces.count)
    }

    /// The threshold with the best recall among those whose precision is at least `precision`: one sweep down the
    /// detections' scores, best first.
    public static func bestRecall(atPrecision precision: Double, _ photos: [Matched]) -> (threshold: Double, recall: Double, precision: Double) {
        let detections = photos.flatMap(\.detections).filter { $0.right != nil }.sorted { $0.score > $1.score }
        let faceScores = photos.flatMap(\.faces).map { $0.detection?.score ?? -1 }.sorted(by: >)
        let total = Double(max(faceScores.count, 1))
        var best = (threshold: 1.0, recall: 0.0, precision: 1.0)
        var right = 0, wrong = 0, found = 0
        for (i, d) in detections.enumerated() {
            if d.right == true { right += 1 } else { wrong += 1 }
            // Thresholds sit between distinct scores.
            if i + 1 < detections.count && detections[i + 1].score == d.score { continue }
            while found < faceScores.count && faceScores[found] >= d.score { found += 1 }
            let p = Double(right) / Double(right + wrong), r = Double(found) / total
            if p >= precision && r > best.recall { best = (d.score, r, p) }
        }
        return best
    }
}
