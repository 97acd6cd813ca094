/// The learned face detector's shape, stored in its model file. A YuNet-like single-stage network: a stride-2
/// stem, depthwise-separable units (`DetectorNetwork.unit`), stages at strides 4, 8, 16 and 32, a top-down
/// feature pyramid on the last three, and one head per pyramid level predicting, at every position, a face score,
/// a box and five landmarks.
public struct DetectorSpec: Codable, Equatable, Sendable {
    /// Channels of the stem (stride 2) and of the stride-4 stage.
    public var stemChannels: Int
    public var stride4Channels: Int
    /// Channels of the stride 8, 16 and 32 stages, the pyramid and the heads.
    public var pyramidChannels: Int

    public init(stemChannels: Int = 16, stride4Channels: Int = 32, pyramidChannels: Int = 48) {
        self.stemChannels = stemChannels; self.stride4Channels = stride4Channels; self.pyramidChannels = pyramidChannels
    }

    /// The pyramid's strides, finest first; a detector's input sides are multiples of the last.
    public static let strides = [8, 16, 32]

    /// Outputs per position: the face score's logit, the box as log distances (left, top, right, bottom) from the
    /// position in strides, and five landmarks as (x, y) offsets from the position in strides.
    public static let outputsPerPosition = 15
}
