import FaceGenderModel
import FaceGenderTraining
import Foundation

/// Renders a training run's events on stderr: a progress bar per epoch, a line per finished epoch.
final class TrainingLog {
    private var bar: ProgressBar?

    func observe(_ event: TrainingEvent) {
        switch event {
        case let .epochStarted(epoch, epochs, batches):
            bar = ProgressBar(total: batches, label: "epoch \(epoch + 1)/\(epochs)")
        case let .stepFinished(p):
            bar?.update(p.batch, unit: "img", units: p.images,
                        extra: String(format: "loss %.4f acc %.3f lr %.2e", p.loss, p.accuracy, p.learningRate))
        case let .epochFinished(r, epochs, isBest):
            finishBar()
            log(String(format: "epoch %d/%d  train loss %.4f acc %.4f | val loss %.4f acc %.4f | %.0f img/s, %@%@",
                       r.epoch, epochs, r.trainLoss, r.trainAccuracy, r.validationLoss, r.validationAccuracy,
                       r.imagesPerSecond, ProgressBar.clock(r.seconds), isBest ? "  * best" : "")
                + r.validationAccuracyByDataset.sorted { $0.key < $1.key }.map { String(format: " | %@ %.4f", $0.key, $0.value) }.joined())
        case let .note(message):
            finishBar()
            log(message)
        }
    }

    private func finishBar() {
        bar?.finish()
        bar = nil
    }
}
