/// Where five landmarks sit in an upright face box: the widely used 112x112 alignment template of ArcFace
/// (insightface), whose box is the 96x112 rectangle from x = 8 to 104. Portraits with landmarks but no box (All-Age-
/// Faces) get the box that template implies, by the similarity transform (scale, rotation, shift) that best maps
/// the template's points onto the portrait's.
public enum LandmarkTemplate {
    public static let points: [(x: Double, y: Double)] = [
        (38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041),
    ]
    public static let box = (x0: 8.0, y0: 0.0, x1: 104.0, y1: 112.0)

    /// The least-squares similarity q = a p + b (a = scale x rotation, as a complex number) from the template's
    /// points to `landmarks`.
    public static func fit(_ landmarks: FaceLandmarks) -> (a: (re: Double, im: Double), b: (x: Double, y: Double)) {
        let q = landmarks.points.map { ($0.x, $0.y) }, p = points
        let pm = (p.map(\.x).reduce(0, +) / 5, p.map(\.y).reduce(0, +) / 5)
        let qm = (q.map(\.0).reduce(0, +) / 5, q.map(\.1).reduce(0, +) / 5)
        var re = 0.0, im = 0.0, norm = 0.0
        for (pi, qi) in zip(p, q) {
            let (px, py) = (pi.x - pm.0, pi.y - pm.1), (qx, qy) = (qi.0 - qm.0, qi.1 - qm.1)
            // (q)(p*) summed: the complex least-squares slope.
            re += qx * px + qy * py
            im += qy * px - qx * py
            norm += px * px + py * py
        }
        let a = (re / norm, im / norm)
        let b = (qm.0 - (a.0 * pm.0 - a.1 * pm.1), qm.1 - (a.0 * pm.1 + a.1 * pm.0))
        return (a, b)
    }

    /// The axis-aligned box around the template's box mapped onto `landmarks` (a tilted face's box is the upright
    /// rectangle around its turned box, as WIDER FACE boxes are drawn).
    public static func faceBox(_ landmarks: FaceLandmarks) -> FaceBox {
        let (a, b) = fit(landmarks)
        let corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)].map { x, y in
            (a.re * x - a.im * y + b.x, a.im * x + a.re * y + b.y)
        }
        let x0 = corners.map(\.0).min()!, x1 = corners.map(\.0).max()!
        let y0 = corners.map(\.1).min()!, y1 = corners.map(\.1).max()!
        return FaceBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0, score: 1, landmarks: landmarks)
    }
}
