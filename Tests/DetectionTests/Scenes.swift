import TestSupport
import FaceGenderImaging
import Foundation

func photos(_ split: String, _ label: String, count: Int) throws -> [URL] { try utkfacePhotos(split, label, count: count) }

/// Pastes `face` scaled to `side` at (x, y) into `scene`.
func paste(_ face: RGBImage, side: Int, at x: Int, _ y: Int, into scene: inout RGBImage) {
    let small = Resampler.resize(face, width: side, height: side)
    for yy in 0..<side { for xx in 0..<side {
        let s = (yy * side + xx) * 3, d = ((y + yy) * scene.width + x + xx) * 3
        for c in 0..<3 { scene.pixels[d + c] = small.pixels[s + c] }
    } }
}

/// A 640x480 scene: a smooth gradient with some texture, and faces pasted at known places.
func scene(faces: [(RGBImage, side: Int, x: Int, y: Int)]) -> RGBImage {
    var img = RGBImage(width: 640, height: 480)
    for y in 0..<480 { for x in 0..<640 {
        let i = (y * 640 + x) * 3
        img.pixels[i] = UInt8((x * 255) / 640); img.pixels[i + 1] = UInt8((y * 255) / 480)
        img.pixels[i + 2] = UInt8(((x / 16 + y / 16) % 2) * 60 + 90)
    } }
    for f in faces { paste(f.0, side: f.side, at: f.x, f.y, into: &img) }
    return img
}
