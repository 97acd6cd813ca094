/// An exponential moving average of a network's weights and buffers (Polyak averaging). The average of the
/// last few thousand steps sits nearer the centre of the loss valley than any single step's weights, so it
/// usually validates better and jumps less from epoch to epoch: a cheap guard against a lucky or unlucky
/// last step deciding the shipped model.
public final class WeightAverage {
    /// The averaging factor once warmed up; 0.999 weighs roughly the last thousand steps.
    public let decay: Float
    private let live: [NamedTensor]
    /// The averaged tensors, named "average." + the live tensor's name (for checkpoints).
    public let state: [NamedTensor]

    public init(of tensors: [NamedTensor], decay: Float) {
        self.decay = decay
        live = tensors
        state = tensors.map { NamedTensor(name: "average." + $0.name, tensor: $0.tensor.clone()) }
    }

    /// The factor at `step` (0-based): early steps use a smaller one, so the random initial weights are
    /// forgotten quickly instead of dragging the average for thousands of steps.
    public func factor(at step: Int) -> Float {
        min(decay, Float(1 + step) / Float(10 + step))
    }

    /// Folds the live values into the average after optimiser step `step`.
    public func update(step: Int) {
        let d = factor(at: step), e = 1 - d
        for (source, target) in zip(live, state) {
            let x = source.tensor.data, a = target.tensor.data
            for i in 0..<source.tensor.count { a[i] = d * a[i] + e * x[i] }
        }
    }

    /// Exchanges live and averaged values: call once to evaluate the average, and again to train on.
    public func swap() {
        for (source, target) in zip(live, state) {
            let x = source.tensor.data, a = target.tensor.data
            for i in 0..<source.tensor.count { (x[i], a[i]) = (a[i], x[i]) }
        }
    }

    /// Runs `body` with the averaged values in place of the live ones.
    public func withAverage<R>(_ body: () throws -> R) rethrows -> R {
        swap()
        defer { swap() }
        return try body()
    }
}
