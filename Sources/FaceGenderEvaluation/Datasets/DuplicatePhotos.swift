import Foundation

/// Files that hold exactly the same bytes. Public face datasets repeat photos: UTKFace as shipped in
/// ../shared has 69 Test and 53 Validation photos that are also in Train, and 34 photos filed under both
/// classes. A copy in two splits measures memory, not generalisation; a copy under two labels is label noise.
public struct DuplicatePhotos: Sendable {
    /// Each group: indices into the paths given, in their order; two or more per group, groups by first index.
    public let groups: [[Int]]

    /// Unreadable files belong to no group (they are reported where photos are decoded).
    public init(paths: [String]) {
        var candidates: [Candidate: [Int]] = [:]
        for (i, path) in paths.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            candidates[Candidate(size: data.count, hash: data.withUnsafeBytes(StableHash.fnv1a)), default: []].append(i)
        }
        var groups: [[Int]] = []
        for indices in candidates.values where indices.count > 1 {
            groups += Self.identical(indices, paths: paths)
        }
        self.groups = groups.sorted { $0[0] < $1[0] }
    }

    /// Indices of `paths` whose bytes are also those of one of `others` (e.g. evaluated photos that are training photos).
    public static func copies(in paths: [String], of others: [String]) -> Set<Int> {
        let all = DuplicatePhotos(paths: paths + others)
        var found = Set<Int>()
        for group in all.groups where group.contains(where: { $0 >= paths.count }) {
            found.formUnion(group.filter { $0 < paths.count })
        }
        return found
    }

    /// Equal hashes are confirmed byte by byte, so a hash collision never merges two different photos.
    public static func identical(_ indices: [Int], paths: [String]) -> [[Int]] {
        var groups: [(bytes: Data, members: [Int])] = []
        for i in indices {
            guard let data = FileManager.default.contents(atPath: paths[i]) else { continue }
            if let g = groups.firstIndex(where: { $0.bytes == data }) { groups[g].members.append(i) } else { groups.append((data, [i])) }
        }
        return groups.map(\.members).filter { $0.count > 1 }
    }

    private struct Candidate: Hashable { var size: Int, hash: UInt64 }
}
