/// A Haar cascade evaluated on eight neighbouring windows of a row at once (AVX2 lanes).
///
/// Neighbouring windows read the integral image at neighbouring addresses, so one unaligned vector load
/// per rectangle corner serves all eight (step 1), or one double-width load keeping the even lanes (step 2).
/// Every lane computes what the scalar `HaarFaceDetector.stagesPassed` computes, bit for bit, so both paths
/// find the same windows. Feature values are summed in integers: with whole-number rectangle weights and
/// sums below 2^22 the scalar path's float arithmetic is exact, so the integer sum is the same number.
/// Used when every tree has one or two nodes and the weights allow that (the frontal cascades of opencv-data).
struct HaarBlockCascade {
    typealias Lanes = SIMD8<Float>
    typealias Mask = SIMDMask<SIMD8<Int32>>

    /// A tree node: up to three rectangles (corner offsets a, b, c, d) with integer weights.
    struct Node {
        var a0: Int32, b0: Int32, c0: Int32, d0: Int32
        var a1: Int32, b1: Int32, c1: Int32, d1: Int32
        var a2: Int32, b2: Int32, c2: Int32, d2: Int32
        var w0: Int32, w1: Int32, w2: Int32
        var threshold: Float

        init?(_ n: CompiledNode, windowArea: Int) {
            let weights = [n.w0, n.w1, n.w2]
            guard weights.allSatisfy({ $0 == $0.rounded() && abs($0) <= 64 }) else { return nil }
            // Largest possible |feature|: every rectangle as large as the window and full of 255s.
            guard weights.reduce(0, { $0 + Int(abs($1)) }) * windowArea * 255 < 1 << 22 else { return nil }
            a0 = n.a0; b0 = n.b0; c0 = n.c0; d0 = n.d0
            a1 = n.a1; b1 = n.b1; c1 = n.c1; d1 = n.d1
            a2 = n.a2; b2 = n.b2; c2 = n.c2; d2 = n.d2
            w0 = Int32(n.w0); w1 = Int32(n.w1); w2 = Int32(n.w2)
            threshold = n.threshold
        }
    }

    /// A one- or two-node tree; `leaf[2a + b]` is the leaf reached when node a's test is `a` and node b's is `b`.
    struct Tree {
        var a: Node, b: Node
        var twoNodes: Bool
        var leaf: SIMD4<Float>
    }
    struct Stage { var threshold: Float, trees: Range<Int> }

    let stages: [Stage]
    let trees: [Tree]

    /// nil when a tree has more than two nodes (the scalar path handles those cascades).
    init?(_ cascade: HaarCascade, nodes: [CompiledNode]) {
        var trees: [Tree] = []
        for tree in cascade.trees {
            guard tree.nodeCount == 1 || tree.nodeCount == 2 else { return nil }
            let first = Int(tree.firstNode)
            let a = nodes[first], b = tree.nodeCount == 2 ? nodes[first + 1] : a
            let area = cascade.windowWidth * cascade.windowHeight
            guard let blockA = Node(a, windowArea: area), let blockB = Node(b, windowArea: area) else { return nil }
            // The leaf the scalar walk reaches for each pair of test outcomes.
            func leaf(_ aTrue: Bool, _ bTrue: Bool) -> Float {
                var index = aTrue ? a.left : a.right
                if index > 0 { index = bTrue ? b.left : b.right }
                return cascade.leaves[Int(tree.firstLeaf - index)]
            }
            trees.append(Tree(a: blockA, b: blockB, twoNodes: tree.nodeCount == 2,
                              leaf: SIMD4(leaf(false, false), leaf(false, true), leaf(true, false), leaf(true, true))))
        }
        self.trees = trees
        stages = cascade.stages.map { Stage(threshold: $0.threshold, trees: Int($0.firstTree)..<Int($0.firstTree + $0.treeCount)) }
    }

    /// Which of the eight windows at `window + k * step` pass stage `s` (lanes not in `alive` are don't-cares).
    @inline(__always)
    func passes<Load: LaneLoad>(stage s: Int, _ window: UnsafePointer<Int32>, inverseNorm: Lanes, _: Load.Type,
                                 trees: UnsafeBufferPointer<Tree>) -> Mask {
        let stage = stages[s]
        var total = Lanes(repeating: 0)
        for t in stage.trees {
            let tree = trees[t]
            let aTrue = value(tree.a, window, Load.self) * inverseNorm .< Lanes(repeating: tree.a.threshold)
            var chosen = Lanes(repeating: tree.leaf[0]).replacing(with: tree.leaf[2], where: aTrue)
            if tree.twoNodes {
                let bTrue = value(tree.b, window, Load.self) * inverseNorm .< Lanes(repeating: tree.b.threshold)
                let ifBTrue = Lanes(repeating: tree.leaf[1]).replacing(with: tree.leaf[3], where: aTrue)
                chosen.replace(with: ifBTrue, where: bTrue)
            }
            total += chosen
        }
        return .!(total .< Lanes(repeating: stage.threshold))
    }

    @inline(__always)
    private func value<Load: LaneLoad>(_ n: Node, _ w: UnsafePointer<Int32>, _: Load.Type) -> Lanes {
        @inline(__always) func rect(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) -> SIMD8<Int32> {
            Load.ints(w + Int(a)) &- Load.ints(w + Int(b)) &- Load.ints(w + Int(c)) &+ Load.ints(w + Int(d))
        }
        var v = rect(n.a0, n.b0, n.c0, n.d0) &* n.w0 &+ rect(n.a1, n.b1, n.c1, n.d1) &* n.w1
        if n.w2 != 0 { v &+= rect(n.a2, n.b2, n.c2, n.d2) &* n.w2 }
        return Self.exactFloat(v)
    }

    /// Int32 lanes with |v| < 2^22 as floats, exactly: added to 1.5 * 2^23 they land in the mantissa of that
    /// float. (The standard library's conversion goes lane by lane here.)
    @inline(__always)
    static func exactFloat(_ v: SIMD8<Int32>) -> Lanes {
        unsafeBitCast(v &+ 0x4B40_0000, to: Lanes.self) - 12_582_912
    }
}

/// How eight windows `step` pixels apart are read from an integral-image row.
protocol LaneLoad {
    static var step: Int { get }
    static func ints(_ p: UnsafePointer<Int32>) -> SIMD8<Int32>
    static func doubles(_ p: UnsafePointer<Double>) -> SIMD8<Double>
}

enum Step1Load: LaneLoad {
    static var step: Int { 1 }
    @inline(__always) static func ints(_ p: UnsafePointer<Int32>) -> SIMD8<Int32> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self) }
    @inline(__always) static func doubles(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }
}

enum Step2Load: LaneLoad {
    static var step: Int { 2 }
    @inline(__always) static func ints(_ p: UnsafePointer<Int32>) -> SIMD8<Int32> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Int32>.self).evenHalf }
    @inline(__always) static func doubles(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Double>.self).evenHalf }
}
