/// Average pooling, NCHW, square window, no padding.
public final class AvgPool2D: Layer {
    public let kernel: Int, stride: Int
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    public init(kernel: Int, stride: Int) { self.kernel = kernel; self.stride = stride }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4, "AvgPool2D expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        let scale = 1 / Float(kernel * kernel)
        output.resize([x.shape[0], x.shape[1], oh, ow])
        for p in 0..<planes {
            let src = x.data + p * h * w, dst = output.data + p * oh * ow
            for y in 0..<oh {
                for xo in 0..<ow {
                    var s: Float = 0
                    for kh in 0..<kernel {
                        let row = src + (y * stride + kh) * w + xo * stride
                        for kw in 0..<kernel { s += row[kw] }
                    }
                    dst[y * ow + xo] = s * scale
                }
            }
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        gradInput.zero()
        let planes = inputShape[0] * inputShape[1], h = inputShape[2], w = inputShape[3]
        let oh = dy.shape[2], ow = dy.shape[3], scale = 1 / Float(kernel * kernel)
        for p in 0..<planes {
            let d = dy.data + p * oh * ow, dx = gradInput.data + p * h * w
            for y in 0..<oh {
                for xo in 0..<ow {
                    let g = d[y * ow + xo] * scale
                    for kh in 0..<kernel {
                        let row = dx + (y * stride + kh) * w + xo * stride
                        for kw in 0..<kernel { row[kw] += g }
                    }
                }
            }
        }
        return gradInput
    }
}

/// Mean over H and W: [N, C, H, W] -> [N, C].
public final class GlobalAvgPool: Layer {
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    public init() {}

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAvgPool expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        output.resize([x.shape[0], x.shape[1]])
        for p in 0..<planes {
            var s: Float = 0
            let src = x.data + p * plane
            for j in 0..<plane { s += src[j] }
            output[p] = s / Float(plane)
        }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        let planes = inputShape[0] * inputShape[1], plane = inputShape[2] * inputShape[3]
        for p in 0..<planes {
            let g = dy[p] / Float(plane)
            (gradInput.data + p * plane).update(repeating: g, count: plane)
        }
        return gradInput
    }
}
