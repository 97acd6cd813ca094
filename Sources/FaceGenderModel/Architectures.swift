import FaceGenderEngine

/// Named network architectures. A trained model stores its spec, so these only matter for training.
public enum Architecture: String, CaseIterable, Sendable {
    /// A compact residual CNN for 64x64 faces: ~1.6M parameters, ~0.19 GFLOP per face.
    case resnetSmall = "resnet-small"
    /// resnet-small with a squeeze-and-excitation gate on every residual block's body (~27k more parameters).
    case resnetSmallSE = "resnet-small-se"
    /// A tiny network for tests and smoke runs.
    case tiny

    public func spec(inputSide: Int, classes: Int, dropout: Float) -> ModelSpec {
        switch self {
        case .resnetSmall, .resnetSmallSE:
            let gate: LayerSpec? = self == .resnetSmallSE ? .squeezeExcite(reduction: 8) : nil
            var layers: [LayerSpec] = [
                .conv(outChannels: 32, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm, .relu,
                .conv(outChannels: 32, kernel: 3, stride: 2, padding: 1, bias: false), .batchNorm, .relu,
            ]
            layers += Self.block(32, 64, stride: 2, gate: gate) + Self.block(64, 64, stride: 1, gate: gate)
            layers += Self.block(64, 128, stride: 2, gate: gate) + Self.block(128, 128, stride: 1, gate: gate)
            layers += Self.block(128, 256, stride: 2, gate: gate)
            layers += [.globalAvgPool, .dropout(rate: dropout), .dense(outFeatures: classes)]
            return ModelSpec(inputChannels: 3, inputHeight: inputSide, inputWidth: inputSide, layers: layers)
        case .tiny:
            return ModelSpec(inputChannels: 3, inputHeight: inputSide, inputWidth: inputSide, layers: [
                .conv(outChannels: 8, kernel: 3, stride: 2, padding: 1, bias: false), .batchNorm, .relu,
                .conv(outChannels: 16, kernel: 3, stride: 2, padding: 1, bias: false), .batchNorm, .relu,
                .globalAvgPool, .dropout(rate: dropout), .dense(outFeatures: classes),
            ])
        }
    }

    /// A basic residual block (two 3x3 convolutions, then the gate if any), then ReLU after the sum.
    static func block(_ inChannels: Int, _ outChannels: Int, stride: Int, gate: LayerSpec? = nil) -> [LayerSpec] {
        let body: [LayerSpec] = [
            .conv(outChannels: outChannels, kernel: 3, stride: stride, padding: 1, bias: false), .batchNorm, .relu,
            .conv(outChannels: outChannels, kernel: 3, stride: 1, padding: 1, bias: false), .batchNorm,
        ] + (gate.map { [$0] } ?? [])
        let shortcut: [LayerSpec] = stride == 1 && inChannels == outChannels ? [] :
            [.conv(outChannels: outChannels, kernel: 1, stride: stride, padding: 0, bias: false), .batchNorm]
        return [.residual(body: body, shortcut: shortcut), .relu]
    }
}

