/// A raw detection window before grouping.
struct HitRect { var x: Double, y: Double, width: Double, height: Double }

/// A group of similar hits: their mean rectangle and how many hits it has.
struct GroupedRect { var x: Double, y: Double, width: Double, height: Double, neighbors: Int }

/// OpenCV's groupRectangles: cluster similar rectangles, keep clusters with more than `minNeighbors`
/// members, and drop small clusters that sit inside a stronger one.
enum RectangleGrouping {
    static func group(_ rects: [HitRect], minNeighbors: Int, eps: Double = 0.2) -> [GroupedRect] {
        guard !rects.isEmpty else { return [] }
        var parent = Array(rects.indices)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        // Similar rectangles differ in width by at most 2 * delta = 2 * eps * min width, so with the hits
        // sorted by width each one is compared only with the few scales next to it, not with all of them.
        let byWidth = rects.indices.sorted { rects[$0].width < rects[$1].width }
        for (k, i) in byWidth.enumerated() {
            let limit = rects[i].width * (1 + 2 * eps)
            for j in byWidth[(k + 1)...] {
                if rects[j].width > limit { break }
                if similar(rects[i], rects[j], eps) {
                    let a = find(i), b = find(j)
                    if a != b { parent[a] = b }
                }
            }
        }
        var sums: [Int: (HitRect, Int)] = [:]
        for (i, r) in rects.enumerated() {
            let root = find(i)
            let acc = sums[root] ?? (HitRect(x: 0, y: 0, width: 0, height: 0), 0)
            sums[root] = (HitRect(x: acc.0.x + r.x, y: acc.0.y + r.y, width: acc.0.width + r.width, height: acc.0.height + r.height), acc.1 + 1)
        }
        let clusters = sums.values.filter { $0.1 > minNeighbors }.map { s, n in
            GroupedRect(x: s.x / Double(n), y: s.y / Double(n), width: s.width / Double(n), height: s.height / Double(n), neighbors: n)
        }
        return clusters.filter { inner in
            !clusters.contains { outer in
                guard outer.neighbors > max(3, inner.neighbors) else { return false }
                let dx = outer.width * eps, dy = outer.height * eps
                return inner.x >= outer.x - dx && inner.y >= outer.y - dy
                    && inner.x + inner.width <= outer.x + outer.width + dx && inner.y + inner.height <= outer.y + outer.height + dy
                    && (inner.x != outer.x || inner.y != outer.y || inner.width != outer.width)
            }
        }
    }

    static func similar(_ a: HitRect, _ b: HitRect, _ eps: Double) -> Bool {
        let delta = eps * (min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return abs(a.x - b.x) <= delta && abs(a.y - b.y) <= delta
            && abs(a.x + a.width - b.x - b.width) <= delta && abs(a.y + a.height - b.y - b.height) <= delta
    }
}
