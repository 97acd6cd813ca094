/// Max pooling, NCHW, square window, no padding. Caches the winning index of each window.
public final class MaxPool2D: Layer {
    public let kernel: Int, stride: Int
    private var inputShape: [Int] = []
    private var input: Tensor?
    /// False after an inference forward, which skips recording the winners; backward then redoes the
    /// forward in training mode to find them.
    private var winnersRecorded = false
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
        input = x
        winnersRecorded = mode == .training || !(kernel == 2 && stride == 2)
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        output.resize([x.shape[0], x.shape[1], oh, ow])
        if output.count > argmaxCapacity {
            argmax.deallocate()
            argmaxCapacity = output.count
            argmax = .allocate(capacity: argmaxCapacity)
        }
        let argmax = self.argmax
        let window2x2 = kernel == 2 && stride == 2
        parallelism.forEachSlice(planes, minimumPerWorker: max(1, (1 << 15) / max(1, h * w))) { range in for p in range {
            let src = x.data + p * h * w, dst = output.data + p * oh * ow, idx = argmax + p * oh * ow
            if window2x2 {
                Self.pool2x2(src, w, dst, idx, oh, ow, recordWinners: mode == .training)
                continue
            }
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

    /// The common 2x2, stride-2 window without the generic loops; winners are recorded only for training
    /// (first maximum wins, as in the generic path).
    @inline(__always)
    private static func pool2x2(_ src: UnsafeMutablePointer<Float>, _ w: Int, _ dst: UnsafeMutablePointer<Float>,
                                _ idx: UnsafeMutablePointer<Int32>, _ oh: Int, _ ow: Int, recordWinners: Bool) {
        for y in 0..<oh {
            let top = src + 2 * y * w, bottom = top + w, out = dst + y * ow
            if !recordWinners {
                for x in 0..<ow { out[x] = max(max(top[2 * x], top[2 * x + 1]), max(bottom[2 * x], bottom[2 * x + 1])) }
                continue
            }
            let winners = idx + y * ow, base = 2 * y * w
            for x in 0..<ow {
                var best = top[2 * x], at = base + 2 * x
                if top[2 * x + 1] > best { best = top[2 * x + 1]; at = base + 2 * x + 1 }
                if bottom[2 * x] > best { best = bottom[2 * x]; at = base + w + 2 * x }
                if bottom[2 * x + 1] > best { best = bottom[2 * x + 1]; at = base + w + 2 * x + 1 }
                out[x] = best
                winners[x] = Int32(at)
            }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        if !winnersRecorded, let input { _ = forward(input, mode: .training) }
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
