/// The mean of several networks' outputs on the same input: independently trained members stored as one model.
/// Members' errors are partly their own, so their mean is right more often than any one of them.
public final class EnsembleMean: Layer {
    public let members: [Sequential]
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private let memberGradient = Tensor(shape: [0])

    public init(members: [Sequential]) {
        precondition(!members.isEmpty, "an ensemble needs a member")
        self.members = members
    }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        let weight = 1 / Float(members.count)
        for (j, member) in members.enumerated() {
            let y = member.forward(x, mode: mode)
            if j == 0 {
                output.resize(y.shape)
                for i in 0..<y.count { output[i] = weight * y[i] }
            } else {
                precondition(y.shape == output.shape, "ensemble members disagree: \(y.shape) vs \(output.shape)")
                for i in 0..<y.count { output[i] += weight * y[i] }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let weight = 1 / Float(members.count)
        memberGradient.resize(dy.shape)
        for i in 0..<dy.count { memberGradient[i] = weight * dy[i] }
        for (j, member) in members.enumerated() {
            let dx = member.backward(memberGradient)
            if j == 0 {
                gradInput.resize(dx.shape)
                gradInput.copy(from: dx)
            } else {
                for i in 0..<dx.count { gradInput[i] += dx[i] }
            }
        }
        return gradInput
    }

    public var parameters: [Parameter] { members.flatMap(\.parameters) }
    public var buffers: [NamedTensor] { members.flatMap(\.buffers) }
}
