import FaceGenderImaging
import FaceGenderModel

/// Settings of `facegender serve`, passed in from the command line.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest accepted request body.
    public var maxBodyBytes = 10 * 1024 * 1024
    /// Largest accepted image, checked from its header before decoding.
    public var maxPixels = 40_000_000
    /// Photos decoded and searched for faces at once (one per core).
    public var workers = 2
    /// Which requests are taken, and how faces of concurrent requests are batched.
    public var admission = AdmissionPolicy()
    public var batching = BatchingPolicy()
    /// A connection that sends nothing for this long is closed (slow or stalled clients never hold a slot).
    public var idleTimeoutSeconds = 30.0
    /// The model card shown at /about, if any.
    public var modelCard: ModelCard?

    public init() {}

    public var decodeLimits: DecodeLimits { DecodeLimits(maxPixels: maxPixels, maxBytes: maxBodyBytes) }
}
