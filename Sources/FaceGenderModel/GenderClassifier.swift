import FaceGenderEngine
import FaceGenderImaging
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A trained network with its preprocessing and calibration: faces in, calibrated probabilities out.
///
/// Not safe to call from two threads at once (layers reuse their buffers); a server keeps one per worker.
public final class GenderClassifier {
    public let network: Network
    public var info: ModelInfo

    public init(network: Network, info: ModelInfo) {
        self.network = network
        self.info = info
    }

    /// Writes weights, `info` and the learning curves `history`.
    public func save(to path: String, history: [EpochRecord]) throws {
        try ModelFile.save(network, metadata: try info.metadata().merging(try EpochRecord.metadata(history)) { a, _ in a }, to: path)
    }

    private let mirrored = Tensor(shape: [0])
    private let averaged = Tensor(shape: [0])
    private let merged = Tensor(shape: [0])
    private let viewBatch = Tensor(shape: [0])
    private let viewAverage = Tensor(shape: [0])

    /// Logits [N, K] of N face crops (`FacePreprocessor.crop`): each crop is seen in every view of `info.views`,
    /// and its logits are the mean over them. Overwritten by the next call.
    public func logits(crops: [RGBImage]) -> Tensor {
        let pre = info.preprocessor, views = info.views.scales, v = views.count, side = pre.inputSide
        viewBatch.resize([crops.count * v, 3, side, side])
        for (i, crop) in crops.enumerated() {
            for (j, scale) in views.enumerated() {
                var view = AugmentationSample.identity
                view.scale = Float(scale)
                pre.write(crop, augmentation: view, into: viewBatch, index: i * v + j)
            }
        }
        let all = logits(viewBatch)
        guard v > 1 else { return all }
        let k = all.sampleCount
        viewAverage.resize([crops.count, k])
        for i in 0..<crops.count {
            for c in 0..<k {
                var sum: Float = 0
                for j in 0..<v { sum += all[(i * v + j) * k + c] }
                viewAverage[i * k + c] = sum / Float(v)
            }
        }
        return viewAverage
    }

    /// Calibrated class probabilities of N face crops, one row per crop.
    public func probabilities(crops: [RGBImage]) -> [[Double]] {
        Self.probabilities(logits: logits(crops: crops), temperature: info.temperature)
    }

    /// Logits [N, K] of a preprocessed batch, in inference mode; with mirrored views, the mean of the logits of
    /// each face and its mirror image. The result is overwritten by the next call.
    public func logits(_ batch: Tensor) -> Tensor {
        guard info.views.mirror == .averaged else { return classLogits(batch) }
        averaged.copy(from: classLogits(batch))
        Self.mirror(batch, into: mirrored)
        let flipped = classLogits(mirrored)
        for i in 0..<averaged.count { averaged[i] = (averaged[i] + flipped[i]) / 2 }
        return averaged
    }

    private func classLogits(_ batch: Tensor) -> Tensor {
        Self.classLogits(network.forward(batch, mode: .inference), outputsPerClass: info.outputsPerClass, into: merged)
    }

    /// Per-class logits from a network's outputs: unchanged with one output per class; with subclasses, each
    /// class's log-sum-exp over its subclasses, so that softmax over them gives the subclass probabilities' sums.
    public static func classLogits(_ outputs: Tensor, outputsPerClass s: Int, into result: Tensor) -> Tensor {
        guard s > 1 else { return outputs }
        let n = outputs.shape[0], k = outputs.sampleCount / s
        result.resize([n, k])
        for i in 0..<n {
            for c in 0..<k {
                let row = outputs.data + i * k * s + c * s
                var m = row[0]
                for j in 1..<s { m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<s { sum += expf(row[j] - m) }
                result[i * k + c] = m + logf(sum)
            }
        }
        return result
    }

    /// Reverses every image row of an [N, C, H, W] batch.
    static func mirror(_ batch: Tensor, into out: Tensor) {
        out.resize(batch.shape)
        let w = batch.shape[3], rows = batch.count / w
        for r in 0..<rows {
            let src = batch.data + r * w, dst = out.data + r * w
            for x in 0..<w { dst[x] = src[w - 1 - x] }
        }
    }

    /// Calibrated class probabilities, one row per sample.
    public func probabilities(_ batch: Tensor) -> [[Double]] {
        Self.probabilities(logits: logits(batch), temperature: info.temperature)
    }

    public static func probabilities(logits: Tensor, temperature: Double) -> [[Double]] {
        let n = logits.shape[0], k = logits.sampleCount
        return (0..<n).map { i in
            let z = (0..<k).map { Double(logits[i * k + $0]) / temperature }
            let m = z.max() ?? 0
            let e = z.map { exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }
}
