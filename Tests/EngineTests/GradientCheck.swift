import FaceGenderEngine
import Testing

/// Compares a layer's analytic gradients with central finite differences of L = sum(forward(x) * r).
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Float = 2e-2
    var samples = 40

    func check(_ layer: Layer, input: Tensor, mode: Mode, seed: UInt64 = 1,
               sourceLocation: SourceLocation = #_sourceLocation) {
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
        func compare(_ what: String, analytic: Float, numeric: Float) {
            let scale = max(1, abs(analytic), abs(numeric))
            #expect(abs(analytic - numeric) / scale < tolerance,
                    "\(what): analytic \(analytic) vs numeric \(numeric)", sourceLocation: sourceLocation)
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
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let t = Tensor(shape: shape)
    for i in 0..<t.count { t[i] = rng.normal() * scale }
    return t
}
