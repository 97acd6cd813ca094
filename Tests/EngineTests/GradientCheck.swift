import FaceGenderEngine
import Testing

/// Compares a layer's analytic gradients with central finite differences of L = sum(forward(x) * r).
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Float = 2e-2
    var samples = 40

    func check(_ layer: Layer, input: Tensor, mode: Mode, seed: UInt64 = 1,
               sourceLocation: SourceLocation = #_sourceLocation) {
        for m in mismatches(layer, input: input, mode: mode, seed: seed).wrong {
            Issue.record(Comment(rawValue: m), sourceLocation: sourceLocation)
        }
    }

    /// Every sampled entry whose analytic and numeric gradients differ by more than `tolerance` (relative), and how
    /// many were sampled. Networks with ReLU before max pooling have kinks (ties at zero) where finite differences
    /// are wrong now and then; their tests bound the share of mismatches instead of requiring none.
    func mismatches(_ layer: Layer, input: Tensor, mode: Mode, seed: UInt64 = 1) -> (checked: Int, wrong: [String]) {
        var rng = RandomGenerator(seed: seed)
        let out = layer.forward(input, mode: mode)
        let upstream = Tensor(shape: out.shape)
        for i in 0..<upstream.count { upstream[i] = rng.normal() }
        for p in layer.parameters { p.gradient.zero() }
        let analyticInput = layer.backward(upstream).clone()

        func loss() -> Double {
            let y = layer.forward(input, mode: mode)
            var s = 0.0
            for i in 0..<y.count { s += Double(y[i]) * Double(upstream[i]) }
            return s
        }
        func numeric(_ t: Tensor, _ i: Int) -> Float {
            let saved = t[i]
            t[i] = saved + epsilon; let plus = loss()
            t[i] = saved - epsilon; let minus = loss()
            t[i] = saved
            return Float((plus - minus) / (2 * Double(epsilon)))
        }
        var checked = 0, wrong: [String] = []
        func compare(_ what: String, analytic: Float, numeric: Float) {
            checked += 1
            let scale = max(1, abs(analytic), abs(numeric))
            if abs(analytic - numeric) / scale >= tolerance { wrong.append("\(what): analytic \(analytic) vs numeric \(numeric)") }
        }
        for _ in 0..<samples {
            let i = Int(rng.next() % UInt64(input.count))
            compare("dx[\(i)]", analytic: analyticInput[i], numeric: numeric(input, i))
        }
        for p in layer.parameters {
            let analytic = p.gradient.clone()
            for _ in 0..<min(samples, p.value.count) {
                let i = Int(rng.next() % UInt64(p.value.count))
                compare("\(p.name)[\(i)]", analytic: analytic[i], numeric: numeric(p.value, i))
            }
        }
        return (checked, wrong)
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(shape: shape)
    for i in 0..<t.count { t[i] = rng.normal() * scale }
    return t
}

/// Direct 7-loop convolution: the definition.
func naiveConvolution(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) -> [Float] {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oc, k) = (w.shape[0], w.shape[2])
    let oh = (h + 2 * padding - k) / stride + 1, ow = (wd + 2 * padding - k) / stride + 1
    var out = [Float](repeating: 0, count: n * oc * oh * ow)
    for i in 0..<n { for o in 0..<oc { for y in 0..<oh { for xo in 0..<ow {
        var s: Float = 0
        for ci in 0..<c { for kh in 0..<k { for kw in 0..<k {
            let iy = y * stride - padding + kh, ix = xo * stride - padding + kw
            if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                s += x[((i * c + ci) * h + iy) * wd + ix] * w[((o * c + ci) * k + kh) * k + kw]
            }
        } } }
        out[((i * oc + o) * oh + y) * ow + xo] = s
    } } } }
    return out
}
