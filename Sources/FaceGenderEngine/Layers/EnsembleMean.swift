import Foundation

/// Several networks on the same input, answering the mean of their softmax probabilities, as log-probabilities
/// ([N, K]): independently trained members stored as one model. Members' errors are partly their own, so their mean
/// is right more often than any one of them. Probabilities, not logits, are averaged so that outputs that are
/// subclasses of a class (summed into it later) average as the class's probability does.
public final class EnsembleMean: Layer {
    public let members: [Sequential]
    private var probabilities: [Tensor] = []
    private let mean = Tensor(shape: [0])
    private let ratio = Tensor(shape: [0])
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private let memberGradient = Tensor(shape: [0])

    public init(members: [Sequential]) {
        precondition(!members.isEmpty, "an ensemble needs a member")
        self.members = members
        probabilities = members.map { _ in Tensor(shape: [0]) }
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        for (j, member) in members.enumerated() {
            let y = member.forward(x, mode: mode)
            softmax(y, into: probabilities[j])
            if j == 0 { mean.resize(y.shape); mean.zero() }
            precondition(y.shape == mean.shape, "ensemble members disagree: \(y.shape) vs \(mean.shape)")
            let p = probabilities[j]
            for i in 0..<p.count { mean[i] += p[i] / Float(members.count) }
        }
        output.resize(mean.shape)
        for i in 0..<mean.count { output[i] = logf(max(mean[i], .leastNormalMagnitude)) }
        return output
    }

    /// dL/dz_j = p_j (r - <r, p_j>) / M per row, where r = dL/dy / q and q the mean probabilities.
    public func backward(_ dy: Tensor) -> Tensor {
        let k = dy.sampleCount, rows = dy.n, m = Float(members.count)
        ratio.resize(dy.shape)
        for i in 0..<dy.count { ratio[i] = dy[i] / max(mean[i], .leastNormalMagnitude) }
        memberGradient.resize(dy.shape)
        for (j, member) in members.enumerated() {
            let p = probabilities[j]
            for row in 0..<rows {
                var dot: Float = 0
                for c in 0..<k { dot += ratio[row * k + c] * p[row * k + c] }
                for c in 0..<k {
                    let i = row * k + c
                    memberGradient[i] = p[i] * (ratio[i] - dot) / m
                }
            }
            let dx = member.backward(memberGradient)
            if j == 0 { gradInput.copy(from: dx) } else { for i in 0..<dx.count { gradInput[i] += dx[i] } }
        }
        return gradInput
    }

    public var parameters: [Parameter] { members.flatMap(\.parameters) }
    public var buffers: [NamedTensor] { members.flatMap(\.buffers) }
}
