/// What `facegender evaluate-detector` reports: recall and precision at a score threshold, the best recall at 90%
/// precision, recall by skin type, size, pose, occlusion and blur, and the median time per photo.
public struct DetectionReport: Encodable, Sendable {
    public struct Group: Encodable, Sendable { public var recall: Double; public var faces: Int }
    public struct Best: Encodable, Sendable { public var recall: Double; public var precision: Double; public var threshold: Double }
    public var threshold: Double
    public var recall: Double, precision: Double, faces: Int
    public var bestRecallAtPrecision90: Best?
    public var groups: [String: Group]
    public var medianMilliseconds: Double
    /// Photos measured (unreadable ones are left out).
    public var photos: Int

    public init(photos: [DetectionMetrics.Matched], threshold: Double, milliseconds: Double) {
        self.threshold = threshold
        self.photos = photos.count
        (recall, precision, faces) = DetectionMetrics.at(threshold, photos)
        let best = DetectionMetrics.bestRecall(atPrecision: 0.9, photos)
        bestRecallAtPrecision90 = best.recall > 0 ? Best(recall: best.recall, precision: best.precision, threshold: best.threshold) : nil
        medianMilliseconds = milliseconds
        let skin: (String) -> (SceneDataset.Face) -> Bool = { band in { $0.skinBand == band } }
        let side: (ClosedRange<Double>) -> (SceneDataset.Face) -> Bool = { r in { r.contains(max($0.box.width, $0.box.height)) } }
        let attribute: (String, String) -> (SceneDataset.Face) -> Bool = { key, value in { $0.attributes[key] == value } }
        let definitions: [(String, (SceneDataset.Face) -> Bool)] = [
            ("skin I-III", skin("I-III")), ("skin IV-VI", skin("IV-VI")),
            ("side 40-79 px", side(0...79.999)), ("side 80-159 px", side(80...159.999)), ("side 160+ px", side(160...100_000)),
            ("pose typical", attribute("pose", "0")), ("pose atypical", attribute("pose", "1")),
            ("occlusion none", attribute("occlusion", "0")), ("occlusion partial", attribute("occlusion", "1")),
            ("occlusion heavy", attribute("occlusion", "2")), ("blur clear", attribute("blur", "0")),
            ("blur normal", attribute("blur", "1")), ("blur heavy", attribute("blur", "2")),
        ]
        var groups: [String: Group] = [:]
        for (name, include) in definitions {
            let r = DetectionMetrics.at(threshold, photos, include: include)
            if r.faces > 0 { groups[name] = Group(recall: r.recall, faces: r.faces) }
        }
        self.groups = groups
    }
}
