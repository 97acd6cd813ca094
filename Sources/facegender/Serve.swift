import ArgumentParser
import FaceGenderDetection
import FaceGenderEngine
import FaceGenderImaging
import FaceGenderModel
import FaceGenderServer
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web page and the JSON API.",
        discussion: "Loads the shipped default model unless --model is given. GET / is the page, POST /api/v1/predict the API, "
            + "/openapi.yaml its description, /healthz /readyz /metrics for operations, /about the model card.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Model file (default: $FACEGENDER_MODEL, else the shipped Models/default.safetensors).") var model: String?
    @OptionGroup var detection: DetectorOptions
    @Option(help: "Largest request body in bytes.") var maxBodyBytes = 10 * 1024 * 1024
    @Option(help: "Largest image in pixels (checked before decoding).") var maxPixels = 40_000_000
    @Option(help: "Photos decoded and searched for faces at once.") var workers = 2
    @Option(help: "Seconds a request may expect to wait for its answer; one predicted to take longer gets 503 with Retry-After at once.")
    var latencyBudget = 1.0
    @Option(help: "Requests allowed to wait for a worker, at the most.") var maxQueued = 64
    @Option(help: "Face crops of concurrent requests classified in one network pass, at the most.") var maxBatch = 16
    @Option(help: "Milliseconds a batch waits for more crops after its first.") var batchWaitMs = 3.0
    @Option(help: "Seconds a connection may stay silent (e.g. a stalled upload) before it is closed.") var idleTimeout = 30.0
    @Option(help: "Markdown model card for /about (default: MODEL_CARD.md beside the model's folder).") var modelCard: String?

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535") }
        guard workers >= 1, maxQueued >= 0, maxBodyBytes > 0, maxPixels > 0, latencyBudget > 0, idleTimeout > 0, maxBatch >= 1,
              batchWaitMs >= 0 else {
            throw ValidationError("--workers, --max-batch, --max-body-bytes, --max-pixels, --latency-budget and --idle-timeout must be positive")
        }
    }

    func run() async throws {
        let bundle = try ModelBundle.locate(explicit: model, card: modelCard.map { .file($0) } ?? .besideModel)
        var config = ServerConfig()
        config.host = host; config.port = port; config.maxBodyBytes = maxBodyBytes; config.maxPixels = maxPixels
        config.workers = workers
        config.admission.latencyBudgetSeconds = latencyBudget; config.admission.maxQueued = maxQueued
        config.batching.maxBatch = maxBatch; config.batching.maxWaitSeconds = batchWaitMs / 1000
        config.idleTimeoutSeconds = idleTimeout
        config.modelCard = bundle.card
        let detector = try detection.make()
        let metrics = ServerMetrics()
        let pool = InferencePool(analyzers: try bundle.analyzers(count: workers, detector: detector), classifier: try bundle.classifier(),
                                 decoder: ImageDecoder(limits: config.decodeLimits), admission: config.admission,
                                 batching: config.batching, metrics: metrics)
        var logger = Logger(label: "facegender")
        logger.logLevel = .info
        logger.info("model \(bundle.path) (\(bundle.info.name) \(bundle.info.version)), card \(bundle.card?.path ?? "none"); listening on http://\(host):\(port)/")
        try await buildApplication(config: config, predictor: pool, metrics: metrics, logger: logger).runService()
    }
}
