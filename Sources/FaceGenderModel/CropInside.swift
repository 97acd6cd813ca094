/// A rectangle of crop pixels, columns x0..<x1 and rows y0..<y1.
public struct CropInside: Equatable, Sendable {
    public var x0: UInt16, y0: UInt16, x1: UInt16, y1: UInt16
    public init(x0: UInt16, y0: UInt16, x1: UInt16, y1: UInt16) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    public static func whole(side: Int) -> CropInside { CropInside(x0: 0, y0: 0, x1: UInt16(side), y1: UInt16(side)) }
    public func isWhole(side: Int) -> Bool { self == .whole(side: side) }
}
