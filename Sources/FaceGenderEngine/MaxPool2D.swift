/// Max pooling, NCHW, square window, no padding. Caches the winning index of each window.
public final class MaxPool2D: Layer {
    public let kernel: Int, stride: Int
    private var inputShape: [Int] = []
    private var argmax: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private var argmaxCapacity = 1
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])

    private let parallelism: Parallelism

    public init(kernel: Int, stride: Int, parallelism: Parallelism = Parallelism(workers: 1)) {
        self.kernel = kernel; self.stride = stride; self.parallelism = parallelism
    }
    deinit { argmax.deallocate() }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4, "MaxPool2D expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        output.resize([x.shape[0], x.shape[1], oh, ow])
        if output.count > argmaxCapacity {
            argmax.deallocate()
            argmaxCapacity = output.count
            argmax = .allocate(capacity: argmaxCapacity)
        }
        let argmax = self.argmax
        parallelism.forEachSlice(planes, minimumPerWorker: max(1, (1 << 15) / max(1, h * w))) { range in for p in range {
            let src = x.data + p * h * w, dst = output.data + p * oh * ow, idx = argmax + p * oh * ow
            for y in 0..<oh {
                for xo in 0..<ow {
                    var best = -Float.infinity, bestIndex = 0
                    for kh in 0..<kernel {
                        let row = (y * stride + kh) * w
                        for kw in 0..<kernel {
                            let j = row + xo * stride + kw
                            if src[j] > best { best = src[j]; bestIndex = j }
                        }
                    }
                    dst[y * ow + xo] = best
                    idx[y * ow + xo] = Int32(bestIndex)
                }
            }
        } }
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        gradInput.zero()
        let planes = inputShape[0] * inputShape[1], inPlane = inputShape[2] * inputShape[3]
        let outPlane = dy.count / max(planes, 1)
        let argmax = self.argmax
        parallelism.forEachSlice(planes, minimumPerWorker: max(1, (1 << 15) / max(1, inPlane))) { range in for p in range {
            let d = dy.data + p * outPlane, idx = argmax + p * outPlane, dx = gradInput.data + p * inPlane
            for j in 0..<outPlane { dx[Int(idx[j])] += d[j] }
        } }
        return gradInput
    }
}
