/// Five points of a face in image pixels: the centres of the eye on the image's left and on its right, the nose
/// tip, and the mouth corners on the image's left and right (the order of WIDER FACE's RetinaFace annotations and
/// of ../shared's aaf/landmarks.csv).
public struct FaceLandmarks: Equatable, Codable, Sendable {
    public struct Point: Equatable, Codable, Sendable {
        public var x: Double, y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public var leftEye: Point, rightEye: Point, nose: Point, mouthLeft: Point, mouthRight: Point

    enum CodingKeys: String, CodingKey {
        case nose, leftEye = "left_eye", rightEye = "right_eye", mouthLeft = "mouth_left", mouthRight = "mouth_right"
    }

    public init(leftEye: Point, rightEye: Point, nose: Point, mouthLeft: Point, mouthRight: Point) {
        self.leftEye = leftEye; self.rightEye = rightEye; self.nose = nose; self.mouthLeft = mouthLeft; self.mouthRight = mouthRight
    }

    /// From ten numbers x0, y0, ..., x4, y4 in the order above.
    public init(_ v: [Double]) {
        precondition(v.count == 10, "five landmarks need ten coordinates")
        self.init(leftEye: Point(x: v[0], y: v[1]), rightEye: Point(x: v[2], y: v[3]), nose: Point(x: v[4], y: v[5]),
                  mouthLeft: Point(x: v[6], y: v[7]), mouthRight: Point(x: v[8], y: v[9]))
    }

    public var points: [Point] { [leftEye, rightEye, nose, mouthLeft, mouthRight] }
    public var coordinates: [Double] { points.flatMap { [$0.x, $0.y] } }

    /// Every point mapped by `transform`.
    public func map(_ transform: (Point) -> Point) -> FaceLandmarks {
        FaceLandmarks(leftEye: transform(leftEye), rightEye: transform(rightEye), nose: transform(nose),
                      mouthLeft: transform(mouthLeft), mouthRight: transform(mouthRight))
    }

    /// Every coordinate rounded to a tenth of a pixel, for output.
    public var rounded: FaceLandmarks { map { Point(x: ($0.x * 10).rounded() / 10, y: ($0.y * 10).rounded() / 10) } }

    /// The landmarks of the image mirrored left to right (width `width`): points move, and left and right swap so
    /// that the order stays "image's left first".
    public func mirrored(width: Double) -> FaceLandmarks {
        let m = map { Point(x: width - $0.x, y: $0.y) }
        return FaceLandmarks(leftEye: m.rightEye, rightEye: m.leftEye, nose: m.nose, mouthLeft: m.mouthRight, mouthRight: m.mouthLeft)
    }
}
