#if canImport(Glibc)
import Glibc
#endif

/// How the detector's outputs at a position stand for a face, in one place for training (`encode`) and inference
/// (`decode`). A position of the level with stride s at grid (gx, gy) sits at c = ((gx + 0.5) s, (gy + 0.5) s);
/// its outputs are [score logit, log(l/s), log(t/s), log(r/s), log(b/s), (x_i - c_x)/s, (y_i - c_y)/s for the five
/// landmarks], where l, t, r, b are the distances from c to the box's left, top, right and bottom edges.
public enum DetectorCoding {
    public static func centre(gx: Int, gy: Int, stride: Int) -> (x: Double, y: Double) {
        ((Double(gx) + 0.5) * Double(stride), (Double(gy) + 0.5) * Double(stride))
    }

    /// The 14 regression targets of `box` seen from the position at `centre` (which must lie inside the box), with
    /// zeros for missing landmarks.
    public static func encode(_ box: FaceBox, centre c: (x: Double, y: Double), stride: Int) -> [Float] {
        let s = Double(stride)
        let distances = [c.x - box.x, c.y - box.y, box.x + box.width - c.x, box.y + box.height - c.y]
        var t = distances.map { Float(log(max($0, 1e-3) / s)) }
        t += (box.landmarks?.points ?? []).flatMap { [Float(($0.x - c.x) / s), Float(($0.y - c.y) / s)] }
        t += [Float](repeating: 0, count: 14 - t.count)
        return t
    }

    /// The face that the outputs `o` (15 values, `o[k]` the k-th) at `centre` stand for.
    public static func decode(_ o: (Int) -> Float, centre c: (x: Double, y: Double), stride: Int) -> FaceBox {
        let s = Double(stride)
        func distance(_ k: Int) -> Double { exp(min(Double(o(k)), 10)) * s }
        let x0 = c.x - distance(1), y0 = c.y - distance(2), x1 = c.x + distance(3), y1 = c.y + distance(4)
        let landmarks = FaceLandmarks((0..<10).map { k in (k % 2 == 0 ? c.x : c.y) + Double(o(5 + k)) * s })
        return FaceBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: 1 / (1 + exp(-Double(o(0)))), landmarks: landmarks)
    }

    /// Greedy non-maximum suppression: the best-scoring box is kept and every box overlapping it by more than
    /// `iou` dropped, then the next best that is left, and so on; of the `candidates` best boxes, at most `limit` kept.
    public static func suppress(_ boxes: [FaceBox], iou: Double, candidates: Int = 2000, limit: Int = 500) -> [FaceBox] {
        var kept: [FaceBox] = []
        for box in boxes.sorted(by: { $0.score > $1.score }).prefix(candidates) where !kept.contains(where: { $0.iou(box) > iou }) {
            kept.append(box)
            if kept.count == limit { break }
        }
        return kept
    }
}
