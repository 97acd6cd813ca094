extension RGBImage {
    /// Draws a rectangle outline `thickness` pixels wide, clipped to the image.
    public mutating func strokeRectangle(x: Int, y: Int, width: Int, height: Int, thickness: Int = 2,
                                         color: (UInt8, UInt8, UInt8)) {
        func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
            let xa = max(0, x0), ya = max(0, y0), xb = min(self.width, x1), yb = min(self.height, y1)
            guard xa < xb, ya < yb else { return }
            for yy in ya..<yb { for xx in xa..<xb {
                let i = (yy * self.width + xx) * 3
                pixels[i] = color.0; pixels[i + 1] = color.1; pixels[i + 2] = color.2
            } }
        }
        fill(x, y, x + width, y + thickness)
        fill(x, y + height - thickness, x + width, y + height)
        fill(x, y, x + thickness, y + height)
        fill(x + width - thickness, y, x + width, y + height)
    }
}
