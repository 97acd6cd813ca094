/// Nearest-neighbour upsampling by 2, NCHW: [N, C, H, W] -> [N, C, 2H, 2W]; each input pixel fills a 2x2 block.
/// The feature pyramid of the face detector brings coarse maps to the next finer level with it.
public final class Upsample2x: Layer {
    private var inputShape: [Int] = []
    private let output = Tensor(shape: [0])
    private let gradInput = Tensor(shape: [0])
    private let parallelism: Parallelism

    public init(parallelism: Parallelism = Parallelism(workers: 1)) { self.parallelism = parallelism }

    public func forward(_ x: Tensor, mode: Mode) -> Tensor {
        precondition(x.shape.count == 4, "Upsample2x expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        output.resize([x.shape[0], x.shape[1], 2 * h, 2 * w])
        parallelism.forEachSlice(planes, minimumPerWorker: 8) { range in
            for p in range {
                let src = x.data + p * h * w, dst = self.output.data + p * 4 * h * w
                for y in 0..<h {
                    let top = dst + 2 * y * 2 * w, bottom = top + 2 * w
                    for xi in 0..<w {
                        let v = src[y * w + xi]
                        top[2 * xi] = v; top[2 * xi + 1] = v; bottom[2 * xi] = v; bottom[2 * xi + 1] = v
                    }
                }
            }
        }
        return output
    }

    /// dL/dx is the sum of the gradient over each 2x2 block.
    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(inputShape)
        let planes = inputShape[0] * inputShape[1], h = inputShape[2], w = inputShape[3]
        parallelism.forEachSlice(planes, minimumPerWorker: 8) { range in
            for p in range {
                let src = dy.data + p * 4 * h * w, dst = self.gradInput.data + p * h * w
                for y in 0..<h {
                    let top = src + 2 * y * 2 * w, bottom = top + 2 * w
                    for xi in 0..<w { dst[y * w + xi] = top[2 * xi] + top[2 * xi + 1] + bottom[2 * xi] + bottom[2 * xi + 1] }
                }
            }
        }
        return gradInput
    }
}
