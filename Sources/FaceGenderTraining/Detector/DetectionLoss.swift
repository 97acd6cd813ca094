import FaceGenderDetection
import FaceGenderEngine
#if canImport(Glibc)
import Glibc
#endif

/// The detector's loss on its output [N, 15, P] against `DetectionTargets`, with the gradient beside it:
/// - score: sigmoid focal loss (α = 0.25, γ = 2; Lin et al. 2017) over every position not left alone, so the many
///   easy background positions weigh little;
/// - box: smooth L1 on the four log distances, at face positions;
/// - landmarks: smooth L1 on the ten offsets, at face positions whose face has landmarks, times `landmarkWeight`.
/// Each part is divided by the number of face positions in the batch (at least 1).
public final class DetectionLoss {
    public let alpha: Float = 0.25, gamma: Float = 2, beta: Float = 0.1
    public let landmarkWeight: Float
    public let gradient = Tensor(shape: [0])
    public private(set) var parts = (score: Float(0), box: Float(0), landmarks: Float(0))

    public init(landmarkWeight: Float = 0.5) { self.landmarkWeight = landmarkWeight }

    @discardableResult
    public func forward(_ output: Tensor, _ t: DetectionTargets) -> Float {
        let n = output.shape[0], k = output.shape[1], p = output.shape[2]
        precondition(k == DetectorSpec.outputsPerPosition && n == t.count && p == t.positions, "output \(output.shape) does not fit the targets")
        gradient.resize(output.shape)
        gradient.zero()
        let norm = max(1, t.label.reduce(0, +))
        var score: Float = 0, box: Float = 0, landmarks: Float = 0
        for i in 0..<n {
            let o = output.data + i * k * p, g = gradient.data + i * k * p
            for j in 0..<p {
                let q = i * p + j
                if t.scoreWeight[q] > 0 {
                    let (value, slope) = focal(o[j], label: t.label[q])
                    score += value
                    g[j] = slope / norm
                }
                if t.boxWeight[q] > 0 {
                    for c in 0..<4 {
                        let (value, slope) = smoothL1(o[(1 + c) * p + j] - t.regression[(i * 14 + c) * p + j])
                        box += value
                        g[(1 + c) * p + j] = slope / norm
                    }
                }
                if t.landmarkWeight[q] > 0 {
                    for c in 4..<14 {
                        let (value, slope) = smoothL1(o[(1 + c) * p + j] - t.regression[(i * 14 + c) * p + j])
                        landmarks += landmarkWeight * value
                        g[(1 + c) * p + j] = landmarkWeight * slope / norm
                    }
                }
            }
        }
        parts = (score / norm, box / norm, landmarks / norm)
        return parts.score + parts.box + parts.landmarks
    }

    /// Focal loss of one logit and its derivative.
    func focal(_ z: Float, label y: Float) -> (Float, Float) {
        let p = 1 / (1 + expf(-z))
        if y > 0.5 {
            let logP = z < -20 ? z : -log1pf(expf(-z))  // log p, stable
            return (-alpha * powf(1 - p, gamma) * logP, alpha * powf(1 - p, gamma) * (gamma * p * logP - (1 - p)))
        }
        let log1mP = z > 20 ? -z : -log1pf(expf(z))  // log(1 - p), stable
        return (-(1 - alpha) * powf(p, gamma) * log1mP, (1 - alpha) * powf(p, gamma) * (p - gamma * (1 - p) * log1mP))
    }

    func smoothL1(_ d: Float) -> (Float, Float) {
        abs(d) < beta ? (0.5 * d * d / beta, d / beta) : (abs(d) - 0.5 * beta, d > 0 ? 1 : -1)
    }
}
