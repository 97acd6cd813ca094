/// FNV-1a, 64-bit: stable across runs and machines (Swift's `Hasher` is seeded per process), so it can name
/// cache files and group files by content.
public enum StableHash {
    public static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    public static func hex(_ s: String) -> String {
        var s = s
        return String(s.withUTF8 { fnv1a(UnsafeRawBufferPointer($0)) }, radix: 16)
    }
}
