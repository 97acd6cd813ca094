/// Eight floats at once (an AVX2 register): the engine's vector for loops the compiler does not vectorise by
/// itself, gathers and sums. A scalar sum is one chain of dependent additions, whose order the compiler may
/// not change; summing in eight lanes (a different, still fixed order) takes that chain off the critical path.
typealias Lanes = SIMD8<Float>

extension SIMD8<Float> {
    /// The first `count` lanes from `p` (the rest zero): a whole vector when `count` is 8.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, count: Int = 8) -> Self {
        if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
        var v = Self()
        for lane in 0..<count { v[lane] = p[lane] }
        return v
    }

    /// Writes the first `count` lanes to `p`.
    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>, count: Int = 8) {
        if count == 8 { UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self); return }
        for lane in 0..<count { p[lane] = self[lane] }
    }
}

/// Σ p[j] for j < count.
@inline(__always)
func laneSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = Lanes(), j = 0
    while j + 8 <= count { lanes += Lanes.load(p + j); j += 8 }
    var sum = lanes.sum()
    while j < count { sum += p[j]; j += 1 }
    return sum
}

/// Σ (p[j] - mean)² for j < count.
@inline(__always)
func laneSumOfSquares(_ p: UnsafePointer<Float>, count: Int, around mean: Float) -> Float {
    var lanes = Lanes(), j = 0
    let m = Lanes(repeating: mean)
    while j + 8 <= count { let d = Lanes.load(p + j) - m; lanes.addProduct(d, d); j += 8 }
    var sum = lanes.sum()
    while j < count { let d = p[j] - mean; sum += d * d; j += 1 }
    return sum
}

/// (Σ a[j], Σ a[j]·b[j]) for j < count.
@inline(__always)
func laneSumAndDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (sum: Float, dot: Float) {
    var sums = Lanes(), dots = Lanes(), j = 0
    while j + 8 <= count {
        let x = Lanes.load(a + j)
        sums += x; dots.addProduct(x, Lanes.load(b + j)); j += 8
    }
    var sum = sums.sum(), dot = dots.sum()
    while j < count { sum += a[j]; dot += a[j] * b[j]; j += 1 }
    return (sum, dot)
}
