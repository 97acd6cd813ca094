import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel

/// Replaces the part of a training crop that lies outside its photo, so that the network learns nothing from
/// replicated edges: half the time with another training crop's pixels (real faces, hair and backgrounds),
/// half the time with a random flat colour plus noise.
public enum OutsideFill {
    public static func apply(to crop: inout RGBImage, inside: CropInside, donor: RGBImage, using rng: inout RandomGenerator) {
        let side = crop.width
        guard !inside.isWhole(side: side), donor.width == side, donor.height == side else { return }
        let useDonor = Bool.random(using: &rng)
        let colour = (0..<3).map { _ in Float.random(in: 30...225, using: &rng) }
        let amplitude = Float.random(in: 0...25, using: &rng)
        let x0 = Int(inside.x0), x1 = Int(inside.x1), y0 = Int(inside.y0), y1 = Int(inside.y1)
        for y in 0..<side {
            for x in 0..<side where x < x0 || x >= x1 || y < y0 || y >= y1 {
                let i = (y * side + x) * 3
                for c in 0..<3 {
                    crop.pixels[i + c] = useDonor ? donor.pixels[i + c]
                        : UInt8(max(0, min(255, colour[c] + amplitude * Float.random(in: -1...1, using: &rng))))
                }
            }
        }
    }
}
